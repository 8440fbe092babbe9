"""The public extension API for losses (the classes live in backcalc.core.losses)."""

from backcalc.core.losses import Loss

__all__ = ["Loss"]
