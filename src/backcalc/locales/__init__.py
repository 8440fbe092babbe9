"""The languages of backcalc's output: one TOML file per language in this folder, named by its
code (`en.toml`, `es.toml`). A new language is a copy of one of them, translated; nothing else.

Keys are dotted paths (`check.title`); placeholders are named (`{title}`, str.format rules);
a table with `one` and `other` is a plural chosen by `{n}`; other small tables are choices
picked by a value (`run.convention` by `column` or `row`). `[locale]` holds the language's name
and its numeral style (`decimal_comma`). Only tomllib (standard library) is imported here, so the
command line can list the languages without loading anything else.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent
DEFAULT = "en"
_PLACEHOLDER = re.compile(r"\{(\*?)([a-z_][a-z0-9_]*)\}")


class Locale:
    """One language: its code, its name, its numeral style and its text by dotted key. (A
    plain class: a dataclass decorator here would cost every command's start-up.)"""

    __slots__ = ("code", "decimal_comma", "name", "texts")

    def __init__(self, code: str, name: str, decimal_comma: bool, texts: dict[str, str]) -> None:
        self.code, self.name, self.decimal_comma, self.texts = code, name, decimal_comma, texts

    def __repr__(self) -> str:
        return f"Locale({self.code!r}, {self.name!r})"

    def text(self, key: str, /, **values: object) -> str:
        """The text at `key` with its placeholders filled; for a plural, the form for `n`."""
        template = self.texts.get(key)
        if template is None:
            count = values.get("n")
            form = "one" if count == 1 else "other"
            template = self.texts.get(f"{key}.{form}")
            if template is None:
                raise KeyError(f"no text '{key}' in the {self.code} locale")
        return template.format(**values)  # a placeholder not given is a KeyError, not "{x}"

    def pick(self, key: str, which: str, /, **values: object) -> str:
        """The entry `which` of the choice table `key` (run.convention: column or row)."""
        return self.text(f"{key}.{which}", **values)

    def has(self, key: str) -> bool:
        return key in self.texts

    def message(self, text: str) -> str:
        """An error message (written in English where it is raised) in this language: see
        `Messages`; English, or a message the language's file does not know, is unchanged."""
        return _messages(self.code).translate(text)


def available() -> tuple[str, ...]:
    """The codes of the languages in the folder, sorted."""
    return tuple(sorted(path.stem for path in FOLDER.glob("*.toml")))


def language(setting: str | None) -> str:
    """The language a setting such as $BACKCALC_LANG names: `es`, `es_AR`, `es-ES` and
    `es_ES.UTF-8` all mean Spanish, as in a POSIX locale name; a language there is no file for,
    or no setting, means the default (English)."""
    if setting:
        code = setting.strip().replace("-", "_").split(".")[0].split("@")[0].split("_")[0]
        if code.lower() in available():
            return code.lower()
    return DEFAULT


class Messages:
    """Error messages in one language, keyed by their English text, as gettext keys them:
    `locales/messages/<code>.toml` maps each English template to its translation, as in

        "expected a number, found {*found}" = "se esperaba un número; se encontró {*found}"

    A message is matched whole against the English templates (those that start with words
    first, then the longest); what each
    placeholder matched is put into the translation, itself translated first when the
    placeholder is written `{*name}` (a phrase such as `a list`, or a message with a hint
    appended), and as it is when written `{name}` (a key, a file name, a number)."""

    __slots__ = ("rules",)

    def __init__(self, table: dict[str, str]) -> None:
        rules = []
        for english, translated in table.items():
            parts = _PLACEHOLDER.split(english)  # literal, star, name, literal, star, name, ...
            pattern = "".join(
                re.escape(part) if i % 3 == 0 else "" if i % 3 == 1 else _group(part)
                for i, part in enumerate(parts)
            )
            # The order of trial: a template that starts with words before one that starts with
            # a placeholder (a hint appended to any message), then the most words first.
            order = (parts[0] == "", -sum(len(part) for part in parts[::3]))
            nested = frozenset(parts[i + 1] for i in range(1, len(parts), 3) if parts[i])
            rules.append((order, re.compile(pattern, re.DOTALL), nested, translated))
        rules.sort(key=lambda rule: rule[0])
        self.rules = [rule[1:] for rule in rules]

    def translate(self, text: str, depth: int = 0) -> str:
        if depth > 8:
            return text
        for pattern, nested, translated in self.rules:
            match = pattern.fullmatch(text)
            if match is None:
                continue
            values = {
                name: self.translate(value, depth + 1) if name in nested else value
                for name, value in match.groupdict().items()
            }
            return _fill(translated, values)
        return text


def _fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values[match.group(2)], template)


def _group(name: str) -> str:
    """The pattern of a placeholder: a whole number for a one-letter name, else any text."""
    return f"(?P<{name}>[-+]?[0-9]+)" if len(name) == 1 else f"(?P<{name}>.+?)"


@cache
def _messages(code: str) -> Messages:
    path = FOLDER / "messages" / f"{code}.toml"
    if not path.is_file():  # English, or a language without translated messages
        return Messages({})
    import tomllib

    with path.open("rb") as stream:
        return Messages({str(k): str(v) for k, v in tomllib.load(stream).items()})


@cache
def _load(path: Path) -> Locale:
    import tomllib  # only when a text is needed: listing the languages reads no file

    with path.open("rb") as stream:
        data = tomllib.load(stream)
    meta = data.pop("locale", {})
    texts: dict[str, str] = {}
    _flatten(data, "", texts)
    return Locale(path.stem, str(meta.get("name", path.stem)), bool(meta["decimal_comma"]), texts)


def load(code: str = DEFAULT) -> Locale:
    """The locale of `code` (KeyError if there is no such file)."""
    path = FOLDER / f"{code}.toml"
    if not path.is_file():
        raise KeyError(code)
    return _load(path)


def _flatten(node: dict[str, Any], prefix: str, into: dict[str, str]) -> None:
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(value, path, into)
        else:
            into[path] = str(value)
