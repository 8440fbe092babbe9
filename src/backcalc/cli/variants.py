"""`backcalc variants`: a variant of an exercise per student, with its statement, its solution,
the teacher's combined key, a manifest of who has which and an empty answer sheet."""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import hmac
import secrets
import shutil
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from backcalc.cli.common import (
    MAX_DECIMALS,
    CommaOption,
    DiagramOption,
    FolderForceOption,
    HeaderOption,
    LangOption,
    MaxElementsOption,
    OutsideFilesOption,
    complete_spec,
    fail,
    style,
)
from backcalc.errors import BackcalcError
from backcalc.io.limits import MAX_ELEMENTS, Limits

if TYPE_CHECKING:
    from backcalc.core.variants import Variant
    from backcalc.io.roster import Student
    from backcalc.render.style import Style

MAX_COUNT = 10_000  # variants in one set (a class, a year of classes)
EXTENSIONS = {"markdown": "md", "latex": "tex", "html": "html", "pdf": "pdf"}


class DocFormat(enum.StrEnum):
    markdown = "markdown"
    latex = "latex"
    html = "html"
    pdf = "pdf"


class Export(enum.StrEnum):
    moodle = "moodle"


def variant_id(seed: int, student: str, template: str, digits: int = 6) -> str:
    """A roster student's variant id: `v` and hex digits of HMAC-SHA256(seed, the template's
    name and the student's id), the same whatever the roster's order or who else is on it, and
    different for another template (answers graded against the wrong manifest stand out)."""
    message = f"{template}:id:{student}".encode()
    digest = hmac.new(str(seed).encode(), message, hashlib.sha256).hexdigest()
    return "v" + digest[:digits]


def keys_for(
    seed: int, count: int | None, students: tuple[Student, ...] | None, template: str = ""
) -> list[tuple[str, str]]:
    """(variant id, student key) for every variant: v01... with --count; with a roster, ids from
    the students' (longer where two would share one)."""
    if students is None:
        assert count is not None
        width = max(2, len(str(count)))
        return [(f"v{n:0{width}d}", f"v{n:0{width}d}") for n in range(1, count + 1)]
    for digits in range(6, 65, 2):
        ids = [variant_id(seed, student.id, template, digits) for student in students]
        if len(set(ids)) == len(ids):
            return [(vid, student.id) for vid, student in zip(ids, students, strict=True)]
    raise BackcalcError("two students' ids give the same variant id")  # pragma: no cover


def variants(
    template: Annotated[
        str,
        typer.Argument(
            metavar="TEMPLATE",
            help="A spec (any example works), optionally with a vary: section saying which "
            "numbers vary and how.",
            autocompletion=complete_spec,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="DIR", help="The folder to write the variants into."
        ),
    ],
    count: Annotated[
        int | None,
        typer.Option(min=1, max=MAX_COUNT, metavar="N", help="Draw N variants, v01 to vN."),
    ] = None,
    roster: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="A variant per student of this CSV roster (columns id, and optionally name, "
            "email, section).",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="The seed the variants are drawn from: the same seed and student give the "
            "same variant [default: a new one, printed].",
            show_default=False,
        ),
    ] = None,
    decimals: Annotated[
        int,
        typer.Option(
            min=0,
            max=MAX_DECIMALS,
            help="The decimals answers are asked at (answer_decimals in each variant's spec).",
        ),
    ] = 3,
    output_format: Annotated[
        list[DocFormat] | None,
        typer.Option(
            "--format",
            "-f",
            help="The statements', solutions' and key's format (repeatable) [default: markdown].",
            show_default=False,
        ),
    ] = None,
    hand_rounding: Annotated[
        bool,
        typer.Option(
            "--hand-rounding",
            help="Work the solutions and the key as by hand: every number rounded to --decimals "
            "and used rounded in the next step.",
        ),
    ] = False,
    diagram: DiagramOption = None,
    header: HeaderOption = None,
    export: Annotated[
        list[Export] | None,
        typer.Option(
            help="Also write the questions for an LMS: moodle (Moodle XML, moodle.xml).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    comma: CommaOption = None,
    max_elements: MaxElementsOption = MAX_ELEMENTS,
    outside_files: OutsideFilesOption = False,
    force: FolderForceOption = False,
) -> None:
    """Draw a variant of an exercise for each student (or N), each with its spec, statement and
    solution, plus the teacher's combined key, a manifest and an empty answer sheet.

    Example: backcalc variants reference-2-3-1 --roster students.csv --seed 2026 -o class
    """
    from backcalc.io import examples
    from backcalc.io import roster as roster_file
    from backcalc.io import variants as template_file

    formats = list(dict.fromkeys(f.value for f in output_format or [DocFormat.markdown]))
    look = style(lang, comma, decimals)
    lines = tuple((key, value) for key, _, value in (h.partition("=") for h in header or []))
    look = dataclasses.replace(
        look, doc=dataclasses.replace(look.doc, diagram=diagram, header=lines)
    )
    try:
        if (count is None) == (roster is None):
            raise BackcalcError("give either --count N or --roster FILE (one of them)")
        if "pdf" in formats:
            from backcalc.render.pdf import pdflatex_command

            pdflatex_command()  # before anything is drawn: a clear message without pdflatex
        chosen = secrets.randbelow(2**32) if seed is None else seed
        path, name = examples.resolve(template)
        bounds = Limits(max_elements, outside_files)
        loaded = template_file.read_template(path, name, bounds)
        students = None if roster is None else roster_file.read(roster, str(roster))
        inputs = (path, *(() if roster is None else (roster,)))
        plan = _Plan(output, look, formats, hand_rounding, decimals)
        keys = keys_for(chosen, count, students, Path(name).stem)
        drawn = _draw(loaded, keys, chosen, decimals)
        plan.add_variants(loaded, drawn, students, chosen, name)
        if export:
            plan.add_moodle()
        plan.add_manifest()
        plan.write(force, inputs)
    except BackcalcError as error:
        raise fail(error, template, lang) from None
    print(plan.summary(name, chosen, seed is None, drawn))


def _draw(loaded: Any, keys: list[tuple[str, str]], seed: int, decimals: int) -> list[Variant]:
    from backcalc.core.variants import draw_all

    return draw_all(loaded.exercise, loaded.vary, keys, seed, decimals)


class _Plan:
    """Every file of a set of variants, made in memory first and written only when none of them
    exists (or with --force), each atomically; the paths relative to DIR."""

    def __init__(
        self, folder: Path, look: Style, formats: list[str], hand: bool, decimals: int
    ) -> None:
        self.folder, self.look, self.formats = folder, look, formats
        self.hand, self.decimals = hand, decimals
        self.files: dict[str, str | bytes] = {}
        self.removed = 0  # files of an earlier set replaced with --force
        self.traces: list[Any] = []

    def add(self, relative: str, content: str | bytes) -> str:
        self.files[relative] = content
        return relative

    def add_variants(
        self,
        loaded: Any,
        drawn: list[Variant],
        students: tuple[Student, ...] | None,
        seed: int,
        name: str,
    ) -> None:
        from backcalc.core.texts import in_language
        from backcalc.core.variantkey import KeyRow, VariantKey
        from backcalc.io import manifest
        from backcalc.io import variants as template_file
        from backcalc.io.roster import slug
        from backcalc.io.spec import parse as read_spec
        from backcalc.render import render
        from backcalc.render.document.build import document

        people = {s.id: s for s in students or ()}
        entries, rows = [], []
        for variant in _progress(drawn, self.look.t("variants.progress")):
            student = people.get(variant.key)
            who = slug(student.name) if student is not None else ""
            stem = f"{variant.id}-{who}" if who else variant.id
            data = template_file.variant_document(loaded, variant, self.decimals)
            data["student"] = (
                f"{student.name or student.id} · {variant.id}" if student else variant.id
            )
            header = f"variant {variant.id} of {name} (seed {variant.seed}, hash {variant.hash})"
            text = template_file.dump(data, header)
            spec = self.add(f"specs/{stem}.yaml", text)
            # the documents are made from the spec as written: what the student's spec says
            exercise = read_spec(text, spec, self.folder / "specs")
            trace = exercise.run(self.decimals if self.hand else None)
            self.traces.append((variant.id, trace))
            built = document(in_language(trace, self.look.lang), self.look)
            written: dict[str, str] = {}
            for fmt in self.formats:
                ext = EXTENSIONS[fmt]
                for part, folder in (("statement", "statements"), ("solution", "solutions")):
                    made = _write(built, fmt, self._part(part))
                    written.setdefault(part, self.add(f"{folder}/{stem}.{ext}", made))
            rows.append(KeyRow(variant.id, student.name if student else "", trace))
            entries.append(
                manifest.Entry(
                    student.id if student else variant.id,
                    student.name if student else "",
                    student.email if student else "",
                    student.section if student else "",
                    variant.id,
                    variant.seed,
                    variant.hash,
                    spec,
                    written["statement"],
                    written["solution"],
                )
            )
        title = loaded.exercise.title
        key = VariantKey(title, tuple(rows), self.decimals, seed)
        for fmt in self.formats:
            self.add(f"key.{EXTENSIONS[fmt]}", render(key, fmt, self.look))
        self.add("answers.csv", _answer_sheet(self.traces, entries))
        self.entries = (tuple(entries), name, seed)

    def add_manifest(self) -> None:
        """The manifest, last: it lists every file of the set."""
        from backcalc.io import manifest

        entries, name, seed = self.entries
        files = (*self.files, "manifest.csv", "manifest.json")
        made = manifest.Manifest(
            entries, self.folder, "manifest.csv", name, seed, self.decimals, files
        )
        self.add("manifest.csv", manifest.to_csv(made))
        self.add("manifest.json", manifest.to_json(made))

    def add_moodle(self) -> None:
        from backcalc.render import moodle

        self.add("moodle.xml", moodle.questions(self.traces, self.decimals, self.look))

    def _part(self, part: str) -> Style:
        return dataclasses.replace(self.look, doc=dataclasses.replace(self.look.doc, part=part))

    def write(self, force: bool, inputs: tuple[Path, ...]) -> None:
        from backcalc.errors import Location
        from backcalc.io.files import OutputError, check_target, is_input, write_output
        from backcalc.io.manifest import previous_files

        targets = [self.folder / relative for relative in self.files]
        stale = (
            []
            if not force
            else [
                old
                for old in previous_files(self.folder)
                if old not in targets and old.is_file() and not is_input(old, inputs)
            ]
        )
        for target in targets:  # every file checked before any is written
            if target.parent.is_dir():  # else nothing is there yet: it is made below
                check_target(target, force, inputs)
        for target, content in zip(targets, self.files.values(), strict=True):
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                reason = error.strerror or str(error)
                raise OutputError(
                    f"cannot make the folder: {reason}", Location(str(target.parent))
                ) from None
            write_output(target, content, force, inputs)
        for old in stale:  # an earlier set's files this one has not (fewer students, formats)
            with contextlib.suppress(OSError):
                old.unlink()
        self.removed = len(stale)

    def summary(self, name: str, seed: int, chosen: bool, drawn: list[Variant]) -> str:
        t = self.look.t
        draws = sum(variant.attempts for variant in drawn)
        lines = [
            t(
                "variants.done",
                n=len(drawn),
                template=name,
                seed=seed,
                decimals=self.decimals,
                folder=str(self.folder),
            ),
            t("variants.draws", draws=draws, n=len(drawn))
            if draws > len(drawn)
            else t("variants.draws_none", n=draws),
        ]
        if chosen:
            lines.append(t("variants.seed_chosen", seed=seed))
        if self.removed:
            lines.append(t("variants.removed", n=self.removed))
        width = min(shutil.get_terminal_size().columns, 100)
        lines = [textwrap.fill(line, width, break_on_hyphens=False) for line in lines]
        files = [
            ("specs/", t("variants.specs")),
            ("statements/", t("variants.statements", formats=", ".join(self.formats))),
            ("solutions/", t("variants.solutions")),
            (_keys(self.formats), t("variants.key")),
            ("manifest.csv", t("variants.manifest")),
            ("answers.csv", t("variants.answers")),
        ]
        if "moodle.xml" in self.files:
            files.append(("moodle.xml", t("variants.moodle")))
        width = max(len(file) for file, _ in files)
        lines += [f"  {file:<{width}}  {what}" for file, what in files]
        return "\n".join(lines)


def _progress(items: list[Variant], what: str) -> Any:
    """The variants, with a progress bar on a terminal's stderr (PDFs take a second each)."""
    import sys

    if len(items) < 2 or not sys.stderr.isatty():
        return items
    from rich.console import Console
    from rich.progress import track

    return track(items, description=what, console=Console(stderr=True), transient=True)


def _keys(formats: list[str]) -> str:
    """key.md, or key.md, .tex where there are several formats."""
    first, *rest = (EXTENSIONS[f] for f in formats)
    return ", ".join([f"key.{first}", *(f".{ext}" for ext in rest)])


def _write(built: Any, fmt: str, look: Style) -> str | bytes:
    """A document in one format and part, from the Document built once per variant."""
    if fmt == "markdown":
        from backcalc.render.markdown import to_markdown

        return to_markdown(built, look)
    if fmt == "html":
        from backcalc.render.html import to_html

        return to_html(built, look)
    from backcalc.render.latex import to_latex

    text = to_latex(built, look)
    if fmt == "latex":
        return text
    from backcalc.render.pdf import compile_latex

    return compile_latex(text)


def _answer_sheet(traces: list[tuple[str, Any]], entries: list[Any]) -> str:
    from backcalc.core.grading.classroom import not_asked
    from backcalc.io import answerscsv

    first = traces[0][1]  # every variant has the same structure, so the same columns
    skipped = not_asked(first)  # worth nothing unless a marks file says so: not on the sheet
    names = {f"{name}_{node}" if first.kind == "graph" else name for name, node in skipped}
    columns = [c for c in answerscsv.columns(first) if c.split("[")[0] not in names]
    return answerscsv.template(columns, [(entry.id, entry.variant) for entry in entries])
