"""`backcalc grade`: a whole class's answers, each graded against the student's own variant
(the manifest `backcalc variants` wrote), into a gradebook, Canvas's import, a JSON document,
a class report and one feedback document per student, all under -o DIR."""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from backcalc.cli.common import (
    CommaOption,
    FolderForceOption,
    LangOption,
    MaxElementsOption,
    OutsideFilesOption,
    fail,
    style,
)
from backcalc.errors import BackcalcError, Location, SpecError
from backcalc.io.limits import MAX_ELEMENTS, Limits

if TYPE_CHECKING:
    from backcalc.core.grading import AnswerSettings, Claim
    from backcalc.core.grading.classroom import ClassGrading, Seat, Submission
    from backcalc.core.network import Trace
    from backcalc.io.manifest import Manifest

EXIT_NOT_ALL_GRADED = 1
ANSWER_SUFFIXES = (".yaml", ".yml", ".npz")
EXTENSIONS = {"markdown": "md", "html": "html"}


class FeedbackFormat(enum.StrEnum):  # the formats that draw a student's feedback
    markdown = "markdown"
    html = "html"


def grade(
    answers: Annotated[
        list[Path],
        typer.Argument(
            metavar="ANSWERS...",
            help="The answers: YAML or .npz files (one per student, naming student: and "
            "variant:), folders of them, or one CSV with a row per student.",
            show_default=False,
        ),
    ],
    manifest: Annotated[
        Path,
        typer.Option(
            "--manifest",
            "-m",
            metavar="FILE",
            help="The manifest backcalc variants wrote (DIR/manifest.csv or .json).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="The folder to write gradebook.csv, canvas.csv, grades.json, report.html and "
            "feedback/ in (made if missing).",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        FeedbackFormat,
        typer.Option("--format", "-f", help="The students' feedback documents: markdown or html."),
    ] = FeedbackFormat.markdown,
    tolerance: Annotated[
        str,
        typer.Option(
            "--tolerance",
            metavar="RULE",
            help="How close a number must be: decimals (within 0.51 of a unit in its last "
            "written decimal), sigfig:N, rel:R or abs:A.",
        ),
    ] = "decimals",
    carry_forward: Annotated[
        bool,
        typer.Option(
            help="Give method credit to steps computed correctly from a student's own earlier "
            "wrong values."
        ),
    ] = True,
    marks: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Marks per step (YAML: default, quantity names, layers)."
        ),
    ] = None,
    assignment: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="The assignment's column in canvas.csv [default: the exercise's title].",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    comma: CommaOption = None,
    max_elements: MaxElementsOption = MAX_ELEMENTS,
    outside_files: OutsideFilesOption = False,
    force: FolderForceOption = False,
) -> None:
    """Grade a class: each student's answers against their own variant, with the slip named.
    Exit code 1 if some answers name a student who is not in the manifest.

    Example: backcalc grade answers/ --manifest class/manifest.csv -o grades
    """
    from backcalc.core.grading.classroom import grade_class
    from backcalc.render import render

    try:
        bounds = Limits(max_elements, outside_files)
        look = style(lang, comma)
        roll, variants = _manifest(manifest, bounds)
        settings, inputs = _settings(tolerance, carry_forward, marks)
        submissions, read = _submissions(answers, roll, variants, bounds)
        seats = _seats(roll)
        result = grade_class(seats, variants, submissions, settings, roll.file)
        title = result.title
        result = dataclasses.replace(result, assignment=assignment or title)
        files = _documents(result, output_format.value, look, render)
        inputs = (*inputs, Path(manifest), *variants.paths(), *read)
        _write(output, files, force, inputs)
        if force:
            _remove_stale(output, files, result, inputs)
    except BackcalcError as error:
        raise fail(error, None, lang) from None
    from rich.console import Group
    from rich.text import Text

    from backcalc.cli.common import console

    shown = [name for name in files if "/" not in name]
    shown.append(f"feedback/ ({sum('/' in name for name in files)})")
    written = look.t("grade.written", folder=str(output), files=", ".join(shown))
    console().print(Group(render(result, "table", look), Text(""), Text(written)))
    if not result.passed:
        raise typer.Exit(EXIT_NOT_ALL_GRADED)


class _Variants:
    """The manifest's variants by id, each spec read and run once, when first needed."""

    def __init__(self, roll: Manifest, bounds: Limits | None = None) -> None:
        self.roll = roll
        self.bounds = bounds
        self.specs: dict[str, str] = {}
        for entry in roll.entries:
            self.specs.setdefault(entry.variant, entry.spec)
        self.traces: dict[str, Trace] = {}
        self.read: list[Path] = []

    def __call__(self, variant: str) -> Trace:
        if variant not in self.traces:
            from backcalc.io import sources
            from backcalc.io.spec import read

            path = self.roll.path(self.specs[variant])
            with sources.recording(path) as found:
                exercise = read(path, limits=self.bounds)
            self.read += found.paths()
            self.traces[variant] = exercise.run()  # type: ignore[assignment]
        return self.traces[variant]

    def paths(self) -> list[Path]:
        return self.read


def _manifest(path: Path, bounds: Limits) -> tuple[Manifest, _Variants]:
    from backcalc.io import manifest as manifest_file

    roll = manifest_file.read(path)
    return roll, _Variants(roll, bounds)


def _seats(roll: Manifest) -> list[Seat]:
    from backcalc.core.grading.classroom import Seat

    return [Seat(e.id, e.variant, e.name, e.email, e.section) for e in roll.entries]


def _settings(
    tolerance: str, carry_forward: bool, marks: Path | None
) -> tuple[AnswerSettings, tuple[Path, ...]]:
    from backcalc.core.grading import AnswerSettings, Tolerance

    settings = AnswerSettings(tolerance=Tolerance.parse(tolerance), carry_forward=carry_forward)
    if marks is None:
        return settings, ()
    from backcalc.io import marks as marks_file

    return dataclasses.replace(settings, marks=marks_file.read(marks)), (marks,)


def _answer_files(given: list[Path]) -> list[Path]:
    """The files ANSWERS names: each file, and the YAML and .npz files of each folder."""
    found: list[Path] = []
    for path in given:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in ANSWER_SUFFIXES)
            if not inside:
                raise SpecError(
                    "no answers files in this folder (.yaml, .yml or .npz)", Location(str(path))
                )
            found += inside
        elif not path.exists():
            raise SpecError("no such file", Location(str(path)))
        else:
            found.append(path)
    return found


def _submissions(
    given: list[Path], roll: Manifest, variants: _Variants, bounds: Limits
) -> tuple[list[Submission], list[Path]]:
    """Every student's answers, each read against the first student's variant (every variant
    has the same entries: the student's own is found only once the file is read), and again
    against the student's own where its shapes differ."""
    from backcalc.core.grading.classroom import Submission
    from backcalc.io import answers as answers_file
    from backcalc.io import answerscsv

    reference = roll.entries[0].variant
    ids = {entry.id: entry for entry in roll.entries}
    files = _answer_files(given)
    submissions = []
    for path in files:
        name = str(path)
        if path.suffix.lower() == ".csv":
            table = answerscsv.read(path, name)
            answerscsv.check(table, variants(reference))
            for row in table:
                if not row.cells:  # a row of the answer sheet left blank: not handed in
                    continue
                claims = answerscsv.claims(row, variants(reference))
                entry = ids.get(row.student)
                if entry is not None and not _fits(claims, variants(entry.variant)):
                    claims = answerscsv.claims(row, variants(entry.variant))
                submissions.append(Submission(row.student, row.variant, claims, row.source))
            continue
        read = answers_file.read_answers(path, variants(reference), name, bounds)
        student = read.student
        if student is None and read.variant in ids:  # with --count, a variant's id is its id
            student = read.variant
        if student is None:
            raise SpecError(
                "names no student: add student: <roster id> (and variant: <variant id>)",
                Location(name),
            )
        entry = ids.get(student)
        if entry is not None and not _fits(read.claims, variants(entry.variant)):
            read = answers_file.read_answers(path, variants(entry.variant), name, bounds)
        submissions.append(Submission(student, read.variant, read.claims, name))
    return submissions, files


def _fits(claims: tuple[Claim, ...], trace: Trace) -> bool:
    """Whether claims read against one variant have the shapes of `trace`'s (every variant of
    an exercise has the same; answers that do not are read again, against their own)."""
    import numpy as np

    from backcalc.core.quantities import quantity

    if trace.kind == "graph":
        return True  # a graph's steps are single numbers
    for claim in claims:
        value = quantity(trace, claim.name, claim.layer)
        if value is None or np.shape(value) != claim.values.shape:
            return False
    return True


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def feedback_stem(student: str, taken: set[str]) -> str:
    """A student id as a file name: letters, digits, `.`, `_` and `-` kept, anything else
    (a `/`, a space) a `_`; never hidden or empty; `-2`, `-3` after one already taken."""
    stem = _UNSAFE.sub("_", student).lstrip(".") or "_"
    found, n = stem, 1
    while found.lower() in taken:
        n += 1
        found = f"{stem}-{n}"
    taken.add(found.lower())
    return found


def _documents(
    result: ClassGrading, feedback_format: str, look: Any, render: Any
) -> dict[str, str]:
    """Every file to write, by its path under DIR, rendered before anything is written."""
    files = {
        "gradebook.csv": render(result, "gradebook", look),
        "canvas.csv": render(result, "canvas", look),
        "grades.json": render(result, "json", look),
        "report.html": render(result, "html", look),
    }
    taken: set[str] = set()
    extension = EXTENSIONS[feedback_format]
    for student in result.graded:
        stem = feedback_stem(student.seat.id, taken)
        files[f"feedback/{stem}.{extension}"] = render(student, feedback_format, look)
    return files


def _write(folder: Path, files: dict[str, str], force: bool, inputs: tuple[Path, ...]) -> None:
    """Every file under `folder`, each atomically; each target checked before the first is
    written (an existing file without --force, an input: nothing is written)."""
    from backcalc.io.files import OutputError, check_target, write_output

    where = Location(str(folder))
    if folder.exists() and not folder.is_dir():
        raise OutputError("is a file, not a folder: -o names the folder to write in", where)
    reads = _Inputs(inputs)
    if folder.is_dir():
        for name in files:
            target = folder / name
            reads.refuse(target)
            if target.parent.is_dir():
                check_target(target, force)
    try:
        (folder / "feedback").mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot make the folder: {error.strerror}", where) from None
    for name, text in files.items():
        reads.refuse(folder / name)
        write_output(folder / name, text, force)


def _remove_stale(
    folder: Path, files: dict[str, str], result: ClassGrading, inputs: tuple[Path, ...]
) -> None:
    """With --force, the feedback an earlier run wrote for a student of this manifest who has
    none now (no answers this time, or the other format): a teacher mailing feedback/* would
    otherwise send old grades. Only feedback/<student>.md or .html of this manifest's students."""
    from backcalc.io.files import is_input

    for student in result.students:
        stem = feedback_stem(student.seat.id, set())
        for extension in EXTENSIONS.values():
            name = f"feedback/{stem}.{extension}"
            old = folder / name
            if name not in files and old.is_file() and not is_input(old, inputs):
                with contextlib.suppress(OSError):
                    old.unlink()


class _Inputs:
    """The files the command read, resolved once (hundreds of them: io.files.is_input resolves
    every input for every output)."""

    def __init__(self, inputs: tuple[Path, ...]) -> None:
        self.paths = {path.resolve() for path in inputs}
        self.files = {(s.st_dev, s.st_ino) for s in map(_stat, inputs) if s is not None}

    def refuse(self, target: Path) -> None:
        from backcalc.io.files import OutputError

        found = _stat(target)
        if target.resolve() in self.paths or (found and (found.st_dev, found.st_ino) in self.files):
            raise OutputError(
                "this is a file the command reads; backcalc never overwrites an input",
                Location(str(target)),
            )


def _stat(path: Path) -> Any:
    try:
        return path.stat()
    except OSError:
        return None
