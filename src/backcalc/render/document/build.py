"""The one entry point every document writer (markdown, latex, html, pdf) builds from: a
network's or a graph's trace, a set of variants' key or a student's feedback as its
format-neutral Document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backcalc.core.grading.classroom import StudentResult
    from backcalc.core.graph import GraphTrace
    from backcalc.core.network import Trace
    from backcalc.core.variantkey import VariantKey
    from backcalc.render.document.blocks import Document
    from backcalc.render.style import Style

    Documented = Trace | GraphTrace | VariantKey | StudentResult  # what a document is made of


def document(trace: Any, style: Style | None = None) -> Document:
    """The document of `trace`: the solution of a network's Trace or a GraphTrace, the key of a
    set of variants (`key`), a student's feedback (`feedback`)."""
    if trace.kind == "key":
        from backcalc.render.document import key

        return key.document(trace, style)  # type: ignore[arg-type]
    if trace.kind == "feedback":
        from backcalc.render.document.feedback import feedback

        return feedback(trace, style)
    if trace.kind == "graph":
        from backcalc.render.document import graph

        return graph.solution(trace, style)
    from backcalc.render.document import network

    return network.solution(trace, style)
