"""The public extension API for losses: subclass `Loss`, decorate with `@register`.

The built-ins live in backcalc.core.losses; CONTRIBUTING.md has the recipe.
"""

from backcalc.core.losses import LOSSES, Loss, register

__all__ = ["LOSSES", "Loss", "register"]
