"""The spec: a YAML file describing a network and its data, validated into an `Exercise`.

Every mistake becomes a SpecError naming file, line, column and key path, with what was expected
and what was found. Numbers are read leniently where YAML 1.1 is surprising (`1e-3` is a string
to PyYAML; a quoted `"0,5"` is a Spanish decimal) and strictly elsewhere (`no` is not 0).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from backcalc.core.activations import ACTIVATIONS, ALIASES
from backcalc.core.initializers import INITS, initialise
from backcalc.core.losses import LOSS_ALIASES, LOSSES, REDUCTIONS, Loss
from backcalc.core.network import Convention, Exercise, Layer, Network
from backcalc.core.registry import options
from backcalc.errors import SpecError
from backcalc.io import yamlnodes
from backcalc.io.limits import Limits, count
from backcalc.io.reader import ValueReader, describe, plural
from backcalc.io.texts import SHEET_KEYS, notation, sheet, user_text
from backcalc.io.yamlnodes import child

if TYPE_CHECKING:
    from backcalc.core.activations import Activation, Array
    from backcalc.core.exercise import ExerciseKind

TOP_KEYS = (
    "title",
    "description",
    *SHEET_KEYS,
    "convention",
    "input",
    "target",
    "layers",
    "loss",
    "learning_rate",
    "l2",
    "validation",
    "answer_decimals",
    "notation",
    "vary",  # a template's numbers to vary (io/vary.py): checked, then ignored by run
)
LAYER_KEYS = ("units", "weights", "bias", "activation", "freeze")
FREEZABLE = ("weights", "bias")
MAX_ANSWER_DECIMALS = 15  # as --decimals: float64 holds about 16 significant digits


def read(path: Path, display_name: str | None = None, limits: Limits | None = None) -> ExerciseKind:
    """Read and validate the spec file at `path` (SpecError for anything wrong with it): a
    network (`layers`) as an Exercise, a computational graph (`steps`, `expression`) as a Graph."""
    name = display_name or str(path)
    return parse(yamlnodes.read_text(path, name), name, path.parent, limits)


def parse(
    text: str, file: str = "<spec>", base: Path | None = None, limits: Limits | None = None
) -> ExerciseKind:
    """Validate the YAML `text` of a spec into an Exercise or a Graph; files it names are read
    from `base` (the spec's folder; inside it unless `limits` allows otherwise)."""
    return from_document(yamlnodes.load(text, file), base, limits)


def from_data(
    data: Any, file: str = "<dict>", base: Path | None = None, limits: Limits | None = None
) -> ExerciseKind:
    """Validate Python data (a dict, numpy arrays allowed) as a spec; files it names are read
    from `base` (default: the current folder)."""
    return from_document(yamlnodes.from_data(data, file), base, limits)


def from_document(
    doc: yamlnodes.Document, base: Path | None = None, limits: Limits | None = None
) -> ExerciseKind:
    """A network (`layers`) as an Exercise, a computational graph (`steps`, `expression`) as a
    Graph; `limits` on the numbers it may hold and the files it may read (default: Limits())."""
    if isinstance(doc.data, dict) and ("steps" in doc.data or "expression" in doc.data):
        from backcalc.io.graphspec import (
            GraphReader,  # graph mode only: keeps networks' start-up lean
        )

        return GraphReader(doc, base, limits).graph()
    return _Reader(doc, base, limits).exercise()


class _Reader(ValueReader):
    """Validates the spec, section by section."""

    # -- the spec ---------------------------------------------------------------------------

    def exercise(self) -> Exercise:
        top = self.mapping(self.doc.data, "", TOP_KEYS, "a spec")
        for key in ("layers", "input", "target", "loss"):
            if key not in top:
                raise self.fail("", f"missing key '{key}'" + _missing_hint(key))
        convention = cast(
            Convention,
            self.choice(
                top.get("convention", "column"), "convention", "convention", ("column", "row")
            ),
        )
        x, batched = self.inputs(top["input"])
        layers = self.layers(top["layers"], convention, x.shape)
        loss, reduction = self.loss(top["loss"])
        network = Network(convention, layers, loss, reduction, self.l2(top.get("l2")))
        target = self.target(top["target"], loss, layers[-1].n_out(convention), x.shape[0], batched)
        rate = top.get("learning_rate")
        validation = None
        if "validation" in top:
            validation = self.validation(top["validation"], x.shape[1], loss, target.shape[1])
        exercise = Exercise(
            network=network,
            x=x,
            target=target,
            batched=batched,
            learning_rate=None if rate is None else self.number(rate, "learning_rate"),
            title=user_text(self, top.get("title"), "title"),
            description=user_text(self, top.get("description"), "description"),
            validation=validation,
            answer_decimals=answer_decimals(self, top),
            sheet=sheet(self, top),
            notation=notation(self, top.get("notation")),
        )
        if "vary" in top:
            check_vary(self.doc, exercise)
        return exercise

    def validation(self, value: Any, n: int, loss: Loss, k: int) -> tuple[Array, Array]:
        """Observations to evaluate the trained network on, written as `input` and `target`."""
        spec = self.mapping(value, "validation", ("input", "target"), "validation data")
        for key in ("input", "target"):
            if key not in spec:
                raise self.fail("validation", f"missing key '{key}'" + _missing_hint(key))
        x, batched = self.inputs(spec["input"], "validation.input")
        if x.shape[1] != n:
            raise self.fail(
                "validation.input",
                f"{plural(x.shape[1], 'value')} per observation, but the input has {n}",
            )
        return x, self.target(spec["target"], loss, k, x.shape[0], batched, "validation.target")

    def inputs(self, value: Any, path: str = "input") -> tuple[Array, bool]:
        x = self.array(value, path, "one observation (a list of numbers) or a batch")
        if x.ndim == 0:
            return x.reshape(1, 1), False
        if x.ndim == 1:
            return x.reshape(1, -1), False
        return x, True

    def l2(self, value: Any) -> float:
        if value is None:
            return 0.0
        strength = self.number(value, "l2")
        if strength < 0:
            raise self.fail("l2", f"expected λ ≥ 0, found {strength:g}")
        return strength

    def layers(
        self, value: Any, convention: Convention, x_shape: tuple[int, ...]
    ) -> tuple[Layer, ...]:
        if not isinstance(value, list) or not value:
            found = "an empty list" if value == [] else describe(value)
            raise self.fail("layers", f"expected a list of layers, found {found}")
        layers: list[Layer] = []
        for index, item in enumerate(value):
            path = child("layers", index)
            spec = self.mapping(item, path, LAYER_KEYS, f"layer {index + 1}")
            if "weights" not in spec:
                raise self.fail(path, f"layer {index + 1} has no 'weights'")
            incoming = layers[-1].n_out(convention) if layers else x_shape[1]
            layers.append(self.layer(spec, path, index, convention, incoming))
            self.outputs(layers[-1].n_out(convention), x_shape[0], spec, path, index)
        return tuple(layers)

    def outputs(self, units: int, m: int, spec: dict[str, Any], path: str, index: int) -> None:
        """The layer's outputs for the whole batch (z, a and δ each have m × units numbers) are
        taken from the budget before anything is computed."""
        where = child(path, "units" if "units" in spec else "weights")
        subject = (
            f"layer {index + 1}'s outputs for {plural(m, 'observation')} hold {count(m * units)}"
        )
        self.take(m * units, where, subject + " numbers (z, a and δ each)")

    def layer(
        self, spec: dict[str, Any], path: str, index: int, convention: Convention, incoming: int
    ) -> Layer:
        wpath = child(path, "weights")
        written = self.weights(spec, path, convention, incoming)
        weights = _as_matrix(written, convention)
        layer = Layer(weights, None, self.activation(spec.get("activation"), path), written.shape)
        if layer.n_in(convention) != incoming:
            message = _chain_message(written, convention, index, incoming)
            raise self.fail(wpath, message + self.comma_hint(spec["weights"], incoming))
        units = layer.n_out(convention)
        if "units" in spec and self.units(spec["units"], child(path, "units")) != units:
            raise self.fail(
                child(path, "units"), f"{spec['units']} units, but the weights have {units}"
            )
        bias, shape = self.bias(spec.get("bias"), child(path, "bias"), units, incoming)
        frozen = self.frozen(spec.get("freeze"), child(path, "freeze"))
        return dataclasses.replace(layer, bias=bias, bias_shape=shape, frozen=frozen)

    def weights(
        self, spec: dict[str, Any], path: str, convention: Convention, incoming: int
    ) -> Array:
        value, wpath = spec["weights"], child(path, "weights")
        if not (isinstance(value, dict) and "init" in value):
            return self.array(value, wpath, "a weight matrix")
        if "units" not in spec:
            raise self.fail(path, "random weights need the layer's size: give 'units'")
        upath = child(path, "units")
        units = self.units(spec["units"], upath)
        weights = units * incoming
        subject = f"{count(units)} units of {plural(incoming, 'input')} take {count(weights)}"
        self.take(weights, upath, subject + " weights")  # before drawing them
        shape = (units, incoming) if convention == "column" else (incoming, units)
        return self.initialised(value, wpath, shape, incoming, units)

    def units(self, value: Any, path: str) -> int:
        number = self.number(value, path)
        if number != int(number) or number < 1:
            raise self.fail(path, f"expected a whole number of units ≥ 1, found {number:g}")
        return int(number)

    def initialised(
        self, value: dict[str, Any], path: str, shape: tuple[int, ...], fan_in: int, fan_out: int
    ) -> Array:
        name = self.choice(value["init"], child(path, "init"), "initialiser", tuple(INITS))
        allowed = ("init", "seed", *INITS[name])
        spec = self.mapping(value, path, allowed, f"the {name} initialiser")
        options = {k: self.number(v, child(path, k)) for k, v in spec.items() if k in INITS[name]}
        seed = self.number(spec.get("seed", 0), child(path, "seed"))
        if seed != int(seed) or seed < 0:
            raise self.fail(child(path, "seed"), f"expected a whole number ≥ 0, found {seed:g}")
        if options.get("std", 0.0) < 0:
            raise self.fail(child(path, "std"), f"expected std ≥ 0, found {options['std']:g}")
        if options.get("low", 0.0) > options.get("high", 1.0):
            low, high = options.get("low", 0.0), options.get("high", 1.0)
            raise self.fail(child(path, "low"), f"expected low ≤ high, found {low:g} > {high:g}")
        try:
            drawn = initialise(name, shape, fan_in, fan_out, int(seed), options)
        except (ValueError, OverflowError):  # numpy's own refusal: a range beyond float64
            raise self.fail(path, "these options give numbers beyond float64's range") from None
        if not np.all(np.isfinite(drawn)):
            raise self.fail(path, "these options give numbers beyond float64's range")
        return drawn

    def frozen(self, value: Any, path: str) -> tuple[str, ...]:
        if value is None:
            return ()
        names = value if isinstance(value, list) else [value]
        return tuple(self.choice(name, path, "parameter to freeze", FREEZABLE) for name in names)

    def bias(
        self, value: Any, path: str, units: int, fan_in: int
    ) -> tuple[Array | None, tuple[int, ...] | None]:
        """The bias ((k,), or () shared, or None) and the shape it was written in."""
        if value is None:
            return None, None
        if isinstance(value, dict) and "init" in value:
            return self.initialised(value, path, (units,), fan_in, units), (units,)
        bias = self.array(value, path, "a bias vector or one shared number")
        written = bias.shape
        if bias.ndim == 2 and 1 in bias.shape:  # a column or row vector written as a matrix
            bias = bias.reshape(-1)
        if bias.ndim == 2:
            raise self.fail(
                path, f"expected a vector, found a {bias.shape[0]}×{bias.shape[1]} matrix"
            )
        if bias.ndim == 1 and bias.size != units:
            raise self.fail(
                path,
                f"{plural(bias.size, 'value')}, but the layer has {plural(units, 'unit')} "
                "(or give one number for a single shared bias)",
            )
        return bias, written

    def activation(self, value: Any, layer_path: str) -> Activation:
        path = child(layer_path, "activation")
        if value is None:
            return _identity()
        options: dict[str, Any] = {}
        if isinstance(value, dict):
            if "name" not in value:
                raise self.fail(path, "an activation mapping needs a 'name'")
            options = {k: v for k, v in value.items() if k != "name"}
            value, path = value["name"], child(path, "name")
        names = tuple(ACTIVATIONS) + tuple(ALIASES)
        name = self.choice(value, path, "activation", names)
        cls = ACTIVATIONS[ALIASES.get(name, name)]
        activation: Activation = self.with_options(cls, options, _parent_path(path))
        return activation

    def loss(self, value: Any) -> tuple[Loss, Any]:
        path, reduction, given = "loss", "mean", {}
        if isinstance(value, dict):
            known: tuple[str, ...] = ()
            named = value.get("name")
            if isinstance(named, str) and LOSS_ALIASES.get(named, named) in LOSSES:
                known = tuple(f.name for f in options(LOSSES[LOSS_ALIASES.get(named, named)]))
            spec = self.mapping(value, "loss", ("name", "reduction", *known), "a loss")
            if "name" not in spec:
                raise self.fail("loss", "a loss mapping needs a 'name'")
            reduction = self.choice(
                spec.get("reduction", "mean"), "loss.reduction", "reduction", REDUCTIONS
            )
            given = {k: v for k, v in spec.items() if k not in ("name", "reduction")}
            value, path = spec["name"], "loss.name"
        name = self.choice(value, path, "loss", (*LOSSES, *LOSS_ALIASES))
        return self.with_options(LOSSES[LOSS_ALIASES.get(name, name)], given, "loss"), reduction

    def target(
        self, value: Any, loss: Loss, k: int, m: int, batched: bool, path: str = "target"
    ) -> Array:
        """(m, k) targets: values for regression, one-hot or probability rows for classes."""
        if isinstance(value, dict) and "file" in value:  # validated below like written targets
            array = self.file_array(value, path)
            if array.ndim == 2 and array.shape[1] == 1:
                array = array.reshape(-1)
            value = array.tolist()
        if batched:
            if not isinstance(value, list) or len(value) != m:
                found = f"{len(value)}" if isinstance(value, list) else describe(value)
                raise self.fail(path, f"expected one target per observation ({m}), found {found}")
            rows = [self.one_target(v, child(path, i), loss, k) for i, v in enumerate(value)]
            return np.array(rows)
        return self.one_target(value, path, loss, k).reshape(1, k)

    def one_target(self, value: Any, path: str, loss: Loss, k: int) -> Array:
        if loss.classes and not isinstance(value, list):
            return self.class_index(value, path, k)
        row = self.array(value, path, "a target").reshape(-1)
        if row.size != k:
            raise self.fail(
                path,
                f"{plural(row.size, 'value')}, but the network outputs {plural(k, 'value')}"
                + (" (or give a class index)" if loss.classes else ""),
            )
        self.check_target_range(row, path, loss)
        return row

    def class_index(self, value: Any, path: str, k: int) -> Array:
        number = self.number(value, path)
        if number != int(number) or not 0 <= number < k:
            raise self.fail(
                path, f"a class index must be a whole number from 0 to {k - 1}, found {number:g}"
            )
        return np.asarray(np.eye(k)[int(number)], dtype=np.float64)

    def check_target_range(self, row: Array, path: str, loss: Loss) -> None:
        problem = loss.target_problem(row)
        if problem:
            raise self.fail(path, problem)
        if loss.classes and np.any(row < 0):
            raise self.fail(path, "class probabilities cannot be negative")
        if loss.binary and np.any((row < 0) | (row > 1)):
            raise self.fail(path, f"{loss.name} needs targets between 0 and 1")


def answer_decimals(reader: ValueReader, top: dict[str, Any]) -> int | None:
    """`answer_decimals: N`, the decimals answers must be written with (None when not given);
    a network's spec and a graph's take it alike."""
    if "answer_decimals" not in top:
        return None
    value = top["answer_decimals"]
    try:
        number: float | None = reader.number(value, "answer_decimals")
    except SpecError:  # said below, with the range
        number = None
    if number is not None and number == int(number) and 0 <= number <= MAX_ANSWER_DECIMALS:
        return int(number)
    found = describe(value) if number is None else f"{number:g}"
    raise reader.fail(
        "answer_decimals", f"expected a whole number from 0 to {MAX_ANSWER_DECIMALS}, found {found}"
    )


def check_vary(doc: yamlnodes.Document, template: ExerciseKind) -> None:
    """A template's `vary:` section, checked against its exercise (a located SpecError)."""
    from backcalc.io.vary import read as read_vary  # templates only

    read_vary(doc, template)


def _missing_hint(key: str) -> str:
    hints = {
        "layers": ": the list of layers, each with weights, bias and activation",
        "input": ": one observation (a list of numbers) or a batch (a list of lists)",
        "target": ": the expected output (a number, a vector or a class index)",
        "loss": " (one of " + ", ".join(LOSSES) + ")",
    }
    return hints[key]


def _parent_path(path: str) -> str:
    return path.rsplit(".", 1)[0] if path.endswith(".name") else path


def _as_matrix(written: Array, convention: Convention) -> Array:
    """The 2-D weight matrix for written weights: a number is 1×1, and a flat list is the
    weights of one unit (a row of W in column convention, a column of W in row convention)."""
    if written.ndim == 0:
        return written.reshape(1, 1)
    if written.ndim == 1:
        return written.reshape(1, -1) if convention == "column" else written.reshape(-1, 1)
    return written


_BATCH_HINT = " (a batch of one-value observations is written [[1], [2], ...])"


def _chain_message(written: Array, convention: Convention, index: int, incoming: int) -> str:
    """Why a layer's weights do not take what the layer before outputs."""
    source = f"layer {index} outputs" if index else "the input has"
    found = f"{source} {plural(incoming, 'value')}"
    if written.ndim == 0:
        return f"one weight (one input), but {found}" + ("" if index else _BATCH_HINT)
    count = written.shape[1 if convention == "column" else 0] if written.ndim == 2 else written.size
    unit = ("column" if convention == "column" else "row") if written.ndim == 2 else "number"
    layout = "(out, in)" if convention == "column" else "(in, out)"
    hint = ""
    if index == 0 and incoming == 1:
        hint = " (a list of lists is a batch, one observation per inner list)"
    elif index == 0 and count == 1:
        hint = _BATCH_HINT
    return f"{plural(count, unit)}, but {found} ({convention} convention: W is {layout}){hint}"


def _identity() -> Activation:
    """The activation of a layer that names none: g(z) = z."""
    return next(cls for cls in ACTIVATIONS.values() if cls.identity)()
