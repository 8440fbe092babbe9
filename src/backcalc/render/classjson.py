"""A graded class as JSON (`grades.json`): everything the other outputs show, as data.

```
{"title", "manifest", "settings", "possible",
 "students": [{"id", "name", "email", "section", "variant", "named_variant", "flags",
               "source", "score", "possible", "first_wrong", "diagnosis",
               "grading": <check --answers --format json's document>|null}],
 "missing": [ids], "unknown": [{"student", "variant", "source"}],
 "wrong_variant": [{"student", "named", "variant"}],
 "summary": {"graded", "steps": [{"quantity", "layer", "counts", "shares"}],
             "first_wrong": [...], "slips": [...], "bins": [{"low", "high", "count"}]}}
```

A step is named as in every answers document (`quantity` and `layer`, a graph's `node`); a
slip by its code, with its message in the output's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backcalc.render.json import _step_key, answers_document

if TYPE_CHECKING:
    from backcalc.core.grading.classroom import ClassGrading, Common, StudentResult
    from backcalc.render.style import Style


def classroom_document(result: ClassGrading, style: Style | None = None) -> dict[str, Any]:
    from backcalc.render.classwords import ClassText

    words = ClassText(result, style)
    students = [_student(student, style, words) for student in result.students]
    graded = len(result.graded)
    return {
        "title": result.title,
        "manifest": result.manifest,
        "assignment": result.assignment,
        "settings": {
            "tolerance": result.settings.tolerance.text,
            "carry_forward": result.settings.carry_forward,
            "rule": words.rule(),
        },
        "possible": result.possible,
        "students": students,
        "missing": [s.seat.id for s in result.missing],
        "unknown": [
            {"student": u.student, "variant": u.variant, "source": u.source} for u in result.unknown
        ],
        "wrong_variant": [
            {"student": s.seat.id, "named": s.named, "variant": s.seat.variant, "source": s.source}
            for s in result.wrong_variant
        ],
        "summary": {
            "graded": graded,
            "steps": [
                {
                    **_step_key(step.key),
                    "counts": dict(step.counts),
                    "shares": {
                        k: (n / step.of if step.of else 0.0) for k, n in step.counts.items()
                    },
                }
                for step in result.steps
            ],
            "first_wrong": [
                {**_common(c), "text": words.common_step(c)} for c in result.first_wrong
            ],
            "slips": [
                {**_common(c), "code": c.code, "text": words.common_slip(c)} for c in result.slips
            ],
            "bins": [{"low": b.low, "high": b.high, "count": b.count} for b in result.bins],
        },
    }


def _student(student: StudentResult, style: Style | None, words: Any) -> dict[str, Any]:
    seat = student.seat
    diagnosis = student.diagnosis
    key = student.first_wrong
    return {
        "id": seat.id,
        "name": seat.name,
        "email": seat.email,
        "section": seat.section,
        "variant": seat.variant,
        "named_variant": student.named,
        "flags": list(student.flags),
        "source": student.source,
        "score": student.score,
        "possible": student.possible,
        "first_wrong": None if key is None else _step_key(key),
        "diagnosis": None
        if key is None
        else {
            "code": None if diagnosis is None else diagnosis.code,
            "name": words.diagnosis(student),
            "alternatives": [] if diagnosis is None else list(diagnosis.alternatives),
        },
        "grading": None if student.grading is None else answers_document(student.grading, style),
    }


def _common(common: Common) -> dict[str, Any]:
    return {**_step_key(common.key), "count": common.count, "of": common.of}
