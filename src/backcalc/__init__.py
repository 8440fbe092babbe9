"""backcalc: a backprop calculator showing every intermediate of the forward and backward pass.

The Python API (backcalc.api) is loaded on first use, so that `import backcalc` and
`backcalc --help` stay light:

    import backcalc
    result = backcalc.run(backcalc.load("reference-2-3-1"))
    result.to_dict()["loss"], result.quantity("dJ_dW", layer=1)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["BackcalcError", "Report", "Result", "SpecError", "check", "load", "run"]

if TYPE_CHECKING:
    from backcalc.api import Report, Result, check, load, run
    from backcalc.errors import BackcalcError, SpecError


def __getattr__(name: str) -> Any:
    if name in ("load", "run", "check", "Result", "Report"):
        from backcalc import api

        return getattr(api, name)
    if name in ("BackcalcError", "SpecError"):
        from backcalc import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'backcalc' has no attribute '{name}'")
