"""The user's words in a spec, a network's and a graph's alike: `title`, `description` and
`task` as text or as one text per language, and the exercise sheet's header lines.

```yaml
title: {en: 2-3-1 sigmoid network, es: Red sigmoidea 2-3-1}
task: Compute every derivative of $J$.      # optional: a default per kind of exercise
course: Neural networks, spring 2026        # course, author, date: the header lines
author: A. Teacher
date: 2026-03-16                            # a YAML date is written as it is (ISO)
```
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from backcalc.core.texts import HEADER_KEYS, Localized, Sheet
from backcalc.io.reader import ValueReader, describe
from backcalc.io.yamlnodes import child

SHEET_KEYS = ("task", *HEADER_KEYS)  # top-level keys of a network's and a graph's spec
_LANGUAGE = re.compile(r"[a-z]{2,3}")


def user_text(reader: ValueReader, value: Any, path: str) -> str | None:
    """A title, description or task: text, or one text per language (`{en: ..., es: ...}`),
    read as a Localized text (a single language is plain text)."""
    if not isinstance(value, dict):
        return _text(reader, value, path)
    if not value:
        raise reader.fail(path, "expected one text per language ({en: ..., es: ...}), found {}")
    versions: dict[str, str] = {}
    for code, text in value.items():
        where = child(path, str(code))
        if not isinstance(code, str) or not _LANGUAGE.fullmatch(code):
            raise reader.fail(where, f"expected a language code (en, es), found {describe(code)}")
        written = _text(reader, text, where)
        if written is None:
            raise reader.fail(where, f"expected text, found {describe(text)}")
        versions[code] = written
    if len(versions) == 1:
        return next(iter(versions.values()))
    return Localized(versions)


def _text(reader: ValueReader, value: Any, path: str) -> str | None:
    """Text as written: a number or a YAML date as it reads, a boolean refused (YAML reads
    `yes` and `no` as booleans: quote them)."""
    if isinstance(value, bool):
        raise reader.fail(path, f"expected text, found {describe(value)}")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return reader.text(value, path)


def sheet(reader: ValueReader, top: dict[str, Any]) -> Sheet:
    """The task and the header lines of a spec (a network's or a graph's)."""
    header = {key: _text(reader, top.get(key), key) or None for key in HEADER_KEYS}
    return Sheet(task=user_text(reader, top.get("task"), "task") or None, **header)


def notation(reader: ValueReader, value: Any) -> tuple[tuple[str, str], ...]:
    """A network's `notation:` (`{activation: y, weights: w}`): each role and its symbol."""
    from backcalc.core.symbols import ROLES, problem

    if value is None:
        return ()
    given = reader.mapping(value, "notation", ROLES, "the symbols to write (role: symbol)")
    for role, written in given.items():
        message = problem(role, written)
        if message is not None:
            raise reader.fail(child("notation", role), message)
    return tuple((role, str(written).strip()) for role, written in given.items())
