"""`run --format json` for a computational graph."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from backcalc.core.expressions import text

if TYPE_CHECKING:
    from backcalc.core.graph import GraphTrace


def document(trace: GraphTrace) -> dict[str, Any]:
    graph = trace.graph
    return {
        "title": graph.title,
        "output": graph.output,
        "value": trace.value,
        "values": dict(graph.values),
        "nodes": [
            {
                "name": node.node.name,
                "expression": text(node.node.expr, repr),
                "value": node.value,
                "gradient": node.gradient,
                "local": dict(node.local),
            }
            for node in trace.nodes
        ],
        "gradients": dict(trace.gradients),
    }


def render(trace: GraphTrace) -> str:
    return json.dumps(document(trace), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
