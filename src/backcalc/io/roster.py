"""A class roster: a CSV file with a header naming `id` and optionally `name`, `email` and
`section` (other columns, as an LMS export has them, are ignored).

```csv
id,name,email,section
a123,Ana Pérez,ana@uni.es,A
b456,Bruno Díaz,bruno@uni.es,B
```

The header's names are read without regard to case or surrounding spaces (and in Spanish:
`nombre`, `correo`, `grupo`); a comma, a semicolon
(a spreadsheet in a language with the decimal comma) or a tab separates the cells, whichever the
header uses. Every bad row is an error naming its line (`students.csv:7: id: empty`); an id
given twice is refused, naming both lines.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcalc.errors import BackcalcError, Location
from backcalc.io.yamlnodes import read_text

if TYPE_CHECKING:
    from pathlib import Path

COLUMNS = ("id", "name", "email", "section")
MAX_ID = 200  # characters of an id (an id names files and rows, not an essay)


class RosterError(BackcalcError):
    """A roster (or a manifest) that cannot be read: the file and line are in the location."""


@dataclass(frozen=True)
class Student:
    id: str
    name: str = ""
    email: str = ""
    section: str = ""
    line: int = 0  # where the roster gives it (0: not from a file)


def read(path: Path, display_name: str | None = None) -> tuple[Student, ...]:
    """The students of the roster at `path`, in its order."""
    name = display_name or str(path)
    return parse(read_text(path, name), name)


ALIASES = {  # what a roster exported in Spanish (or by an LMS) calls the columns
    "nombre": "name",
    "full name": "name",
    "correo": "email",
    "e-mail": "email",
    "mail": "email",
    "grupo": "section",
    "sección": "section",
    "seccion": "section",
}


def parse(text: str, file: str = "<roster>") -> tuple[Student, ...]:
    rows = table(text, file, required=("id",), known=COLUMNS, aliases=ALIASES)
    students: list[Student] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        student = Student(
            cells.get("id", ""),
            cells.get("name", ""),
            cells.get("email", ""),
            cells.get("section", ""),
            line,
        )
        check_id(student.id, file, line)
        if student.id in seen:
            raise RosterError(
                f"id {student.id!r} is already on line {seen[student.id]}: every student once",
                Location(file, line),
            )
        seen[student.id] = line
        students.append(student)
    if not students:
        raise RosterError("no students: the header is the only line", Location(file, 1))
    return tuple(students)


def check_id(value: str, file: str, line: int, column: str = "id") -> None:
    if not value:
        raise RosterError("empty: every row needs one", Location(file, line, path=column))
    if len(value) > MAX_ID or any(unicodedata.category(c)[0] == "C" for c in value):
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise RosterError(
            f"{shown!r} is not an id: at most {MAX_ID} printable characters",
            Location(file, line, path=column),
        )


def table(
    text: str,
    file: str,
    required: tuple[str, ...],
    known: tuple[str, ...],
    aliases: dict[str, str] | None = None,
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV text as (line, {column: cell}) for the `known` columns the header
    names (lowercase, stripped); a missing `required` column, a row with more cells than the
    header or a column named twice is a located error. Blank rows are skipped."""
    text = text.removeprefix("\ufeff")  # a spreadsheet's UTF-8 byte-order mark
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise RosterError(f"empty: expected a header with {required[0]!r}", Location(file, 1))
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header: list[str] | None = None
        rows: list[tuple[int, dict[str, str]]] = []
        start = 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = _header(cells, file, line, required, aliases or {})
                continue
            if len(cells) > len(header):
                raise RosterError(
                    f"{len(cells)} cells, but the header names {len(header)} columns",
                    Location(file, line),
                )
            found = {
                column: cell.strip()
                for column, cell in zip(header, cells, strict=False)
                if column in known
            }
            rows.append((line, found))
    except csv.Error as error:
        raise RosterError(f"not a CSV row: {error}", Location(file, reader.line_num)) from None
    return rows


def _header(
    cells: list[str], file: str, line: int, required: tuple[str, ...], aliases: dict[str, str]
) -> list[str]:
    header = [cell.strip().lower() for cell in cells]
    header = [
        aliases.get(name, name) if aliases.get(name) not in header else name for name in header
    ]
    for column in required:
        if column not in header:
            found = ", ".join(repr(c) for c in header if c) or "nothing"
            raise RosterError(
                f"the header has no {column!r} column (found {found})", Location(file, line)
            )
    named = [c for c in header if c]
    twice = next((c for c in named if named.count(c) > 1), None)
    if twice is not None:
        raise RosterError(f"the header names {twice!r} twice", Location(file, line))
    return header


def slug(text: str, limit: int = 40) -> str:
    """`Ana Pérez Núñez` -> `ana-perez-nunez`: a name as part of a file name (ASCII, lowercase,
    hyphens; empty when nothing of it is left)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:limit].strip("-")
