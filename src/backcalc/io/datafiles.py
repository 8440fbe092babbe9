"""Arrays from files, wherever a spec takes a matrix or a vector: `{file: W1.npy}`,
`{file: params.npz, key: W1}` or `{file: X.csv}` (one matrix row per line, comma- or
space-separated), the path relative to the spec file. Errors are DataFileError messages that the
spec reader places at the key."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from backcalc.core.activations import Array


class DataFileError(BackcalcError):
    pass


def load_array(file: str, key: str | None, base: Path) -> Array:
    path = (base / file) if not Path(file).is_absolute() else Path(file)
    if not path.is_file():
        raise DataFileError(
            f"{file}: no such file" + (f" (looked in {base})" if base != Path() else "")
        )
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            if key is not None:
                raise DataFileError(f"{file}: a .npy file holds one array; 'key' is for .npz files")
            return _numbers(np.load(path, allow_pickle=False), file)
        if suffix == ".npz":
            return _from_npz(path, file, key)
        if suffix in (".csv", ".txt"):
            return _from_csv(path, file)
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise DataFileError(f"{file}: cannot read it ({error})") from None
    raise DataFileError(f"{file}: expected a .npy, .npz or .csv file")


def _from_npz(path: Path, file: str, key: str | None) -> Array:
    with np.load(path, allow_pickle=False) as archive:
        names = list(archive.files)
        if key is None:
            if len(names) != 1:
                raise DataFileError(
                    f"{file} holds {len(names)} arrays ({', '.join(names)}): say which with 'key'"
                )
            key = names[0]
        if key not in names:
            raise DataFileError(f"{file} has no array '{key}' (it has {', '.join(names)})")
        return _numbers(archive[key], f"{file}[{key}]")


def _from_csv(path: Path, file: str) -> Array:
    rows: list[list[float]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        cells = line.replace(",", " ").split() if "," in line else line.split()
        row = []
        for column, cell in enumerate(cells, start=1):
            try:
                row.append(float(cell))
            except ValueError:
                raise DataFileError(
                    f"{file}:{number}: column {column} is not a number: '{cell}'"
                ) from None
        if rows and len(row) != len(rows[0]):
            raise DataFileError(
                f"{file}:{number}: {len(row)} numbers, but line 1 has {len(rows[0])}"
            )
        rows.append(row)
    if not rows:
        raise DataFileError(f"{file}: the file is empty")
    array = np.array(rows, dtype=np.float64)
    return array.reshape(-1) if 1 in array.shape and array.size > 1 else array


def _numbers(array: np.ndarray, name: str) -> Array:
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise DataFileError(f"{name}: expected numbers, found {array.dtype}")
    values = np.asarray(array, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise DataFileError(f"{name}: holds NaN or infinite values")
    return values
