"""Answers from a `.npz` file: someone debugging their own NumPy network checks its arrays.

```python
np.savez("grads.npz", dJ_dW1=dW1, dJ_db1=db1, delta2=d2, loss=J)
```

A quantity of a layer is named by its JSON name followed by the layer's number counted from 1
(`dJ_dW1`, `dJ_db2`, `delta1`, `z2`, `g_prime1`, `weights_updated1`); a quantity of the network
by its name (`prediction`, `loss`, `dJ_dx`, `probabilities`, `predicted_class`, `losses`). An
array has the shape `run` gives the quantity (a vector may be a column or a row); a NaN entry is
not claimed (YAML's null). For a computational graph, `value_<node>` is a node's value and
`gradient_<name>` the output's gradient with respect to a node or an input (`value_q`,
`gradient_x`), each one number. The numbers were not written as text, so no entry has written
decimals (-1). For grading a class, `student` and `variant` may name who answered and which
variant (`np.savez("ana.npz", student="s001", variant="v3f9a2c", ...)`: text or a whole number,
as in an answers file). Each array's declared size is taken from the element budget before it
is read. Errors name the file and the key: `grads.npz: dJ_dW7: the network has 2 layers`.
"""

from __future__ import annotations

import math
import re
import zipfile
import zlib
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from backcalc.core.grading import Claim
from backcalc.core.quantities import LAYER_QUANTITIES, TOP_QUANTITIES
from backcalc.errors import Location, SpecError
from backcalc.io.answers import (
    LABELS,
    TRANSPOSABLE,
    Answers,
    check_shape,
    expected_quantity,
    transposed,
)
from backcalc.io.datafiles import npy_header, numeric
from backcalc.io.limits import Budget, LimitError, Limits, count
from backcalc.io.reader import plural

if TYPE_CHECKING:
    from pathlib import Path

    from backcalc.core.activations import Array
    from backcalc.core.network import Trace

_LAYER_KEY = re.compile(r"(?P<name>[A-Za-z_]+)(?P<number>[0-9]*)")
_DAMAGED = (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error)
_NOT_NPZ = "not a valid .npz file (numpy.savez writes one)"


def read(path: Path, trace: Trace, name: str, limits: Limits | None = None) -> tuple[Claim, ...]:
    """The claims in the `.npz` file at `path` (`name` in messages); SpecError for a file that
    is not one, a key that names no quantity, or an array of the wrong shape."""
    return read_answers(path, trace, name, limits).claims


def read_answers(path: Path, trace: Trace, name: str, limits: Limits | None = None) -> Answers:
    """`read`, with the student and the variant the file names (`student`, `variant`)."""
    if not path.exists():
        raise SpecError("no such file", Location(name))
    if not path.is_file():
        raise SpecError("not a file (a directory?)", Location(name))
    try:
        with path.open("rb") as stream:
            return _read_npz(stream, trace, name, limits)
    except OSError as error:
        raise SpecError(f"cannot read it: {error.strerror}", Location(name)) from None


def _read_npz(stream: IO[bytes], trace: Trace, name: str, limits: Limits | None) -> Answers:
    magic = stream.read(6)
    if magic.startswith(b"\x93NUMPY"):  # a .npy file renamed: one unnamed array, left unread
        raise SpecError(
            "a .npy array, not a .npz file: save the arrays by name, "
            "np.savez('grads.npz', dJ_dW1=dW1)",
            Location(name),
        )
    if not magic.startswith(b"PK"):  # checked here: np.load would try any other file as pickle
        raise SpecError(_NOT_NPZ, Location(name))
    stream.seek(0)
    try:
        archive = np.load(stream, allow_pickle=False)  # a zip: opened, its arrays read on demand
    except _DAMAGED:
        raise SpecError(_NOT_NPZ, Location(name)) from None
    with archive:
        reader = _NpzReader(archive, trace, name, Budget((limits or Limits()).max_elements))
        claims = tuple(reader.claim(key) for key in archive.files if key not in LABELS)
        student, variant = (reader.label(key) if key in archive.files else None for key in LABELS)
    if not claims:
        raise SpecError(
            "no arrays: save them by name, np.savez('grads.npz', dJ_dW1=dW1)", Location(name)
        )
    return Answers(claims, student, variant)


class _NpzReader:
    def __init__(
        self, archive: np.lib.npyio.NpzFile, trace: Trace, file: str, budget: Budget
    ) -> None:
        self.archive = archive
        self.trace = trace
        self.file = file
        self.budget = budget
        assert archive.zip is not None  # an open NpzFile has its zip archive
        self.zip = archive.zip
        self.members = {member.removesuffix(".npy"): member for member in self.zip.namelist()}

    def fail(self, key: str, message: str) -> SpecError:
        return SpecError(message, Location(self.file, path=key))

    def label(self, key: str) -> str:
        """`student` or `variant`: one text or one whole number."""
        try:
            value = np.asarray(self.archive[key])
        except _DAMAGED:
            raise self.fail(key, "expected a name or a number (a damaged .npz file?)") from None
        if value.size == 1 and value.dtype.kind in "Uiu":
            text = str(value.reshape(()).item()).strip()
            if text:
                return text
        raise self.fail(key, "expected a name or a number, as np.savez(..., student='s001')")

    def claim(self, key: str) -> Claim:
        if self.trace.kind == "graph":
            return self.graph_claim(key)
        name, layer = self.quantity(key)

        def fail(message: str) -> SpecError:
            return self.fail(key, message)

        expected = expected_quantity(self.trace, name, layer, fail)
        values = self.array(key)
        if np.any(np.isinf(values)):
            raise fail("holds infinite values")
        if np.all(np.isnan(values)):
            raise fail("every entry is NaN: claim at least one, or leave the array out")
        flipped = name in TRANSPOSABLE and transposed(values, expected)
        if flipped:  # graded in the network's layout, and wrong for its shape (a slip)
            values = values.T
        else:
            check_shape(values, expected, fail)
        shape = expected.shape
        written = tuple("" if math.isnan(v) else repr(v) for v in values.reshape(-1).tolist())
        no_decimals = np.full(shape, -1, dtype=np.int64)  # not written as text
        return Claim(name, layer, values.reshape(shape), no_decimals, written, flipped)

    def graph_claim(self, key: str) -> Claim:
        """`value_q` (a node's value) or `gradient_x` (∂out/∂x, of a node or an input)."""
        from backcalc.core.grading.graphmodel import GRADIENT, VALUE
        from backcalc.core.grading.graphmodel import key as step_key

        graph: Any = self.trace.exercise
        nodes = [node.name for node in graph.nodes]
        kind, _, name = key.partition("_")
        names = nodes if kind == VALUE else [*nodes, *graph.values]
        if kind not in (VALUE, GRADIENT) or not name:
            example = f"value_{nodes[0]}, gradient_{next(iter(graph.values), nodes[0])}"
            raise self.fail(key, f"unknown quantity; expected names such as {example}")
        if name not in names:
            known = ", ".join(f"{kind}_{n}" for n in names)
            raise self.fail(key, f"no {kind} '{name}' in this graph (expected: {known})")
        values = self.array(key)
        if values.size != 1:
            raise self.fail(key, f"expected one number, found {_shape(values.shape)}")
        number = float(values.reshape(()))
        if not np.isfinite(number):
            raise self.fail(key, "expected a finite number")
        step, node = step_key(kind, name)
        return Claim(step, node, np.asarray(number), np.array(-1, dtype=np.int64), (repr(number),))

    def quantity(self, key: str) -> tuple[str, int | None]:
        """(name, layer) that `key` means: `dJ_dW1` is dJ_dW of layer 1, `loss` the loss."""
        if key in TOP_QUANTITIES:
            return key, None
        match = _LAYER_KEY.fullmatch(key)
        if match is None or match["name"] not in LAYER_QUANTITIES:
            raise self.fail(key, "unknown quantity; expected names such as dJ_dW1, delta2, loss")
        name, digits = match["name"], match["number"]
        n_layers = len(self.trace.layers)
        if not digits:
            message = f"expected the layer's number after the name, counted from 1: {name}1"
            raise self.fail(key, message)
        if int(digits) > n_layers:
            raise self.fail(key, f"the network has {plural(n_layers, 'layer')}")
        if digits != str(int(digits)) or int(digits) == 0:
            raise self.fail(key, f"layers are counted from 1, without leading zeros: {name}1")
        return name, int(digits)

    def array(self, key: str) -> Array:
        """The array `key` as float64, its header checked and its size taken from the budget
        before its data is read."""
        try:
            with self.zip.open(self.members[key]) as stream:
                shape, dtype = npy_header(stream)
        except _DAMAGED:
            raise self.fail(key, "not a valid array (a damaged .npz file?)") from None
        if not numeric(dtype):
            raise self.fail(key, f"expected numbers, found {dtype}")
        size = math.prod(shape)
        try:
            self.budget.take(size, f"{key} declares {count(size)} numbers ({_shape(shape)})")
        except LimitError as error:
            raise self.fail(key, error.message) from None
        try:
            values = self.archive[key]
        except _DAMAGED:
            raise self.fail(key, "not a valid array (a damaged .npz file?)") from None
        return np.asarray(values, dtype=np.float64)


def _shape(shape: tuple[int, ...]) -> str:
    return "shape " + "×".join(str(n) for n in shape) if shape else "one number"
