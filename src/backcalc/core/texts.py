"""The user's own words in an exercise: a title, a description or a task given in several
languages (`title: {en: ..., es: ...}`), and the exercise sheet's header (course, author, date).

A `Localized` text is a `str` (the English version, else the first given), so every reader of
a title keeps working; `in_language` gives a result with every such text in one language, which
`backcalc.render.render` does once for every format.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

HEADER_KEYS = (
    "course",
    "author",
    "date",
    "student",
)  # the header lines, in the order they are shown

T = TypeVar("T")


class Localized(str):
    """A text in several languages: as a str, the English one (else the first given);
    `in_language(code)` the one written for `code`, else that same default."""

    versions: dict[str, str]

    def __new__(cls, versions: Mapping[str, str]) -> Localized:
        if not versions:
            raise ValueError("a localized text needs at least one language")
        default = versions.get("en", next(iter(versions.values())))
        text = super().__new__(cls, default)
        text.versions = dict(versions)
        return text

    def __getnewargs__(self) -> tuple[dict[str, str]]:  # type: ignore[override]
        return (self.versions,)  # copy and pickle rebuild it from its versions

    def in_language(self, code: str) -> str:
        return self.versions.get(code, str(self))


def pick(text: str | None, code: str) -> str | None:
    """`text` in language `code` (a plain str is the same in every language)."""
    return text.in_language(code) if isinstance(text, Localized) else text


@dataclasses.dataclass(frozen=True)
class Sheet:
    """What the exercise sheet says besides the math: the task (what is asked; None: the
    default for the kind of exercise) and the header lines."""

    task: str | None = None
    course: str | None = None
    author: str | None = None
    date: str | None = None
    student: str | None = None  # whose variant this is (backcalc variants writes it)

    def header(self) -> tuple[tuple[str, str], ...]:
        """(key, value) of every header line given, in HEADER_KEYS' order."""
        lines = ((key, getattr(self, key)) for key in HEADER_KEYS)
        return tuple((key, value) for key, value in lines if value)


_NESTED = ("exercise", "graph", "sheet")  # the fields that hold more of the user's texts


def in_language(result: T, code: str) -> T:
    """`result` (a trace, a report, an exercise) with every Localized text among its fields, its
    exercise's or graph's and their sheet's, in language `code`; unchanged when there is none."""
    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        return result
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(result):
        if not field.init:
            continue
        value = getattr(result, field.name)
        if isinstance(value, Localized):
            changes[field.name] = value.in_language(code)
        elif field.name in _NESTED:
            inner = in_language(value, code)
            if inner is not value:
                changes[field.name] = inner
    return dataclasses.replace(result, **changes) if changes else result
