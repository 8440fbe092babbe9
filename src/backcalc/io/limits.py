"""What a spec may make backcalc read and allocate: a budget of numbers, and the folder its data
files must lie in.

A spec of ten lines can name a 4.8 MB `.npz` that unpacks to 4.66 GB, a `.npy` whose header
declares 10 GB, or `units: 1e9`; each is refused before anything is allocated. The budget counts
every array a spec reads from a file or draws at random, and each layer's outputs for the whole
batch (z, a and δ have that size), all together: 10⁸ numbers (800 MB as float64) by default,
`--max-elements` (or `max_elements=` in the Python API) to raise it.
"""

from __future__ import annotations

from dataclasses import dataclass

from backcalc.errors import BackcalcError

MAX_ELEMENTS = 10**8


@dataclass(frozen=True)
class Limits:
    """How much a spec may allocate, and whether its data files may lie outside its folder."""

    max_elements: int = MAX_ELEMENTS
    allow_outside_files: bool = False


def count(n: int) -> str:
    """A count of numbers as a person reads it, in groups of three digits split by a space (the
    SI's way, the same in English and Spanish, where 1,250 would read as one and a quarter):
    1 250 000 000 (or 1.0e+300 past the digits one reads)."""
    return f"{n:,}".replace(",", " ") if n < 10**15 else f"{float(n):.1e}"


class LimitError(BackcalcError):
    """A spec asks for more numbers than the budget allows (placed at its key by the reader)."""


@dataclass
class Budget:
    """The numbers a spec has taken so far, out of `limit`."""

    limit: int = MAX_ELEMENTS
    used: int = 0

    @property
    def room(self) -> int:
        return self.limit - self.used

    def take(self, count: int, subject: str) -> None:
        """Count `count` more numbers (`subject` says what they are), or raise LimitError."""
        if count > self.room:
            raise self.refusal(subject)
        self.used += count

    def refusal(self, subject: str) -> LimitError:
        """LimitError for `subject` ("W.npy declares 2 000 numbers"), saying the limit."""
        limit = f"the limit of {count(self.limit)} (--max-elements raises it)"
        if self.used == 0:
            return LimitError(f"{subject}, more than {limit}")
        return LimitError(f"{subject}; with the spec's other {count(self.used)}, more than {limit}")
