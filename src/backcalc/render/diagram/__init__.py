"""The exercise's diagram, for the documents: a layered network (units as nodes with their z
and a, edges labelled with weights and, when asked, ∂J/∂w) or a computational graph (each
node with its value and gradient), as TikZ (LaTeX) or one inline SVG element (HTML).

Interface used by the writers: `tikz(figure, style) -> str` and `svg(figure, style) -> str`,
`figure` a backcalc.render.document.blocks.Figure. Both draw one `Scene` (canvas.py), laid out
here without Graphviz: a network's layers are columns of units (netparts.py says what each
shows, network.py places it), a graph's nodes are ranked by their longest path from the given
values (graph.py). tikzdraw.py and svgdraw.py only translate the scene.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcalc.render.diagram.canvas import Scene
    from backcalc.render.document.blocks import Figure
    from backcalc.render.style import Style


def scene(figure: Figure, style: Style) -> Scene:
    """The figure laid out, as both writers draw it."""
    if figure.trace.kind == "network":
        from backcalc.render.diagram.netparts import NetworkParts
        from backcalc.render.diagram.network import scene as network_scene

        parts = NetworkParts(figure.trace, style, figure.values, figure.gradients)
        return network_scene(parts.content(), style)
    from backcalc.render.diagram.graph import scene as graph_scene

    return graph_scene(figure.trace, style, figure.values, figure.gradients)


def tikz(figure: Figure, style: Style) -> str:
    """The figure as a tikzpicture (plain TikZ, texlive-pictures)."""
    from backcalc.render.diagram.tikzdraw import picture

    return picture(scene(figure, style))


def svg(figure: Figure, style: Style) -> str:
    """The figure as one inline <svg> element (no script, no external reference)."""
    from backcalc.render.diagram.svgdraw import picture

    return picture(scene(figure, style))
