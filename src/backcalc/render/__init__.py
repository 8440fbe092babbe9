"""Renderers: each output format turns any kind of result into text, with one interface.

A result has a `kind` (network, graph, check, answers, train). Each format is one module or
package with one function per kind it can draw, `kind(result, style) -> str | renderable`:
terminal (rich renderables), json, markdown, latex, html, dot; pdf gives bytes. `RENDERERS` is
the one table of which pairs exist; `render` looks a pair up, and a pair that does not exist is a
clear BackcalcError.
Numbers are formatted in one place (numbers.NumberFormat), words come from the locale files.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from backcalc.render.style import Style

FORMATS = {  # format name -> the module that writes it
    "table": "backcalc.render.terminal.{kind}",
    "json": "backcalc.render.json",
    "markdown": "backcalc.render.markdown",
    "latex": "backcalc.render.latex",
    "html": "backcalc.render.html",
    "pdf": "backcalc.render.pdf",
    "dot": "backcalc.render.dot",
    "gradebook": "backcalc.render.gradebook",
    "canvas": "backcalc.render.canvas",
}
RENDERERS: dict[tuple[str, str], str] = {  # (result kind, format) -> the function's name
    **{("network", f): "network" for f in ("table", "json", "markdown", "latex", "dot")},
    **{("graph", f): "graph" for f in ("table", "json", "markdown", "latex", "dot")},
    **{(kind, f): kind for kind in ("network", "graph") for f in ("html", "pdf")},
    **{("check", f): "check" for f in ("table", "json")},
    **{("answers", f): "answers" for f in ("table", "json")},
    **{("train", f): "train" for f in ("table", "json")},
    **{("key", f): "key" for f in ("markdown", "latex", "html", "pdf")},
    **{("classroom", f): "classroom" for f in ("table", "json", "html", "gradebook", "canvas")},
    **{("feedback", f): "feedback" for f in ("markdown", "html")},
}
_TERMINAL_MODULE = {"answers": "grading"}
_WHAT = {
    "network": "networks (a spec with layers)",
    "graph": "computational graphs (a spec with steps)",
    "check": "check reports",
    "answers": "graded answers",
    "train": "training runs",
    "key": "the keys of a set of variants",
    "classroom": "graded classes",
    "feedback": "a student's feedback",
}


def formats(*kinds: str) -> list[str]:
    """The formats that draw any of `kinds`, in FORMATS' order (a command's --format choices)."""
    return [f for f in FORMATS if any((kind, f) in RENDERERS for kind in kinds)]


def require(kind: str, output_format: str) -> str:
    """The name of the function drawing `kind` in `output_format`, or a BackcalcError saying
    what that format draws (checked before any computation is done)."""
    target = RENDERERS.get((kind, output_format))
    if target is None:
        kinds = [_WHAT.get(kind, kind) for kind, fmt in RENDERERS if fmt == output_format]
        if not kinds:
            raise BackcalcError(f"no format '{output_format}' (formats: {', '.join(FORMATS)})")
        raise BackcalcError(f"--format {output_format} draws {' and '.join(kinds)}")
    return target


def render(result: Any, output_format: str, style: Style) -> Any:
    """`result` in `output_format`: text, or a rich renderable for the terminal; the user's
    titles, descriptions and tasks given in several languages in the style's (core.texts)."""
    from backcalc.core.texts import in_language

    target = require(result.kind, output_format)
    result = in_language(result, style.lang)
    kind = result.kind
    module = FORMATS[output_format].format(kind=_TERMINAL_MODULE.get(kind, kind))
    return getattr(importlib.import_module(module), target)(result, style)
