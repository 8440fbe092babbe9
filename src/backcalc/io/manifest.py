"""The manifest of a set of variants: which student has which variant, and where its files are.

`backcalc variants` writes it twice, as `manifest.csv` (one row per student, the columns of
COLUMNS) and `manifest.json` (the same rows under `variants`, with the template, the seed and
the decimals the answers are asked at); `backcalc grade --manifest` reads either. Paths are
relative to the manifest's folder, with `/`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath
from typing import Any

from backcalc.errors import Location
from backcalc.io.files import write_output
from backcalc.io.roster import RosterError, check_id, table
from backcalc.io.yamlnodes import read_text

COLUMNS = (
    *("id", "name", "email", "section"),  # the student (the roster's columns)
    *("variant", "seed", "hash"),  # which variant, drawn with which seed, its numbers' hash
    *("spec", "statement", "solution"),  # its files
)
FILES = ("spec", "statement", "solution")  # the columns that are paths


@dataclass(frozen=True)
class Entry:
    """One student's row (with --count, `id` is the variant's id and the rest of the person is
    empty)."""

    id: str
    name: str
    email: str
    section: str
    variant: str
    seed: int
    hash: str
    spec: str
    statement: str = ""
    solution: str = ""
    line: int = 0  # where the manifest has it (0: not read from a file)

    def row(self) -> dict[str, Any]:
        return {column: getattr(self, column) for column in COLUMNS}


@dataclass(frozen=True)
class Manifest:
    entries: tuple[Entry, ...]
    folder: Path  # the one the paths are relative to
    file: str = "manifest.csv"  # as messages name it
    template: str | None = None
    seed: int | None = None
    decimals: int | None = None
    files: tuple[str, ...] = ()  # every file of the set, for a later --force to replace

    def path(self, relative: str) -> Path:
        return self.folder / PurePosixPath(relative)

    def by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}


def to_csv(manifest: Manifest) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in manifest.entries:
        writer.writerow([str(value) for value in entry.row().values()])
    return buffer.getvalue()


def to_json(manifest: Manifest) -> str:
    document: dict[str, Any] = {
        "template": manifest.template,
        "seed": manifest.seed,
        "decimals": manifest.decimals,
        "variants": [entry.row() for entry in manifest.entries],
    }
    if manifest.files:
        document["files"] = list(manifest.files)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write(manifest: Manifest, force: bool, inputs: tuple[Path, ...] = ()) -> list[Path]:
    """`manifest.csv` and `manifest.json` in the manifest's folder (each atomically)."""
    written = []
    for name, text in (("manifest.csv", to_csv(manifest)), ("manifest.json", to_json(manifest))):
        path = manifest.folder / name
        write_output(path, text, force, inputs)
        written.append(path)
    return written


def previous_files(folder: Path) -> list[Path]:
    """The files an earlier `backcalc variants` wrote into `folder`, as its manifest.json lists
    them (relative paths inside the folder only; nothing when there is no such manifest)."""
    try:
        document = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, list):
        return []
    found = []
    for name in files:
        relative = PurePosixPath(name) if isinstance(name, str) else None
        if relative is None or relative.is_absolute() or ".." in relative.parts or not name:
            continue
        found.append(folder / relative)
    return found


def read(path: Path, display_name: str | None = None) -> Manifest:
    """The manifest at `path` (`.json`, else CSV), every row checked: ids given once, a seed
    that is a whole number, paths inside the manifest's folder."""
    name = display_name or str(path)
    text = read_text(path, name)
    if path.suffix.lower() == ".json":
        return _from_json(text, name, path.parent)
    rows = table(text, name, required=COLUMNS[:-2], known=COLUMNS)
    entries = tuple(_entry(cells, name, line) for line, cells in rows)
    return Manifest(_checked(entries, name), path.parent, name)


def _from_json(text: str, file: str, folder: Path) -> Manifest:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise RosterError(f"not JSON: {error}", Location(file)) from None
    variants = document.get("variants") if isinstance(document, dict) else None
    if not isinstance(variants, list):
        raise RosterError("expected an object with a list 'variants'", Location(file))
    entries = []
    for number, row in enumerate(variants, start=1):
        where = f"variants[{number}]"
        if not isinstance(row, dict):
            raise RosterError("expected an object", Location(file, path=where))
        cells = {column: "" if row.get(column) is None else str(row[column]) for column in COLUMNS}
        entries.append(_entry(cells, file, 0, where))
    seed, decimals = document.get("seed"), document.get("decimals")
    template = document.get("template")
    return Manifest(
        _checked(tuple(entries), file),
        folder,
        file,
        template if isinstance(template, str) else None,
        seed if isinstance(seed, int) else None,
        decimals if isinstance(decimals, int) else None,
    )


def _entry(cells: dict[str, str], file: str, line: int, where: str = "") -> Entry:
    def at(column: str) -> Location:
        return Location(file, line or None, path=f"{where}.{column}" if where else column)

    check_id(cells.get("id", ""), file, line, f"{where}.id" if where else "id")
    if not cells.get("variant"):
        raise RosterError("empty: every row names its variant", at("variant"))
    try:
        seed = int(cells.get("seed", ""))
    except ValueError:
        raise RosterError(
            f"expected a whole number, found {cells.get('seed')!r}", at("seed")
        ) from None
    for column in FILES:
        value = cells.get(column, "")
        relative = PurePosixPath(value)
        if value and (relative.is_absolute() or ".." in relative.parts):
            raise RosterError(
                f"{value!r} is outside the manifest's folder: paths are relative to it, "
                "as backcalc variants writes them",
                at(column),
            )
    if not cells.get("spec"):
        raise RosterError("empty: every row names its variant's spec", at("spec"))
    known = {f.name for f in fields(Entry)} - {"seed", "line"}
    values = {column: cells.get(column, "") for column in known}
    return Entry(**values, seed=seed, line=line)


def _checked(entries: tuple[Entry, ...], file: str) -> tuple[Entry, ...]:
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in seen:
            first = seen[entry.id].line
            where = f", first on line {first}" if first else ""
            raise RosterError(
                f"id {entry.id!r} is given twice{where}: every student once",
                Location(file, entry.line or None),
            )
        seen[entry.id] = entry
    if not entries:
        raise RosterError("no variants in it", Location(file))
    return entries
