"""What activations and losses share: registration, options and the formula placeholders.

`register` turns a class into a frozen dataclass (its annotated fields are its options) and adds
it to its family's table by `name`. The formulas a class declares are templates in which only
`{z}`, `{a}`, `{yhat}` and `{y}` are placeholders, all replaced in one pass (`fill`); every other
brace is TeX. Nothing else in backcalc lists activations or losses by name.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

_PLACEHOLDER = re.compile(r"\{(z|a|yhat|y)\}")

Number = Callable[[float], str]  # formats an option's value for the document at hand


Words = Callable[..., str]  # the locale's text for a key: words("with_slope", slope="0.01")


def fill(template: str, tex: bool = False, **values: str) -> str:
    """`template` with {z}, {a}, {yhat} and {y} replaced in one pass (others left as written).
    In LaTeX (`tex`), a value followed by ^ is wrapped in braces, so that `{z}^3` with
    z = z^{(1)} is {z^{(1)}}^3, not a double superscript."""

    def value(match: re.Match[str]) -> str:
        text = values.get(match.group(1), match.group(0))
        follows = match.string[match.end() : match.end() + 1]
        return f"{{{text}}}" if tex and follows == "^" and "^" in text else text

    return _PLACEHOLDER.sub(value, template)


T = TypeVar("T", bound=type[Any])


def registrar(table: dict[str, Any], aliases: dict[str, str]) -> Callable[[T], T]:
    """The `register` decorator of one family, writing into `table` (and `aliases`)."""

    def register(cls: T) -> T:
        if not isinstance(getattr(cls, "name", None), str) or not cls.name:
            raise TypeError(f"{cls.__name__} needs a `name` to be registered")
        own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (inspect costs start-up)
        if any("ClassVar" not in str(kind) for kind in own.values()):
            cls = cast(T, dataclasses.dataclass(frozen=True)(cls))
        table[cls.name] = cls
        for alias in getattr(cls, "aliases", ()):
            aliases[alias] = cls.name
        return cls

    return register


def options_text(instance: object, number: Number) -> str:
    """An instance's options as a reader sees them: 'delta = 0.5' ('' without options)."""
    return ", ".join(f"{name} = {number(value)}" for name, value in option_values(instance).items())


def options_tex(instance: object, number: Number) -> str:
    """The same in LaTeX: ', \\quad \\mathrm{delta} = 0.5' ('' without options)."""
    shown = [
        rf"\mathrm{{{tex_name(name)}}} = {number(value)}"
        for name, value in option_values(instance).items()
    ]
    return "".join(rf", \quad {item}" for item in shown)


def tex_name(name: str) -> str:
    """A name inside \\mathrm: underscores escaped (my_loss -> my\\_loss)."""
    return name.replace("_", r"\_")


def options(cls: type[Any]) -> tuple[dataclasses.Field[Any], ...]:
    """The options of a registered class: its dataclass fields."""
    return dataclasses.fields(cls) if dataclasses.is_dataclass(cls) else ()


def option_values(instance: object) -> dict[str, Any]:
    """An instance's options by name, as a spec writes them."""
    return {field.name: getattr(instance, field.name) for field in options(type(instance))}
