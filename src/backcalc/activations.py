"""The public extension API for activations: subclass `Activation`, decorate with `@register`.

The built-ins live in backcalc.core.activations; CONTRIBUTING.md has the recipe.
"""

from backcalc.core.activations import ACTIVATIONS, Activation, register

__all__ = ["ACTIVATIONS", "Activation", "register"]
