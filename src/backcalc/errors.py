"""The one exception family of backcalc.

Every message is written for the user. Errors in a spec carry a location so the CLI can print
`net.yaml:7:5: layers[2].weights: 2 columns, but layer 1 outputs 3 values`; the indices of a key
path count from 1, as people count (`layers[1]` is the first layer, as "layer 1" is).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where something is in a spec file: 1-based line and column, and the key path."""

    file: str
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        text = ":".join(parts)
        return f"{text}: {self.path}" if self.path else text


class BackcalcError(Exception):
    """Base class: a message meant for the user, with an optional location."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class SpecError(BackcalcError):
    """The spec file is unreadable, malformed or inconsistent."""


class NumericalError(BackcalcError):
    """A value left float64's range (overflow) or became undefined (NaN)."""
