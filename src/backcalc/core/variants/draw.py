"""Drawing the variants of a template: one per key, reproducible, distinct and good.

Each key (variant id, student key) has its own seed, `student_seed(seed, key)`, and its own
stream of draws (numpy's default generator on that seed): the first draw with no problem
(backcalc.core.variants.problems) whose numbers no other variant has is the variant. The keys
are served in sorted order (student key, then id), so a variant depends on the template, the
seed, its key and, only where two keys' first good draws coincide, on the keys sorted before it:
never on the order the keys are given in.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from backcalc.core.variants.problems import Zeros, problems, zeros
from backcalc.core.variants.rules import FIXED, Choice, Fixed, Range, Rule, Vary
from backcalc.core.variants.seeds import numbers_hash, student_seed
from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.exercise import ExerciseKind
    from backcalc.core.graph import Graph
    from backcalc.core.network import Exercise

ATTEMPTS = 500  # draws per variant before giving up
ANSWER_DECIMALS = 15  # as a spec's answer_decimals: float64 holds about 16 significant digits
SHOWN = 3  # reasons named in the error
COLLISION = "the same numbers as another variant"


class VariantError(BackcalcError):
    """No good variant within the draws allowed: the message says which constraints failed."""


@dataclass(frozen=True, eq=False)
class Variant:
    """One drawn variant: its `id`, the student `key` it was drawn for, its own `seed`, the
    `hash` of its numbers (16 hex digits), the `exercise` (with `answer_decimals` set) and how
    many draws it took (`attempts`)."""

    id: str
    key: str
    seed: int
    hash: str
    exercise: ExerciseKind
    attempts: int


def draw_all(
    template: ExerciseKind,
    vary: Vary,
    keys: Sequence[tuple[str, str]],
    seed: int,
    decimals: int,
    attempts: int = ATTEMPTS,
) -> list[Variant]:
    """A good, distinct variant for each (variant id, student key), in the order of `keys`;
    VariantError when one cannot be found within `attempts` draws."""
    if attempts < 1 or not 0 <= decimals <= ANSWER_DECIMALS:
        raise ValueError(f"expected attempts ≥ 1 and decimals from 0 to {ANSWER_DECIMALS}")
    taken: set[str] = set()
    found: dict[int, Variant] = {}
    constant = not varies(template, vary)
    allowed = zeros(template)  # the exact zeros of the template's gradients: its structure's
    for index in sorted(range(len(keys)), key=lambda i: (keys[i][1], keys[i][0])):
        ident, key = keys[index]
        found[index] = _draw_one(
            template, vary, ident, key, seed, decimals, 1 if constant else attempts, taken, allowed
        )
        taken.add(found[index].hash)
    return [found[index] for index in range(len(keys))]


def _draw_one(
    template: ExerciseKind,
    vary: Vary,
    ident: str,
    key: str,
    seed: int,
    decimals: int,
    attempts: int,
    taken: set[str],
    allowed: Zeros | None = None,
) -> Variant:
    own = student_seed(seed, key)
    rng = np.random.default_rng(own)
    tally: Counter[str] = Counter()
    for attempt in range(1, attempts + 1):
        exercise = draw(template, vary, rng, decimals)
        found = problems(exercise, decimals, allowed)
        if found:
            tally.update({str(problem) for problem in found})
            continue
        digest = numbers_hash(exercise)
        if digest in taken:
            tally[COLLISION] += 1
            continue
        return Variant(ident, key, own, digest, exercise, attempt)
    raise VariantError(_message(ident, attempts, tally, possible(template, vary)))


def _message(ident: str, attempts: int, tally: Counter[str], possible: int) -> str:
    """`no good variant in 500 draws for 'v03': 312 had …, 188 had …` (the most common
    reasons first; the same numbers as another variant with how many draws the rules allow,
    where that is what kept every draw out)."""
    draws = "1 draw" if attempts == 1 else f"{attempts} draws"
    reasons = []
    for reason, count in tally.most_common(SHOWN):
        if reason == COLLISION and possible <= attempts:
            reason += (
                f" (the rules allow {possible} different draws at most: widen a range or "
                "allow more decimals under vary:)"
            )
        reasons.append(f"{count} had {reason}")
    return f"no good variant in {draws} for '{ident}': " + ", ".join(reasons)


def possible(template: ExerciseKind, vary: Vary) -> int:
    """How many different draws the rules allow (at most; capped at 10¹⁸)."""
    total = 1
    for rule, count in _rules(template, vary):
        if isinstance(rule, Range | Choice):
            total = min(total * rule.size() ** count, 10**18)
    return total


def _rules(template: ExerciseKind, vary: Vary) -> list[tuple[Rule, int]]:
    """Every group's rule and how many numbers it draws (a class target: one per row)."""
    if template.kind == "graph":
        graph: Graph = template  # type: ignore[assignment]
        return [(vary.value_of(name), 1) for name in graph.values]
    exercise: Exercise = template  # type: ignore[assignment]
    y = exercise.target
    found: list[tuple[Rule, int]] = [(vary.input, exercise.x.size), (vary.target, y.size)]
    if exercise.network.loss.classes and isinstance(vary.target, Range | Choice):
        found[1] = (_classes(vary.target, y.shape[1]), y.shape[0])
    for number, layer in enumerate(exercise.network.layers, start=1):
        found.append((vary.weights_of(number), layer.weights.size))
        if layer.bias is not None:
            found.append((vary.bias_of(number), layer.bias.size))
    return found


def _class_rule(exercise: Exercise, rule: Rule) -> bool:
    return exercise.network.loss.classes and isinstance(rule, Range | Choice)


def varies(template: ExerciseKind, vary: Vary) -> bool:
    """Whether any number of the template is drawn at all."""
    return any(not isinstance(rule, Fixed) for rule, _ in _rules(template, vary))


def draw(
    template: ExerciseKind, vary: Vary, rng: np.random.Generator, decimals: int
) -> ExerciseKind:
    """One draw of the template's numbers by the rules (not checked), `answer_decimals` set."""
    if template.kind == "graph":
        graph: Graph = template  # type: ignore[assignment]
        values = {
            name: float(_drawn(vary.value_of(name), np.asarray(value), rng))
            for name, value in graph.values.items()
        }
        return dataclasses.replace(graph, values=values, answer_decimals=decimals)
    exercise: Exercise = template  # type: ignore[assignment]
    network = exercise.network
    x = _drawn(vary.input, exercise.x, rng)
    target = _target(exercise, vary.target, rng)
    layers = []
    for number, layer in enumerate(network.layers, start=1):
        weights = _drawn(vary.weights_of(number), layer.weights, rng)
        bias = None if layer.bias is None else _drawn(vary.bias_of(number), layer.bias, rng)
        layers.append(dataclasses.replace(layer, weights=weights, bias=bias))
    return dataclasses.replace(
        exercise,
        network=dataclasses.replace(network, layers=tuple(layers)),
        x=x,
        target=target,
        validation=None,
        answer_decimals=decimals,
    )


def _drawn(rule: Rule, values: Array, rng: np.random.Generator) -> Array:
    if isinstance(rule, Range | Choice):
        return rule.draw(rng, np.shape(values))
    return values


def _target(exercise: Exercise, rule: Rule, rng: np.random.Generator) -> Array:
    """Class targets one class per observation (one-hot rows), others entry by entry."""
    y = exercise.target
    if rule is FIXED or isinstance(rule, Fixed):
        return y
    if not _class_rule(exercise, rule):
        return _drawn(rule, y, rng)
    assert isinstance(rule, Range | Choice)
    classes = _classes(rule, y.shape[1])
    picks = classes.draw(rng, (y.shape[0],)).astype(np.int64)
    return np.asarray(np.eye(y.shape[1])[picks], dtype=np.float64)


def _classes(rule: Range | Choice, k: int) -> Choice:
    """The class indices a rule allows (a range: its whole numbers)."""
    if isinstance(rule, Choice):
        return rule
    first, last = max(int(np.ceil(rule.low)), 0), min(int(np.floor(rule.high)), k - 1)
    return Choice(tuple(float(c) for c in range(first, last + 1)))
