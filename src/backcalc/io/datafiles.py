"""Arrays from files, wherever a spec takes a matrix or a vector: `{file: W1.npy}`,
`{file: params.npz, key: W1}` or `{file: X.csv}` (one matrix row per line, comma- or
space-separated), the path relative to the spec file. Errors are DataFileError messages that the
spec reader places at the key.

A file must lie inside the spec's folder (after resolving symlinks) unless the caller allows
otherwise, so a spec handed in by someone else cannot read the files of whoever runs it; and no
message quotes what a file holds. The size an array declares (a `.npy` header, an `.npz` member's
header, read without unpacking the data) is taken from the budget before the array is read.
"""

from __future__ import annotations

import math
import zipfile
from array import array as numbers_array
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np

from backcalc.errors import BackcalcError
from backcalc.io.limits import Budget, LimitError, Limits, count

if TYPE_CHECKING:
    from backcalc.core.activations import Array

CSV_BYTES_PER_NUMBER = 32  # a float64 written in full is 24 characters and a separator


class DataFileError(BackcalcError):
    pass


def load_array(
    file: str,
    key: str | None,
    base: Path,
    limits: Limits | None = None,
    budget: Budget | None = None,
) -> Array:
    """The array in `file` (relative to `base`, the spec's folder), its size taken from `budget`
    (LimitError when it does not fit); DataFileError for anything wrong with the file."""
    limits = limits or Limits()
    budget = budget if budget is not None else Budget(limits.max_elements)
    path = base / file
    if not limits.allow_outside_files:
        _inside(path, base, file)  # first: a refusal must not tell whether the file exists
    if not path.is_file():
        raise DataFileError(
            f"{file}: no such file" + (f" (looked in {base})" if base != Path() else "")
        )
    suffix = path.suffix.lower()
    if key is not None and suffix != ".npz":
        raise DataFileError(f"{file}: a {suffix} file holds one array; 'key' is for .npz files")
    try:
        if suffix == ".npy":
            with path.open("rb") as stream:
                return _from_npy(stream, path.stat().st_size, file, budget)
        if suffix == ".npz":
            return _from_npz(path, file, key, budget)
        if suffix in (".csv", ".txt"):
            return _from_csv(path, file, budget)
    except OSError as error:
        raise DataFileError(f"{file}: cannot read it ({error.strerror or 'input error'})") from None
    except zipfile.BadZipFile:
        raise DataFileError(f"{file}: not a valid .npz file (a zip archive)") from None
    raise DataFileError(f"{file}: expected a .npy, .npz or .csv file")


def _inside(path: Path, base: Path, file: str) -> None:
    folder = base.resolve()
    if not path.resolve().is_relative_to(folder):
        raise DataFileError(
            f"{file} lies outside the spec's folder, where data files must be "
            "(--allow-outside-files allows it)"
        )


def _from_npy(stream: IO[bytes], file_size: int, name: str, budget: Budget) -> Array:
    """The array of a .npy file (or .npz member) of `file_size` bytes, its header checked first."""
    shape, dtype = _header(stream, name)
    size = math.prod(shape)
    budget.take(size, f"{name} declares {count(size)} numbers ({_shape(shape)})")
    if file_size - stream.tell() < size * dtype.itemsize:
        raise DataFileError(f"{name}: shorter than its header declares (a truncated file?)")
    stream.seek(0)
    try:
        array = np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError:  # numpy's messages quote the file; ours do not
        raise DataFileError(f"{name}: not a valid .npy file") from None
    return _finite(np.asarray(array, dtype=np.float64), name)


def npy_header(stream: IO[bytes]) -> tuple[tuple[int, ...], np.dtype[np.generic]]:
    """The shape and dtype a `.npy` stream declares, read before its data (ValueError or
    EOFError when it is not one)."""
    fmt = np.lib.format
    version = fmt.read_magic(stream)
    if version == (1, 0):
        shape, _, dtype = fmt.read_array_header_1_0(stream)
    elif version == (2, 0):
        shape, _, dtype = fmt.read_array_header_2_0(stream)
    else:
        raise ValueError(f".npy format {version[0]}.{version[1]} is not supported")
    return tuple(int(n) for n in shape), dtype


def numeric(dtype: np.dtype[np.generic]) -> bool:
    """Real numbers (not objects, booleans, text or complex numbers)."""
    return not dtype.hasobject and np.issubdtype(dtype, np.number) and dtype.kind != "c"


def _header(stream: IO[bytes], name: str) -> tuple[tuple[int, ...], np.dtype[np.generic]]:
    try:
        shape, dtype = npy_header(stream)
    except ValueError as error:  # numpy's messages quote the header; ours do not
        if str(error).startswith(".npy format"):
            raise DataFileError(f"{name}: {error}") from None
        raise DataFileError(f"{name}: not a valid .npy file") from None
    except EOFError:
        raise DataFileError(f"{name}: not a valid .npy file") from None
    if not numeric(dtype):
        raise DataFileError(f"{name}: expected numbers, found {dtype}")
    return shape, dtype


def _from_npz(path: Path, file: str, key: str | None, budget: Budget) -> Array:
    with zipfile.ZipFile(path) as archive:
        members = {n.removesuffix(".npy"): n for n in archive.namelist() if n.endswith(".npy")}
        names = list(members)
        if key is None:
            if len(names) != 1:
                raise DataFileError(
                    f"{file} holds {len(names)} arrays ({', '.join(names)}): say which with 'key'"
                )
            key = names[0]
        if key not in members:
            raise DataFileError(f"{file} has no array '{key}' (it has {', '.join(names)})")
        size = archive.getinfo(members[key]).file_size
        with archive.open(members[key]) as stream:  # unpacked as it is read: the header first
            return _from_npy(stream, size, f"{file}[{key}]", budget)


def _from_csv(path: Path, file: str, budget: Budget) -> Array:
    """Rows of numbers, read a line at a time into float64 (8 bytes a number, never more than
    the budget's room)."""
    room = budget.room
    if path.stat().st_size > CSV_BYTES_PER_NUMBER * room + 1024:
        raise LimitError(
            f"{file}: {count(path.stat().st_size)} bytes, more than a CSV of the {count(room)} "
            "numbers left under the limit takes (--max-elements raises it)"
        )
    values = numbers_array("d")
    width, rows = 0, 0
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                cells = line.replace(",", " ").split()
                if not cells:
                    continue
                for column, cell in enumerate(cells, start=1):
                    values.append(_cell(cell, file, number, column))
                if rows and len(cells) != width:
                    raise DataFileError(
                        f"{file}:{number}: {len(cells)} numbers, but line 1 has {width}"
                    )
                width, rows = len(cells), rows + 1
                if len(values) > room:
                    raise budget.refusal(f"{file}: {count(len(values))} numbers by line {number}")
    except UnicodeDecodeError:
        raise DataFileError(f"{file}: not UTF-8 text") from None
    if not rows:
        raise DataFileError(f"{file}: the file is empty")
    budget.take(len(values), file)
    array = np.frombuffer(values, dtype=np.float64).reshape(rows, width).copy()
    return _finite(array.reshape(-1) if 1 in array.shape and array.size > 1 else array, file)


def _cell(cell: str, file: str, line: int, column: int) -> float:
    try:
        return float(cell)
    except ValueError:  # never quoted: the file may hold what the spec's author must not see
        raise DataFileError(f"{file}:{line}: column {column} is not a number") from None


def _finite(values: Array, name: str) -> Array:
    if not np.all(np.isfinite(values)):
        raise DataFileError(f"{name}: holds NaN or infinite values")
    return values


def _shape(shape: tuple[int, ...]) -> str:
    return "shape " + "×".join(str(n) for n in shape) if shape else "one number"
