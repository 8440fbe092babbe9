"""A class's answers in one CSV file: a row per student, a column per entry they claim.

```
student,variant,z1[1],z1[2],z1[3],a1[1],...,"dJ_dW1[1,1]","dJ_dW1[1,2]",...,loss
s001,v3f9a2c,"1,98","3,02","2,172",...
```

The header names the columns: `student` (the roster id), `variant` (optional: the variant id
the student worked on) and one column per entry. An entry's column is the quantity's name as in
`run --format json` and in an answers file, the layer's number right after it (counted from 1),
and the entry's position in brackets, counted from 1 as everything a person reads:

- `z1[2]`: z⁽¹⁾, unit 2 (one observation); `z1[3,2]`: observation 3, unit 2 (a batch: a row per
  observation, in either convention, as `run --format json` and the feedback number them);
- `dJ_dW1[2,1]`: ∂J/∂W⁽¹⁾, row 2, column 1, in the layout the spec writes W⁽¹⁾ (the shape of
  W); `dJ_db1[2]`, `dJ_db1` for a shared bias; `g_prime2[1]`, `delta2[1]`, `dJ_da1[3]`;
- the network's own: `prediction[1]`, `loss`, `losses[2]` (ℓ of observation 2),
  `probabilities[1]`, `predicted_class`, `dJ_dx[1]`; with a learning rate,
  `weights_updated1[1,1]` and `bias_updated1[1]`;
- a computational graph: `value_q` (a node's value), `gradient_x` (∂out/∂x, of a node or an
  input).

`columns(trace)` lists them all in hand-solution order (forward, loss, backward, update) and
`template(...)` writes the empty sheet `backcalc variants` hands out. An empty cell is not
claimed. Numbers are read as in an answers file: `0.21`, `-1e-3`, or a decimal comma inside
quotes (`"0,21"`; in a file separated by semicolons, as a Spanish spreadsheet saves it, plain
`0,21`), each keeping the decimals it was written with. Every mistake is located:
`answers.csv:7: column 'dJ_dW1[1,4]': no such entry: dJ_dW1 is 3×2 (dJ_dW1[1,1] to
dJ_dW1[3,2])`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from backcalc.core.quantities import LAYER_QUANTITIES, TOP_QUANTITIES, quantity
from backcalc.errors import Location, SpecError
from backcalc.io import answers as answers_file
from backcalc.io import yamlnodes
from backcalc.io.reader import plural

if TYPE_CHECKING:
    from backcalc.core.grading import Claim
    from backcalc.core.network import Trace

STUDENT, VARIANT = "student", "variant"
LABELS = (STUDENT, VARIANT)
_COLUMN = re.compile(r"(?P<name>[A-Za-z_]+?)(?P<layer>[0-9]*)(?:\[(?P<index>[^\]]*)\])?")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
MAX_BYTES = 50 * 2**20  # a class's answers are kilobytes; anything this large is not one


@dataclass(frozen=True)
class Row:
    """One student's row: where it is, who, the variant named (None: the cell is empty) and
    the entries claimed, (column, text as written), empty cells left out."""

    file: str
    line: int
    student: str
    variant: str | None
    cells: tuple[tuple[str, str], ...]

    @property
    def source(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Table:
    """A class's answers CSV: its entry columns (the header without student and variant) and
    its rows, in the file's order."""

    file: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


# -- the columns of an exercise --------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What a column means: the quantity (a network's JSON name, or a graph's `value` or
    `gradient`), its layer (a graph's node name), the entry's index (from 0) in the shape
    `run --format json` gives the quantity, and that shape."""

    name: str
    layer: int | str | None
    index: tuple[int, ...]
    shape: tuple[int, ...]


def columns(trace: Trace) -> list[str]:
    """Every entry a student can claim, named as the CSV's columns, in hand-solution order
    (each quantity's entries row by row)."""
    return [_name(entry) for entry in _entries(trace)]


def _entries(trace: Trace) -> list[Entry]:
    from backcalc.core.grading import steps_for

    found = []
    for name, layer in steps_for(trace).order:
        if trace.kind == "graph":
            found.append(Entry(name, layer, (), ()))
            continue
        shape = tuple(np.shape(_value(trace, name, layer)))
        found += [Entry(name, layer, index, shape) for index in np.ndindex(shape)]
    return found


def _value(trace: Trace, name: str, layer: int | None) -> Any:
    value = quantity(trace, name, layer)
    assert value is not None  # a step of the hand solution has a value
    return value


def _name(entry: Entry) -> str:
    if isinstance(entry.layer, str):  # a graph's node
        return f"{entry.name}_{entry.layer}"
    layer = "" if entry.layer is None else str(entry.layer)
    return f"{entry.name}{layer}{_index(entry.index)}"


def _index(index: tuple[int, ...]) -> str:
    return "[" + ",".join(str(i + 1) for i in index) + "]" if index else ""


def template(
    columns_or_trace: Sequence[str] | Trace, students: Iterable[tuple[str, str | None]]
) -> str:
    """The empty answers sheet: the header `student,variant,<every column>` and one row per
    (student id, variant id) with its entry cells empty. Columns with a comma in their name
    are quoted, as every CSV reader expects."""
    names = (
        list(columns_or_trace)
        if isinstance(columns_or_trace, Sequence)
        else columns(columns_or_trace)
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*LABELS, *names])
    for student, variant in students:
        writer.writerow([student, variant or "", *("" for _ in names)])
    return out.getvalue()


# -- reading ----------------------------------------------------------------------------------


def read(path: Path, display_name: str | None = None) -> Table:
    """The rows of the answers CSV at `path` (`display_name` in messages); a SpecError, located
    at its line, for a header without `student`, a row that does not fit the header, a student
    twice or a cell that is not a number."""
    name = display_name or str(path)
    if path.is_file() and path.stat().st_size > MAX_BYTES:
        raise SpecError(
            f"larger than {MAX_BYTES // 2**20} MB: not a class's answers", Location(name)
        )
    return parse(yamlnodes.read_text(path, name), name)


def parse(text: str, file: str = "answers.csv") -> Table:
    """`read`, from the CSV's text."""
    text = text.removeprefix("\ufeff")  # a spreadsheet's byte-order mark
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[Row] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        for record in records:
            start, line = line, records.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = _header(record, file, start, delimiter)
                continue
            row = _row(record, header, file, start, delimiter)
            if row.student in seen:
                raise _fail(
                    file,
                    start,
                    STUDENT,
                    f"student '{row.student}' is also on line {seen[row.student]}",
                )
            seen[row.student] = start
            rows.append(row)
    except csv.Error as error:
        raise SpecError(f"not a valid CSV file: {error}", Location(file, line)) from None
    if header is None:
        raise SpecError(
            "no header: the first line names the columns, student,variant,z1[1],...",
            Location(file),
        )
    return Table(file, tuple(c for c in header if c not in LABELS), tuple(rows))


def _fail(file: str, line: int, column: str, message: str) -> SpecError:
    return SpecError(message, Location(file, line, path=f"column '{column}'"))


def _header(record: list[str], file: str, line: int, delimiter: str) -> list[str]:
    names = [cell.strip() for cell in record]
    for position, name in enumerate(names):
        split = "[" in name and "]" not in name
        if split and position + 1 < len(names) and names[position + 1].endswith("]"):
            whole = f"{name}{delimiter}{names[position + 1]}"
            raise SpecError(
                f"the column '{whole}' is split at its comma: quote a name with a comma, "
                f'"{whole}" (a spreadsheet does when it saves a CSV)',
                Location(file, line),
            )
        if not name:
            raise SpecError(
                f"column {position + 1} of the header has no name", Location(file, line)
            )
        if name in names[:position]:
            raise _fail(file, line, name, "named twice in the header")
    if STUDENT not in names:
        raise SpecError(
            "no 'student' column: the header starts student,variant, then the entries "
            "(z1[1], dJ_dW1[1,1], loss, ...)",
            Location(file, line),
        )
    return names


def _row(record: list[str], header: list[str], file: str, line: int, delimiter: str) -> Row:
    if len(record) > len(header):
        hint = (
            ': a decimal comma must be quoted ("0,21"), or the columns separated by semicolons'
            if delimiter == ","
            else ""
        )
        raise SpecError(
            f"{len(record)} cells, but the header names {len(header)} columns{hint}",
            Location(file, line),
        )
    given = dict(zip(header, (cell.strip() for cell in record), strict=False))
    student = given.get(STUDENT, "")
    if not student:
        raise _fail(
            file, line, STUDENT, "no student id: each row names its student (the roster id)"
        )
    cells = []
    for column, text in given.items():
        if column in LABELS or not text:
            continue
        _check_number(text, file, line, column)
        cells.append((column, text))
    return Row(file, line, student, given.get(VARIANT) or None, tuple(cells))


def _check_number(text: str, file: str, line: int, column: str) -> None:
    number = text.replace(",", ".") if _DECIMAL_COMMA.match(text) else text
    try:
        value = float(number)
    except ValueError:
        raise _fail(file, line, column, f"expected a number, found {text!r}") from None
    if not math.isfinite(value):
        raise _fail(file, line, column, f"expected a finite number, found {text}")


# -- a row's claims ------------------------------------------------------------------------


def check(table: Table, trace: Trace) -> None:
    """A SpecError at the header for a column that names no entry of the exercise."""
    structure = _structure(trace)
    for column in table.columns:
        _meaning(column, structure, table.file, 1)


def claims(row: Row, trace: Trace) -> tuple[Claim, ...]:
    """The entries of `row` as claims on `trace`'s exercise (through io/answers.py, as an
    answers file's: the same shapes, and each number's written decimals)."""
    by_quantity: dict[tuple[str, int | str | None], tuple[Entry, list[tuple[tuple[int, ...], str]]]]
    by_quantity = {}
    structure = _structure(trace)
    for column, text in row.cells:
        entry = _meaning(column, structure, row.file, row.line)
        key = (entry.name, entry.layer)
        by_quantity.setdefault(key, (entry, []))[1].append((entry.index, text))
    if not by_quantity:
        raise SpecError("no answers: every entry's cell is empty", Location(row.file, row.line))
    data: dict[str, Any] = {}
    for (name, layer), (entry, given) in by_quantity.items():
        value = _nested(entry.shape, given)
        if isinstance(layer, str):  # a graph: values and gradients by name
            section = "values" if name == "value" else "gradients"
            data.setdefault(section, {})[layer] = value
        elif layer is None:
            data[name] = value
        else:
            data.setdefault("layers", {}).setdefault(layer, {})[name] = value
    try:
        return answers_file.from_data(data, trace, row.source)
    except SpecError as error:  # a value no cell check foresaw: placed on the row
        raise SpecError(error.message, Location(row.file, row.line)) from None


def _nested(shape: tuple[int, ...], given: list[tuple[tuple[int, ...], str]]) -> Any:
    """Nested lists of `shape` holding the texts at their indices (None elsewhere: not
    claimed); the text itself for a single number."""
    if not shape:
        return given[0][1]
    flat: list[str | None] = [None] * math.prod(shape)
    for index, text in given:
        flat[int(np.ravel_multi_index(index, shape))] = text
    array = np.array(flat, dtype=object).reshape(shape)
    return array.tolist()


def _meaning(column: str, structure: _Structure, file: str, line: int) -> Entry:
    """The entry a column names, or a SpecError located at `line` of `file`."""
    try:
        return _entry_of(column, structure)
    except ValueError as error:
        raise _fail(file, line, column, str(error)) from None


@dataclass(frozen=True)
class _Structure:
    """What a column name is checked against: each quantity's shape (the same for every
    variant of an exercise), and a graph's names."""

    kind: str
    shapes: tuple[tuple[tuple[str, int | None], tuple[int, ...]], ...]
    nodes: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    layers: int = 0


def _structure(trace: Trace) -> _Structure:
    if trace.kind == "graph":
        graph: Any = trace.exercise
        nodes = tuple(node.name for node in graph.nodes)
        return _Structure("graph", (), nodes, tuple(graph.values))
    from backcalc.core.grading import steps_for

    shapes = tuple(
        ((name, layer), tuple(np.shape(_value(trace, name, layer))))
        for name, layer in steps_for(trace).order
    )
    return _Structure("network", shapes, layers=len(trace.layers))


@cache
def _entry_of(column: str, structure: _Structure) -> Entry:
    if structure.kind == "graph":
        return _graph_entry(column, structure)
    match = _COLUMN.fullmatch(column)
    if match is None or match["name"] not in (*LAYER_QUANTITIES, *TOP_QUANTITIES):
        raise ValueError(
            "unknown column: name an entry as z1[1], dJ_dW1[1,2], delta2[1], prediction[1] "
            "or loss (the quantity, its layer counted from 1, the entry's position)"
        )
    name, digits = match["name"], match["layer"]
    layer: int | None = None
    if name in LAYER_QUANTITIES:
        if not digits or digits != str(int(digits)) or int(digits) == 0:
            raise ValueError(f"expected the layer's number after the name, counted from 1: {name}1")
        layer = int(digits)
        if layer > structure.layers:
            raise ValueError(f"the network has {plural(structure.layers, 'layer')}")
    elif digits:
        raise ValueError(
            f"'{name}' belongs to the network, not to a layer: write it without a number"
        )
    shapes = dict(structure.shapes)
    if (name, layer) not in shapes:
        raise ValueError(f"the exercise has no {name}{'' if layer is None else layer} to claim")
    shape = shapes[(name, layer)]
    index = _parse_index(match["index"])
    bare = f"{name}{'' if layer is None else layer}"
    if len(index) != len(shape) or any(not 0 <= i < n for i, n in zip(index, shape, strict=False)):
        raise ValueError(f"no such entry: {_extent(bare, shape)}")
    return Entry(name, layer, index, shape)


def _parse_index(text: str | None) -> tuple[int, ...]:
    if text is None:
        return ()
    parts = [part.strip() for part in text.split(",")]
    if not all(part.isdigit() for part in parts):
        raise ValueError("an entry's position is whole numbers counted from 1: [1] or [2,1]")
    return tuple(int(part) - 1 for part in parts)


def _extent(bare: str, shape: tuple[int, ...]) -> str:
    if not shape:
        return f"{bare} is one number, written without brackets: {bare}"
    size = "×".join(str(n) for n in shape) if len(shape) > 1 else f"{shape[0]} values"
    last = _index(tuple(n - 1 for n in shape))
    return f"{bare} is {size} ({bare}{_index((0,) * len(shape))} to {bare}{last})"


def _graph_entry(column: str, structure: _Structure) -> Entry:
    kind, _, name = column.partition("_")
    if kind not in ("value", "gradient") or not name:
        example = f"value_{structure.nodes[0]}, gradient_{next(iter(structure.inputs), 'x')}"
        raise ValueError(f"unknown column: a graph's entries are named {example}")
    names = structure.nodes if kind == "value" else (*structure.nodes, *structure.inputs)
    if name not in names:
        raise ValueError(f"no {kind} '{name}' in this graph (expected: {', '.join(names)})")
    return Entry(kind, name, (), ())
