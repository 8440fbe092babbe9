"""The public extension API for activations (the classes live in backcalc.core.activations)."""

from backcalc.core.activations import Activation

__all__ = ["Activation"]
