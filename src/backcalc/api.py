"""The Python API, for notebooks and for checking your own NumPy network against a reference.

    import backcalc
    exercise = backcalc.load("net.yaml")          # a path, YAML text, a dict, or an example's name
    result = backcalc.run(exercise)                # result.to_dict() == `run --format json`
    result.quantity("dJ_dW", layer=1)              # a numpy array, in the shape the spec wrote
    result.render("latex", "es", part="statement") # the exercise sheet, as `run --part statement`
    report = backcalc.check(exercise, answers={"layers": {1: {"dJ_dW": my_dW1}}})
    report.passed, report.to_dict()                # == `check --answers ... --format json`

Everything is computed by the same core and written by the same renderers as the command line;
errors are BackcalcError (SpecError for a bad spec) with the message the command line prints.
"""

from __future__ import annotations

import dataclasses
import json as _json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcalc.errors import BackcalcError
from backcalc.io.limits import MAX_ELEMENTS, Limits

if TYPE_CHECKING:
    import numpy as np

    from backcalc.core.exercise import ExerciseKind, TraceKind
    from backcalc.core.gradcheck import GradCheck
    from backcalc.core.grading import Grading
    from backcalc.render.style import DocOptions, Style

Spec = str | os.PathLike[str] | Mapping[str, Any]  # what `load` takes


def load(
    source: Spec, *, max_elements: int = MAX_ELEMENTS, allow_outside_files: bool = False
) -> ExerciseKind:
    """An exercise from a spec: a `Path` (or a `str` naming an existing file) is read as a file;
    a `str` naming a shipped example (`backcalc examples`) is that example; any other `str` is
    YAML text; a dict is the spec's data (numpy arrays allowed). Files that YAML text or a dict
    name are read relative to the current folder. As on the command line, a spec holds at most
    `max_elements` numbers in all (arrays from files or drawn, layer outputs) and reads data
    files only inside its folder unless `allow_outside_files`."""
    from backcalc.io import examples, spec

    limits = Limits(max_elements, allow_outside_files)
    if isinstance(source, Mapping):
        return spec.from_data(dict(source), "<dict>", Path.cwd(), limits)
    if isinstance(source, os.PathLike) or ("\n" not in source and ":" not in source):
        path, name = examples.resolve(os.fspath(source))  # a name: a file or an example
        return spec.read(path, display_name=name, limits=limits)
    return spec.parse(source, "<text>", Path.cwd(), limits)


def run(exercise: ExerciseKind | Spec, hand_rounding: int | None = None) -> Result:
    """The forward and backward pass of an exercise (or of anything `load` takes); with
    `hand_rounding`, computed as by hand, every number rounded to that many decimals."""
    return Result(_exercise(exercise).run(hand_rounding))


def check(
    exercise: Any,
    answers: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    *,
    tolerance: str = "decimals",
    carry_forward: bool = True,
    decimals_required: int | None = None,
    marks: Mapping[str, Any] | None = None,
) -> Report:
    """The gradients against central finite differences, or, with `answers` (a path to an
    answers file (YAML or .npz), or a dict in the answers-file layout, numpy arrays allowed,
    layer keys 1 or "1"; for a graph `{"values": {"q": 3}, "gradients": {"x": -4}}`), those
    answers graded against the exercise as `check --answers` does:
    `tolerance` as `--tolerance` (decimals, sigfig:N, rel:R, abs:A; numbers given as Python or
    numpy floats have no written decimals and are judged within rel 1e-6 + abs 1e-9 under
    `decimals`), `carry_forward` as `--no-carry-forward`, `decimals_required` as
    `--decimals-required` (default: the spec's answer_decimals), `marks` as a marks file's
    data (`{"default": 1, "delta": 2, "layers": {1: {"dJ_dW": 3}}}`)."""
    from backcalc.core.gradcheck import CheckSettings

    trace = _exercise(exercise).run()
    if answers is None:
        return Report(trace.check(CheckSettings()))
    from backcalc.core.grading import AnswerSettings, Tolerance, grade
    from backcalc.io import answers as answers_file
    from backcalc.io import marks as marks_file

    settings = AnswerSettings(
        tolerance=Tolerance.parse(tolerance),
        carry_forward=carry_forward,
        required_decimals=decimals_required,  # None: the spec's answer_decimals (grade)
    )
    if marks is not None:
        settings = dataclasses.replace(settings, marks=marks_file.from_data(dict(marks)))

    network_trace: Any = trace
    if isinstance(answers, Mapping):
        claims = answers_file.from_data(dict(answers), network_trace)
        name = "<answers>"
    else:
        from backcalc.io import examples

        path, name = examples.resolve_answers(os.fspath(answers))
        claims = answers_file.read(path, network_trace, name)
    return Report(grade(network_trace, claims, settings, name))


class Result:
    """A run: `.trace` holds every intermediate; `.to_dict()` is `run --format json`."""

    def __init__(self, trace: TraceKind) -> None:
        self.trace = trace
        self.kind = trace.kind

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `run --format json`, as plain JSON values."""
        return _plain_json(self.trace)

    def quantity(self, name: str, layer: int | None = None) -> np.ndarray | float:
        """A quantity by its JSON name (`z`, `a`, `delta`, `dJ_dW`, ... with `layer` from 1;
        `prediction`, `loss`, `dJ_dx` without), in the shape the spec wrote; for a graph, the
        output's gradient with respect to a value or a step. KeyError if there is none."""
        values: np.ndarray | float = self.trace.quantity(name, layer)
        return values

    def render(
        self,
        output_format: str = "markdown",
        lang: str | None = None,
        decimals: int | None = None,
        *,
        part: str = "solution",
        numbered: bool = False,
        header: Mapping[str, str] | None = None,
    ) -> str:
        """The result as text in a format of `run` (markdown, latex, html, json, dot, table), with
        `decimals` (default: as many as it was hand-rounded to, else 4); a document (markdown,
        latex, html) as `--part` (statement, solution, both), `--numbered` and `--header` shape it
        (`header={"course": ..., "author": ..., "date": ...}`, over the spec's)."""
        from backcalc.core.texts import HEADER_KEYS
        from backcalc.render.document.blocks import PARTS
        from backcalc.render.style import DocOptions

        if part not in PARTS:
            raise BackcalcError(f"no part '{part}' (parts: {', '.join(PARTS)})")
        unknown = [key for key in header or {} if key not in HEADER_KEYS]
        if unknown:
            keys = ", ".join(HEADER_KEYS)
            raise BackcalcError(f"unknown header key '{unknown[0]}' (expected: {keys})")
        hand: int | None = getattr(self.trace, "hand_decimals", None)
        shown = decimals if decimals is not None else hand if hand is not None else 4
        lines = tuple((key, str(value)) for key, value in (header or {}).items())
        doc = DocOptions(part=part, numbered=numbered, header=lines)
        return _text(self.trace, output_format, lang, shown, doc)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def __repr__(self) -> str:
        title = self.trace.title or "untitled"
        trace: Any = self.trace
        what = "J" if self.kind == "network" else trace.graph.output
        return f"<backcalc run of {self.kind} '{title}': {what} = {self.trace.objective:.6g}>"


class Report:
    """A check: `.passed`, and `.to_dict()` as `check --format json`."""

    def __init__(self, result: GradCheck | Grading) -> None:
        self.result = result
        self.kind = result.kind

    @property
    def passed(self) -> bool:
        return self.result.passed

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `check --format json`, as plain JSON values."""
        return _plain_json(self.result)

    def render(self, output_format: str = "table", lang: str | None = None) -> str:
        """The report as text (table or json)."""
        return _text(self.result, output_format, lang)

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        count = len(self.result.entries)
        what = "answers" if self.kind == "answers" else "gradient check"
        return f"<backcalc {what} '{self.result.title or 'untitled'}': {verdict}, {count} entries>"


def _exercise(exercise: Any) -> ExerciseKind:
    if hasattr(exercise, "run") and hasattr(exercise, "kind"):
        return exercise  # type: ignore[no-any-return]
    return load(exercise)


def _plain_json(result: Any) -> dict[str, Any]:
    from backcalc.render.json import document, dump

    plain: dict[str, Any] = _json.loads(dump(document(result)))
    return plain


def _style(lang: str | None, decimals: int = 4, doc: DocOptions | None = None) -> Style:
    """The language given, else $BACKCALC_LANG's (`es_ES.UTF-8` is Spanish), else English."""
    from backcalc import locales
    from backcalc.render.style import style_for

    if lang is not None and lang not in locales.available():
        raise BackcalcError(f"no locale '{lang}' (there are {', '.join(locales.available())})")
    style = style_for(lang or locales.language(os.environ.get("BACKCALC_LANG")), decimals=decimals)
    return style if doc is None else dataclasses.replace(style, doc=doc)


def _text(
    result: Any,
    output_format: str,
    lang: str | None,
    decimals: int = 4,
    doc: DocOptions | None = None,
) -> str:
    from backcalc.render import render

    if output_format == "pdf":  # bytes, compiled: not what render() returns
        raise BackcalcError("--format pdf is not text: `backcalc run -f pdf -o FILE` writes it")
    content = render(result, output_format, _style(lang, decimals, doc))
    if isinstance(content, str):
        return content
    from backcalc.render.terminal.layout import plain_text

    return plain_text(content)
