"""`backcalc check --format json`: the verdict, the settings and every comparison."""

from __future__ import annotations

import json
from typing import Any

from backcalc.core.gradcheck import SAMPLE_ABOVE, Entry, GradCheck
from backcalc.core.grading import Grading, Judged


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


def judged_document(entry: Judged) -> dict[str, Any]:
    return {
        "quantity": entry.quantity,
        "parameter": entry.parameter,
        "layer": entry.layer,
        "index": list(entry.index),
        "claimed": entry.claimed,
        "correct": entry.correct,
        "numeric": entry.numeric,
        "abs_error": entry.abs_error,
        "rel_error": entry.rel_error,
        "allowed_error": entry.allowed,
        "by_hand": entry.by_hand,
        "status": entry.status,
    }


def answers_document(grading: Grading) -> dict[str, Any]:
    s = grading.settings
    first, worst = grading.first_wrong, grading.worst
    return {
        "passed": grading.passed,
        "max_rel_error": 0.0 if worst is None else worst.rel_error,
        "first_wrong": None
        if first is None
        else {
            key: judged_document(first)[key]
            for key in ("quantity", "layer", "index", "claimed", "correct")
        },
        "settings": {
            "rtol": s.rtol,
            "atol": s.atol,
            "eps": s.eps,
            "rule": "|claimed - correct| <= atol + rtol * |correct| + half a unit in the last "
            "decimal place written, or |claimed - by_hand| <= one unit in that place, by_hand "
            "being the same computation rounded at every step to those decimals",
        },
        "entries": [judged_document(entry) for entry in grading.entries],
    }


def render_answers(grading: Grading) -> str:
    return (
        json.dumps(answers_document(grading), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    )
