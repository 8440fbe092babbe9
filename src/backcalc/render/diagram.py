"""The exercise's diagram, for the documents: a layered network (units as nodes, edges labelled
with weights) or a computational graph, as TikZ (LaTeX) or inline SVG (HTML).

Interface used by the writers: `tikz(figure, style) -> str` and `svg(figure, style) -> str`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcalc.render.document.blocks import Figure
    from backcalc.render.style import Style


def tikz(figure: Figure, style: Style) -> str:
    """The figure as a tikzpicture (plain TikZ, texlive-pictures)."""
    raise NotImplementedError  # being written (issue 13)


def svg(figure: Figure, style: Style) -> str:
    """The figure as one inline <svg> element (no script, no external reference)."""
    raise NotImplementedError  # being written (issue 13)
