"""The one entry point every document writer (markdown, latex, html, pdf) builds from: a
network's or a graph's trace as its format-neutral Document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backcalc.render.document.blocks import Document
    from backcalc.render.style import Style


def document(trace: Any, style: Style | None = None) -> Document:
    """The solution document of `trace` (a network's Trace or a GraphTrace)."""
    if trace.kind == "graph":
        from backcalc.render.document import graph

        return graph.solution(trace, style)
    from backcalc.render.document import network

    return network.solution(trace, style)
