"""Hand-worked answers against the trace: every claimed entry judged, in the order a hand
solution goes, and the first wrong step named.

An entry passes when |claimed − correct| ≤ atol + rtol·|correct| + u, where u is half a unit in
the last decimal place the number was written with: hand answers are rounded along the way, so
the defaults (rtol 1%, atol 1e-4) accept a solution rounded to 3 decimals at every step, yet a
sign flipped on an entry of size 1e-4 fails. `correct` is the engine's value; for gradients the
central difference is reported beside it as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from backcalc.gradcheck import Probe, relative_error
from backcalc.quantities import GRADIENTS, hand_order, quantity

if TYPE_CHECKING:
    from backcalc.answers import Claim
    from backcalc.network import Trace


@dataclass(frozen=True)
class AnswerSettings:
    rtol: float = 0.01
    atol: float = 1e-4
    eps: float = 1e-6


@dataclass(frozen=True)
class Judged:
    """One claimed entry. `parameter` (W1, b2, x) and `numeric` are set for gradients."""

    quantity: str
    layer: int | None
    index: tuple[int, ...]
    claimed: float
    written: str
    correct: float
    numeric: float | None
    abs_error: float
    rel_error: float
    allowed: float
    status: Literal["pass", "fail"]
    parameter: str | None


@dataclass(frozen=True)
class Grading:
    settings: AnswerSettings
    entries: tuple[Judged, ...]

    @property
    def passed(self) -> bool:
        return all(entry.status == "pass" for entry in self.entries)

    @property
    def first_wrong(self) -> Judged | None:
        return next((entry for entry in self.entries if entry.status == "fail"), None)

    @property
    def worst(self) -> Judged | None:
        return max(self.entries, key=lambda entry: entry.rel_error, default=None)


def grade(trace: Trace, claims: tuple[Claim, ...], settings: AnswerSettings) -> Grading:
    """Judge every claimed entry, in hand-solution order."""
    by_key = {(claim.name, claim.layer): claim for claim in claims}
    probe = Probe(trace.exercise)
    views = {name: view for name, _, view, _ in probe.targets(trace)}
    entries: list[Judged] = []
    for name, layer in hand_order(len(trace.layers)):
        claim = by_key.get((name, layer))
        if claim is None:
            continue
        correct = quantity(trace, name, layer)
        assert correct is not None  # the answers reader refuses quantities the trace lacks
        parameter = _parameter(name, layer)
        for index in np.ndindex(claim.values.shape):
            numeric = None
            if parameter is not None:
                numeric = probe.central_difference(views[parameter], index, settings.eps)
            entries.append(
                _judge(claim, index, float(correct[index]), numeric, parameter, settings)
            )
    return Grading(settings, tuple(entries))


def _parameter(name: str, layer: int | None) -> str | None:
    symbol = GRADIENTS.get(name)
    if symbol is None:
        return None
    return symbol if layer is None else f"{symbol}{layer}"


def _judge(
    claim: Claim,
    index: tuple[int, ...],
    correct: float,
    numeric: float | None,
    parameter: str | None,
    settings: AnswerSettings,
) -> Judged:
    claimed = float(claim.values[index])
    error = abs(claimed - correct)
    allowed = settings.atol + settings.rtol * abs(correct) + float(claim.half_unit[index])
    return Judged(
        quantity=claim.name,
        layer=claim.layer,
        index=index,
        claimed=claimed,
        written=claim.written[int(np.ravel_multi_index(index, claim.values.shape)) if index else 0],
        correct=correct,
        numeric=numeric,
        abs_error=error,
        rel_error=relative_error(claimed, correct),
        allowed=allowed,
        status="pass" if error <= allowed else "fail",
        parameter=parameter,
    )
