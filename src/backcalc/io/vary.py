"""The `vary:` section of a template: which numbers its variants draw, and how.

```yaml
vary:
  weights: {range: [-1, 1], decimals: 1}   # every layer's weights
  bias: {values: [-0.5, 0, 0.5]}           # each entry drawn from these
  input: {values: [-2, -1, 1, 2]}
  target: fixed                            # kept as the template has it
  layers:
    2: {weights: {range: [-2, 2]}}         # layer 2's own rule (layers counted from 1)
```

A graph's section names its values (`x: {range: [0, 3], decimals: 1}`). A group the section does
not name varies by default (backcalc.core.variants.rules: the template's own range at its own
decimals, read here from the YAML text); arrays read from a file or drawn by an initializer are
fixed unless the section names them. A range's `decimals` default to the template's own for
that group, and at least those its bounds are written with. Class targets take class indices
(counted from 0); 0/1 targets numbers from 0 to 1. Every mistake is a located SpecError.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

from backcalc.core.variants.rules import (
    FIXED,
    MAX_DECIMALS,
    Choice,
    Fixed,
    LayerVary,
    Range,
    Rule,
    Vary,
    decimals_of,
)
from backcalc.io.reader import ValueReader, describe, plural
from backcalc.io.yamlnodes import Document, child

if TYPE_CHECKING:
    from backcalc.core.exercise import ExerciseKind
    from backcalc.core.graph import Graph
    from backcalc.core.network import Exercise

GROUPS = ("input", "target", "weights", "bias", "layers")
LAYER_GROUPS = ("weights", "bias")
RULE_KEYS = ("range", "decimals", "values")
FIXED_WORD = "fixed"
_EXPECTED = "{range: [low, high], decimals: d}, {values: [...]} or fixed"


def read(doc: Document, template: ExerciseKind) -> Vary:
    """The Vary of a template: its defaults, with the rules its `vary:` section gives."""
    return VaryReader(doc).vary(template)


class VaryReader(ValueReader):
    """Reads `vary:` against the exercise the rest of the spec gave."""

    def vary(self, template: ExerciseKind) -> Vary:
        data = self.doc.data if isinstance(self.doc.data, dict) else {}
        section = data.get("vary")
        default = Vary.default(template, written_decimals(self.doc), given_elsewhere(data))
        if section is None:
            return default
        if template.kind == "graph":
            return self.graph_vary(section, template, default)  # type: ignore[arg-type]
        return self.network_vary(section, template, default)  # type: ignore[arg-type]

    # -- a network --------------------------------------------------------------------------

    def network_vary(self, section: Any, exercise: Exercise, default: Vary) -> Vary:
        spec = self.mapping(section, "vary", GROUPS, "the numbers to vary")
        depth = len(exercise.network.layers)
        rules: dict[str, Rule] = {}
        for group in ("input", "weights", "bias"):
            if group in spec:
                rules[group] = self.rule(spec[group], child("vary", group), default.rule(group))
        if "target" in spec:
            rules["target"] = self.target(spec["target"], exercise, default.target)
        # a layer's default (fixed: read from a file or drawn) yields to a rule for its group
        layers = {
            n: LayerVary(
                *(None if which in rules else getattr(own, which) for which in LAYER_GROUPS)
            )
            for n, own in default.layers.items()
        }
        given = self.layers(spec["layers"], depth, exercise, default) if "layers" in spec else {}
        for n, own in given.items():
            base = layers.get(n, LayerVary())
            layers[n] = LayerVary(
                base.weights if own.weights is None else own.weights,
                base.bias if own.bias is None else own.bias,
            )
        vary = dataclasses.replace(default, **rules)  # type: ignore[arg-type]
        kept = {n: own for n, own in layers.items() if own != LayerVary()}
        return dataclasses.replace(vary, layers=kept)

    def layers(
        self, value: Any, depth: int, exercise: Exercise, default: Vary
    ) -> dict[int, LayerVary]:
        path = child("vary", "layers")
        if not isinstance(value, dict):
            raise self.fail(
                path, f"expected a mapping of layer numbers (from 1), found {describe(value)}"
            )
        found: dict[int, LayerVary] = {}
        for key, item in value.items():
            where = child(path, key)
            number = int(key) if str(key).isdigit() else None
            if number is None or not 1 <= number <= depth:
                raise self.fail(
                    where,
                    f"expected a layer number from 1 to {depth} (the network has "
                    f"{plural(depth, 'layer')}), found {key}",
                )
            spec = self.mapping(item, where, LAYER_GROUPS, f"the numbers to vary in layer {number}")
            layer = exercise.network.layers[number - 1]
            rules: dict[str, Rule] = {}
            for which in LAYER_GROUPS:
                if which not in spec:
                    continue
                if which == "bias" and layer.bias is None:
                    raise self.fail(child(where, which), f"layer {number} has no bias to vary")
                fallback = default.rule(f"layers[{number}].{which}")
                rules[which] = self.rule(spec[which], child(where, which), fallback)
            found[number] = LayerVary(**rules)
        return found

    def target(self, value: Any, exercise: Exercise, default: Rule) -> Rule:
        """A target's rule, within what the loss takes: class indices from 0 to k − 1 for
        classes, numbers from 0 to 1 for binary targets."""
        path = child("vary", "target")
        rule = self.rule(value, path, default)
        if isinstance(rule, Fixed):
            return rule
        loss, k = exercise.network.loss, exercise.target.shape[1]
        where = child(path, "values" if isinstance(rule, Choice) else "range")
        if loss.classes:
            if isinstance(rule, Choice):
                bad = [v for v in rule.values if v != int(v) or not 0 <= v < k]
                if bad:
                    raise self.fail(
                        where,
                        f"{loss.name} targets are classes, whole numbers from 0 to {k - 1}: "
                        f"found {bad[0]:g}",
                    )
            elif math.ceil(max(rule.low, 0)) > min(rule.high, k - 1):
                raise self.fail(
                    where,
                    f"{loss.name} targets are classes, whole numbers from 0 to {k - 1}: "
                    f"none lies in [{rule.low:g}, {rule.high:g}]",
                )
        if loss.binary:
            numbers = rule.values if isinstance(rule, Choice) else (rule.low, rule.high)
            if any(not 0 <= v <= 1 for v in numbers):
                raise self.fail(where, f"{loss.name} needs targets between 0 and 1")
        return rule

    # -- a graph ----------------------------------------------------------------------------

    def graph_vary(self, section: Any, graph: Graph, default: Vary) -> Vary:
        names = tuple(graph.values)
        if not isinstance(section, dict):
            raise self.fail("vary", f"expected a mapping of value names, found {describe(section)}")
        steps = {node.name for node in graph.nodes}
        values = dict(default.values)
        for key, item in section.items():
            where = child("vary", key)
            if key in steps:
                raise self.fail(where, f"'{key}' is a step, not a value: only values vary")
            if key not in names:
                from backcalc.io.reader import suggest

                raise self.fail(
                    where,
                    f"unknown value '{key}'{suggest(key, names)} (values: {', '.join(names)})",
                )
            values[key] = self.rule(item, where, default.value_of(key))
        return dataclasses.replace(default, values=values)

    # -- a rule -----------------------------------------------------------------------------

    def rule(self, value: Any, path: str, default: Rule) -> Rule:
        """`fixed`, `{range: [low, high], decimals: d}` or `{values: [...]}`."""
        if value == FIXED_WORD:
            return FIXED
        if not isinstance(value, dict):
            raise self.fail(path, f"expected {_EXPECTED}, found {describe(value)}")
        spec = self.mapping(value, path, RULE_KEYS, "a rule")
        if "range" in spec and "values" in spec:
            raise self.fail(child(path, "values"), "give either a range or values, not both")
        if "values" in spec:
            if "decimals" in spec:
                raise self.fail(
                    child(path, "decimals"), "values are drawn as written: decimals go with a range"
                )
            return self.choice_rule(spec["values"], child(path, "values"))
        if "range" not in spec:
            raise self.fail(path, f"expected {_EXPECTED}, found a mapping without range or values")
        return self.range_rule(spec, path, default)

    def choice_rule(self, value: Any, path: str) -> Choice:
        if not isinstance(value, list) or not value:
            found = "an empty list" if value == [] else describe(value)
            raise self.fail(path, f"expected a list of numbers to draw from, found {found}")
        return Choice(tuple(self.number(v, child(path, i)) for i, v in enumerate(value)))

    def range_rule(self, spec: dict[str, Any], path: str, default: Rule) -> Range:
        where = child(path, "range")
        bounds = spec["range"]
        if not (isinstance(bounds, list) and len(bounds) == 2):
            raise self.fail(where, f"expected [low, high] with low < high, found {_shown(bounds)}")
        low, high = (self.number(v, child(where, i)) for i, v in enumerate(bounds))
        if not low < high:
            raise self.fail(where, f"expected [low, high] with low < high, found {_shown(bounds)}")
        written = max(self.written(child(where, i), v) for i, v in enumerate((low, high)))
        places = max(written, default.decimals if isinstance(default, Range) else 0)
        if "decimals" in spec:
            places = self.places(spec["decimals"], child(path, "decimals"))
        try:
            return Range(low, high, places)
        except ValueError as error:
            raise self.fail(where, str(error)) from None

    def places(self, value: Any, path: str) -> int:
        number = self.number(value, path)
        if number != int(number) or not 0 <= number <= MAX_DECIMALS:
            raise self.fail(
                path, f"expected a whole number from 0 to {MAX_DECIMALS}, found {number:g}"
            )
        return int(number)

    def written(self, path: str, value: float) -> int:
        """The decimals a number is written with (its text where there is one)."""
        text = self.doc.raw.get(path)
        return text_decimals(text) if text is not None else decimals_of(value)


def _shown(value: Any) -> str:
    if isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        return "[" + ", ".join(f"{v:g}" for v in value) + "]"
    return describe(value)


def text_decimals(text: str) -> int:
    """The decimals a number is written with: 0.50 has 2, 5 has 0, 1e-3 has 3, "0,25" has 2."""
    text = text.strip().replace(",", ".")
    mantissa, _, exponent = text.lower().partition("e")
    digits = len(mantissa.partition(".")[2])
    try:
        shift = int(exponent) if exponent else 0
    except ValueError:
        return 0
    return min(max(digits - shift, 0), MAX_DECIMALS)


def written_decimals(doc: Document) -> dict[str, int]:
    """The most decimals written per group path (`input`, `target`, `layers[n].weights`,
    `layers[n].bias`, a graph's value name) in the YAML text (empty without text)."""
    found: dict[str, int] = {}
    for path, text in doc.raw.items():
        group = _group(path)
        if group is not None:
            found[group] = max(found.get(group, 0), text_decimals(text))
    return found


def _group(path: str) -> str | None:
    if path.startswith("values."):
        return path[len("values.") :].split("[", 1)[0]
    for top in ("input", "target"):
        if path == top or path.startswith(top + "["):
            return top
    if path.startswith("layers["):
        head, _, rest = path.partition("].")
        for which in LAYER_GROUPS:
            if rest == which or rest.startswith(which + "["):
                return f"{head}].{which}"
    return None


def given_elsewhere(data: dict[str, Any]) -> set[str]:
    """The groups whose numbers the spec does not write: read from a file or drawn by an
    initializer (kept as they are unless the `vary:` section names them)."""
    found = {top for top in ("input", "target") if isinstance(data.get(top), dict)}
    layers = data.get("layers")
    for number, layer in enumerate(layers if isinstance(layers, list) else [], start=1):
        if isinstance(layer, dict):
            for which in LAYER_GROUPS:
                if isinstance(layer.get(which), dict):
                    found.add(f"layers[{number}].{which}")
    return found
