"""Reading plain values out of a parsed YAML document, with a located error for every mistake.

`ValueReader` knows numbers (YAML 1.1's `1e-3` and a quoted Spanish `"0,5"` included, booleans
and non-finite values refused), vectors and matrices (ragged rows and decimal commas explained),
names from a fixed list (with a suggestion) and mappings with known keys. The spec reader builds
on it, and so will every other file backcalc reads.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from backcalc.core.registry import options
from backcalc.errors import SpecError
from backcalc.io.limits import Budget, LimitError, Limits
from backcalc.io.yamlnodes import Document, child

if TYPE_CHECKING:
    from backcalc.core.activations import Array

_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


def suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """'; did you mean 'x'?' for the closest choice, or ''."""
    import difflib  # only on the error path

    same_letters = [choice for choice in choices if choice.lower() == word.lower()]
    close = same_letters or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes/no/on/off/true/false as booleans)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class ValueReader:
    """Reads values out of `doc.data`; every error carries the key's location. Data files are
    read relative to `base` (inside it, unless `limits` allows otherwise), and every array read
    from a file or made is taken from one budget of `limits.max_elements` numbers."""

    def __init__(
        self, doc: Document, base: Path | None = None, limits: Limits | None = None
    ) -> None:
        self.doc = doc
        self.base = base if base is not None else Path()
        self.limits = limits or Limits()
        self.budget = Budget(self.limits.max_elements)

    def fail(self, path: str, message: str) -> SpecError:
        return self.doc.error(path, message)

    def take(self, count: int, path: str, subject: str) -> None:
        """Take `count` numbers from the budget, or a located SpecError saying the limit."""
        try:
            self.budget.take(count, subject)
        except LimitError as error:
            raise self.fail(path, error.message) from None

    def comma_hint(self, rows: Any, expected: int) -> str:
        """comma_hint for data read from YAML text (Python data has no decimal commas)."""
        return comma_hint(rows, expected) if self.doc.marks else ""

    # -- scalars and arrays ---------------------------------------------------------------

    def number(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or value is None or isinstance(value, list | dict):
            raise self.fail(path, f"expected a number, found {describe(value)}")
        if isinstance(value, int | float):
            try:
                number = float(value)
            except OverflowError:  # an integer beyond float64's range (1.8e308)
                digits = len(str(abs(value))) if abs(value) < 10**4000 else "over 4,000"
                raise self.fail(
                    path,
                    f"expected a number within float64's range, found an integer of {digits} "
                    "digits",
                ) from None
            if not math.isfinite(number):
                raise self.fail(path, f"expected a finite number, found {value}")
            return number
        if isinstance(value, str):
            text = value.replace(",", ".") if _DECIMAL_COMMA.match(value) else value
            try:
                number = float(text)
            except ValueError:
                pass
            else:
                if math.isfinite(number):
                    return number
        raise self.fail(path, f"expected a number, found {describe(value)}")

    def text(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, list | dict):
            raise self.fail(path, f"expected text, found {describe(value)}")
        return str(value).strip()

    def array(self, value: Any, path: str, what: str, stacked: bool = False) -> Array:
        """A number, a list of numbers or a list of equal-length lists, as float64; or an array
        from a file: `{file: W1.npy}`, `{file: params.npz, key: W1}`, `{file: X.csv}`. With
        `stacked`, also a list of equal-shape matrices (a batch's softmax Jacobians)."""
        if isinstance(value, dict) and "file" in value:
            return self.file_array(value, path)
        if stacked and isinstance(value, list) and value and _matrix_like(value[0]):
            return self.stack(value, path, what)
        if not isinstance(value, list):
            return np.asarray(self.number(value, path))
        if not value:
            raise self.fail(path, f"expected {what}, found an empty list")
        if not any(isinstance(item, list) for item in value):
            return np.array([self.number(v, child(path, i)) for i, v in enumerate(value)])
        rows = []
        for i, row in enumerate(value):
            if not isinstance(row, list):
                raise self.fail(child(path, i), f"expected a row (a list), found {describe(row)}")
            if row and any(isinstance(v, list) for v in row):
                raise self.fail(
                    child(path, i), f"expected {what}: a list nested deeper than a matrix"
                )
            rows.append([self.number(v, child(child(path, i), j)) for j, v in enumerate(row)])
        for i, row in enumerate(rows):
            if len(row) != len(rows[0]):
                raise self.fail(
                    child(path, i),
                    f"row {i + 1} has {plural(len(row), 'number')}, but row 1 has "
                    f"{len(rows[0])}: a matrix needs rows of equal length"
                    + self.comma_hint(value[i], len(rows[0])),
                )
        return np.array(rows, dtype=np.float64)

    def stack(self, value: list[Any], path: str, what: str) -> Array:
        """A list of matrices of one shape, as an (m, r, c) array."""
        matrices = [self.array(item, child(path, i), what) for i, item in enumerate(value)]
        for i, matrix in enumerate(matrices):
            if matrix.shape != matrices[0].shape:
                shape, first = (
                    "×".join(map(str, matrix.shape)),
                    "×".join(map(str, matrices[0].shape)),
                )
                raise self.fail(child(path, i), f"a {shape} matrix, but the first one is {first}")
        return np.stack(matrices)

    def file_array(self, value: dict[str, Any], path: str) -> Array:
        from backcalc.io import sources
        from backcalc.io.datafiles import DataFileError, load_array

        spec = self.mapping(value, path, ("file", "key"), "a file reference")
        file = spec["file"]
        if not isinstance(file, str) or not file:
            raise self.fail(child(path, "file"), f"expected a file name, found {describe(file)}")
        key = spec.get("key")
        try:
            array = load_array(
                file, None if key is None else str(key), self.base, self.limits, self.budget
            )
        except (DataFileError, LimitError) as error:
            raise self.fail(child(path, "file"), error.message) from None
        sources.note(path, file, None if key is None else str(key), self.base)
        return array

    def choice(self, value: Any, path: str, what: str, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected {what} name, found {describe(value)}")
        if value not in choices:
            known = ", ".join(choices)
            raise self.fail(path, f"unknown {what} '{value}'{suggest(value, choices)} ({known})")
        return value

    # -- registered classes (activations, losses) with their options -----------------------

    def with_options(self, cls: type[Any], given: dict[str, Any], path: str) -> Any:
        """An activation or loss with the options a spec gives it: each a field of the class,
        read as its type says (numbers for float and int fields), located when wrong."""
        fields = {field.name: field for field in options(cls)}
        values: dict[str, Any] = {}
        for key, option in given.items():
            if key not in fields:
                accepted = ", ".join(fields) if fields else "none"
                raise self.fail(
                    child(path, key),
                    f"unknown option '{key}' for {cls.name}{suggest(key, tuple(fields))} "
                    f"(options: {accepted})",
                )
            values[key] = self.option(option, child(path, key), fields[key].type)
        try:
            return cls(**values)
        except (TypeError, ValueError) as error:  # a class's own validation (__post_init__)
            raise self.fail(path, str(error)) from None

    def option(self, value: Any, path: str, kind: Any) -> Any:
        kind = getattr(kind, "__name__", str(kind))
        if kind == "bool":
            if not isinstance(value, bool):
                raise self.fail(path, f"expected true or false, found {describe(value)}")
            return value
        if kind == "str":
            return self.text(value, path)
        number = self.number(value, path)
        if kind == "int":
            if number != int(number):
                raise self.fail(path, f"expected a whole number, found {number:g}")
            return int(number)
        return number

    def mapping(self, value: Any, path: str, keys: tuple[str, ...], what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected {what} (a mapping of keys), found {describe(value)}")
        for key in value:
            if key not in keys:
                raise self.fail(
                    child(path, key),
                    f"unknown key '{key}'{suggest(key, keys)} (expected: {', '.join(keys)})",
                )
        return cast(dict[str, Any], value)


def comma_hint(rows: Any, expected: int) -> str:
    """A hint when whole numbers make a row too long: YAML reads `[0,5, 1,5]` as [0, 5, 1, 5], so
    a row of decimals written with commas comes out (nearly) twice as long, all whole numbers."""
    if isinstance(rows, list) and rows and isinstance(rows[0], list):
        rows = rows[0]
    if not isinstance(rows, list) or not all(type(v) is int for v in rows):
        return ""
    if expected < len(rows) <= 2 * expected:
        return (
            "; a decimal comma is the likely cause: YAML reads [0,5, 1] as three numbers "
            '(write 0.5, or quote it: "0,5")'
        )
    return ""


def _matrix_like(item: Any) -> bool:
    """A list of lists: one matrix of a stack."""
    return isinstance(item, list) and any(isinstance(row, list) for row in item)
