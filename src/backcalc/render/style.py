"""The style every renderer is given: the language (a locale file, backcalc.locales) and the
number format, each decided once by the caller (the command line or the Python API)."""

from __future__ import annotations

from dataclasses import dataclass, field

from backcalc.locales import DEFAULT, Locale, load
from backcalc.render.numbers import NumberFormat


@dataclass(frozen=True)
class DocOptions:
    """What a solution document holds (markdown, latex, html, pdf): `part` statement, solution
    or both; equations `numbered`; the `diagram` embedded (None: the format's default, on in
    HTML); `only` these kinds of step (forward, loss, backward, update; empty: all) and `layer`
    (counted from 1; None: all); `header` lines given on the command line (course, author,
    date), over the spec's."""

    part: str = "solution"
    numbered: bool = False
    diagram: bool | None = None
    only: tuple[str, ...] = ()
    layer: int | None = None
    header: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Style:
    """How a renderer writes: the locale's words, the number format, whether large
    matrices are shown whole (`full`, terminal only) and the loss chart's scale (`log`)."""

    locale: Locale = field(default_factory=load)
    numbers: NumberFormat = field(default_factory=NumberFormat)
    full: bool = False
    log: bool = False  # the loss chart of a training run on a log scale (terminal only)
    doc: DocOptions = field(default_factory=DocOptions)

    @property
    def lang(self) -> str:
        return self.locale.code

    def t(self, key: str, /, **values: object) -> str:
        """The locale's text at `key` (a plural by `n`), placeholders filled."""
        return self.locale.text(key, **values)

    def pick(self, key: str, which: str, /, **values: object) -> str:
        """The entry `which` of the locale's choice table `key`."""
        return self.locale.pick(key, which, **values)

    def name(self, thing: object) -> str:
        """The name of an activation or a loss in prose: the locale's, else its `name`."""
        from backcalc.core.activations import Activation

        family = "activation" if isinstance(thing, Activation) else "loss"
        name: str = getattr(thing, "name", "")
        key = f"{family}.{name}"
        return self.locale.text(key) if self.locale.has(key) else name


def style_for(
    lang: str | None = None, comma: bool | None = None, decimals: int = 4, full: bool = False
) -> Style:
    """The style of a language (default: English), with its numeral style unless `comma` says
    otherwise: the one place the decimal separator is decided."""
    locale = load(lang or DEFAULT)
    use_comma = locale.decimal_comma if comma is None else comma
    return Style(locale, NumberFormat(decimals, use_comma), full)
