"""`backcalc check --format json`: the verdict, the settings and every comparison."""

from __future__ import annotations

import json
from typing import Any

from backcalc.gradcheck import SAMPLE_ABOVE, Entry, GradCheck


def entry_document(entry: Entry) -> dict[str, Any]:
    return {
        "parameter": entry.parameter,
        "layer": entry.layer,
        "index": None if entry.index is None else list(entry.index),
        "direction": entry.direction,
        "claimed": entry.claimed,
        "numeric": entry.numeric,
        "abs_error": entry.abs_error,
        "rel_error": entry.rel_error,
        "status": entry.status,
    }


def document(result: GradCheck) -> dict[str, Any]:
    s = result.settings
    worst = result.worst
    return {
        "passed": result.passed,
        "max_rel_error": 0.0 if worst is None else worst.rel_error,
        "worst": None if worst is None else entry_document(worst),
        "settings": {
            "method": "central differences, float64",
            "eps": s.eps,
            "rtol": s.rtol,
            "atol": s.atol,
            "rounding_floor": result.floor,
            "rule": "|claimed - numeric| <= atol + rounding_floor + rtol * |numeric|",
            "sampled": result.sampled,
            "sample_above_entries": SAMPLE_ABOVE,
            "seed": s.seed,
        },
        "parameters": [
            {
                "parameter": p.name,
                "layer": p.layer,
                "shape": list(p.shape),
                "checked": p.checked,
                "directions": p.directions,
            }
            for p in result.parameters
        ],
        "entries": [entry_document(entry) for entry in result.entries],
    }


def render(result: GradCheck) -> str:
    return json.dumps(document(result), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
