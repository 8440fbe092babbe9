"""`backcalc grade` on a class built by hand (tests/classroom.py: eight variants, answers solved
by tests/slipref.py with known slips planted): each student's slip named at its step, the class
summary naming the most common one, the gradebook's scores against an independent count, Canvas's
import layout, missing, unknown and wrong-variant students listed everywhere, the CSV answers
graded as the YAML ones, and bad input refused with one located line and nothing written."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from tests import classroom, slipref
from tests.helpers import invoke


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> classroom.Class:
    return classroom.build(tmp_path_factory.mktemp("class"))


def run(cls: classroom.Class, *args: str, out: str = "out", answers: Path | None = None) -> tuple:
    folder = cls.folder / out
    given = str(answers or cls.answers)
    code, stdout, stderr = invoke(
        "grade", given, "--manifest", str(cls.manifest), "-o", str(folder), *args, columns=80
    )
    return code, stdout, stderr, folder


@pytest.fixture(scope="module")
def graded(built: classroom.Class) -> tuple:
    return run(built)


def gradebook(folder: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / "gradebook.csv").read_text("utf-8"))))


def grades(folder: Path) -> dict:
    return json.loads((folder / "grades.json").read_text("utf-8"))


NOT_ASKED = {("prediction", None), ("losses", None), ("dJ_dx", None)}  # ŷ = a⁽²⁾, ℓ = J, ∂J/∂x


def steps_of(variant: str) -> list[slipref.Step]:
    """The steps that earn a mark: every step but those the statement does not ask for."""
    return [step for step in slipref.claimed(classroom.net(variant)) if step not in NOT_ASKED]


def within(written: str, value: float) -> bool:
    """The decimals rule, written out: a number at 3 decimals is right within 0.51e-3."""
    return abs(float(written.replace(",", ".")) - value) <= 0.51e-3


def independent_score(variant: str, code: str | None, carry_forward: bool) -> int:
    """The marks a student earns, counted from slipref alone: with carry forward, every step
    but the planted one (each later step follows from their own values); without, the steps
    whose written numbers are within the rule of the correct ones."""
    steps = steps_of(variant)
    if carry_forward:
        return len(steps) - (code is not None)
    mine, right = classroom.solved(variant, code), classroom.solved(variant, None)
    return sum(
        all(
            within(classroom.written(float(v), False), float(c))
            for v, c in zip(np.ravel(mine[s]), np.ravel(right[s]), strict=True)
        )
        for s in steps
    )


OWN = {sid: variant for sid, _, _, _, variant in classroom.STUDENTS}


def test_the_exit_code_says_one_answers_file_was_not_graded(graded: tuple) -> None:
    code, _, stderr, folder = graded
    assert code == 1, stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "canvas.csv",
        "feedback",
        "gradebook.csv",
        "grades.json",
        "report.html",
    ]
    assert sorted(p.name for p in (folder / "feedback").iterdir()) == [
        f"{sid}.md" for sid in sorted(classroom.PLAN)
    ]


def test_each_student_s_slip_is_named_at_its_step(graded: tuple) -> None:
    students = {s["id"]: s for s in grades(graded[3])["students"]}
    for sid, (code, _) in classroom.PLAN.items():
        found = students[sid]
        if code is None:
            assert found["first_wrong"] is None and found["diagnosis"] is None, sid
            continue
        quantity, layer = classroom.STEPS[code]
        assert found["first_wrong"] == {"quantity": quantity, "layer": layer}, sid
        assert found["diagnosis"]["code"] == code, sid


def test_the_summary_names_the_most_common_slip(graded: tuple) -> None:
    _, stdout, _, folder = graded
    summary = grades(folder)["summary"]
    top = summary["slips"][0]
    assert (top["code"], top["quantity"], top["layer"], top["count"], top["of"]) == (
        "forgot_activation_derivative",
        "delta",
        1,
        3,
        7,
    )
    assert "3 of 7: forgetting g'(z) at δ⁽¹⁾" in stdout
    first = summary["first_wrong"][0]
    assert (first["quantity"], first["layer"], first["count"]) == ("delta", 1, 4)
    report = (folder / "report.html").read_text("utf-8")
    assert "3 of 7: forgetting g'(z) at δ⁽¹⁾" in report


def test_the_gradebook_has_a_row_per_student_scored_as_counted_independently(
    graded: tuple,
) -> None:
    rows = gradebook(graded[3])
    assert list(rows[0]) == [
        "student_id",
        "name",
        "variant",
        "score",
        "possible",
        "first_wrong",
        "diagnosis",
    ]
    assert [r["student_id"] for r in rows] == [s[0] for s in classroom.STUDENTS]
    possible = len(steps_of("v01"))
    for row in rows:
        sid = row["student_id"]
        assert row["variant"] == OWN[sid] and row["possible"] == str(possible)
        if sid not in classroom.PLAN:
            assert row["score"] == "" and row["first_wrong"] == "" == row["diagnosis"], row
            continue
        code = classroom.PLAN[sid][0]
        assert float(row["score"]) == independent_score(OWN[sid], code, True), row
    assert rows[1]["first_wrong"] == "δ⁽¹⁾" and rows[1]["diagnosis"] == "forgetting g'(z)"


def test_without_carry_forward_only_the_right_numbers_count(built: classroom.Class) -> None:
    code, _, stderr, folder = run(built, "--no-carry-forward", out="no-carry")
    assert code == 1, stderr
    for row in gradebook(folder):
        sid = row["student_id"]
        if sid in classroom.PLAN:
            expected = independent_score(OWN[sid], classroom.PLAN[sid][0], False)
            assert float(row["score"]) == expected, row


def test_canvas_csv_is_in_the_layout_canvas_imports(graded: tuple) -> None:
    rows = list(csv.reader(io.StringIO((graded[3] / "canvas.csv").read_text("utf-8"))))
    # Canvas's importer: Student, ID, SIS User ID, SIS Login ID, Section, then assignments;
    # a row starting with Points Possible gives each assignment's points
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "2-3-1 sigmoid network",
    ]
    assert rows[1] == ["Points Possible", "", "", "", "", str(len(steps_of("v01")))]
    book = {r["student_id"]: r["score"] for r in gradebook(graded[3])}
    assert len(rows) == 2 + len(classroom.STUDENTS)
    for row, (sid, name, email, section, _) in zip(rows[2:], classroom.STUDENTS, strict=True):
        assert row == [name, "", sid, email, section, book[sid]]


def test_the_assignment_is_named_on_the_command_line(built: classroom.Class) -> None:
    code, _, _, folder = run(built, "--assignment", "Tarea 3", out="named")
    assert code == 1
    header = (folder / "canvas.csv").read_text("utf-8").splitlines()[0]
    assert header == "Student,ID,SIS User ID,SIS Login ID,Section,Tarea 3"


def test_missing_unknown_and_wrong_variant_are_listed_everywhere(graded: tuple) -> None:
    _, stdout, _, folder = graded
    document = grades(folder)
    assert document["missing"] == ["s07"]
    assert [u["student"] for u in document["unknown"]] == ["s99"]
    assert document["wrong_variant"][0] | {"source": None} == {
        "student": "s06",
        "named": "v02",
        "variant": "v06",
        "source": None,
    }
    flags = {s["id"]: s["flags"] for s in document["students"]}
    assert flags["s07"] == ["missing"] and flags["s06"] == ["wrong_variant"]
    assert all(not f for sid, f in flags.items() if sid not in ("s06", "s07"))
    report = (folder / "report.html").read_text("utf-8")
    for text in (stdout, report):
        assert "1 student without answers" in text and "Gema Ortiz (s07)" in text
        assert "Answers from 1 student not in the manifest (not graded)" in text
        assert "s99 (" in text
        assert "Fabio Sanz (s06): the answers name v02; graded against v06" in text
    # s06 is graded against v06, their own: only their planted slip costs a mark
    s06 = next(s for s in document["students"] if s["id"] == "s06")
    assert s06["score"] == len(steps_of("v06")) - 1


def test_csv_answers_are_graded_as_the_yaml_answers(built: classroom.Class, graded: tuple) -> None:
    code, _, stderr, folder = run(built, out="from-csv", answers=built.csv)
    assert code == 1, stderr
    assert (folder / "gradebook.csv").read_text("utf-8") == (graded[3] / "gradebook.csv").read_text(
        "utf-8"
    )
    for sid in classroom.PLAN:
        mine = (folder / "feedback" / f"{sid}.md").read_text("utf-8")
        theirs = (graded[3] / "feedback" / f"{sid}.md").read_text("utf-8")
        assert mine == theirs, sid


def test_the_feedback_works_the_first_wrong_step_through_with_the_student_s_numbers(
    graded: tuple,
) -> None:
    text = (graded[3] / "feedback" / "s02.md").read_text("utf-8")
    mine = classroom.solved("v02", "forgot_activation_derivative")
    upstream = classroom.written(float(mine[("dJ_da", 1)][0, 0]), True)  # s02 writes commas
    g_prime = classroom.written(float(mine[("g_prime", 1)][0, 0]), True)
    assert "Student: Bruno Díaz (s02). Variant: v02." in text
    assert f"Score: {len(steps_of('v02')) - 1} of {len(steps_of('v02'))}." in text
    line = f"δ⁽¹⁾[1] = ∂J/∂a⁽¹⁾[1] · g'(z⁽¹⁾)[1] = {upstream.replace(',', '.')} · "
    assert line + g_prime.replace(",", ".") in text, text
    assert "What went wrong: δ = ∂J/∂a: the activation's derivative g'(z) is left out" in text
    assert "| δ⁽¹⁾ | wrong ← first wrong | 0/1 |" in text
    wrong_variant = (graded[3] / "feedback" / "s06.md").read_text("utf-8")
    assert "The answers name the variant v02, but the one given to this student is v06" in (
        wrong_variant
    )


def test_spanish_html_feedback_and_report(built: classroom.Class) -> None:
    code, stdout, _, folder = run(built, "--lang", "es", "--format", "html", out="es")
    assert code == 1
    assert "3 de 7: olvidar g'(z) en δ⁽¹⁾" in stdout
    assert "Escrito en" in stdout
    page = (folder / "feedback" / "s02.html").read_text("utf-8")
    ET.fromstring(page)  # well-formed
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="es">' in page
    assert "Corrección: 2-3-1 sigmoid network" in page
    assert "Qué falló: δ = ∂J/∂a" in page and "Puntuación: 14 de 15." in page
    report = (folder / "report.html").read_text("utf-8")
    root = ET.fromstring(report)
    svg = "{http://www.w3.org/2000/svg}"
    histogram = root.find(f".//{{http://www.w3.org/1999/xhtml}}figure/{svg}svg")
    assert histogram is not None
    bars = histogram.findall(f"{svg}rect")
    counts = [b["count"] for b in grades(folder)["summary"]["bins"]]
    assert len(bars) == 10 and sum(counts) == 7
    heights = [float(b.get("height", "0")) for b in bars]
    tallest = max(heights)
    assert [round(h / tallest * max(counts)) for h in heights] == counts
    assert "Informe del grupo" in report and "Los errores más frecuentes" in report


def test_the_terminal_summary_fits_80_columns(graded: tuple) -> None:
    stdout = graded[1]
    assert max(len(line.rstrip()) for line in stdout.splitlines()) <= 80
    assert "Scores (out of 15)" in stdout and "90–100 % │" in stdout


def test_existing_files_are_refused_without_force(built: classroom.Class) -> None:
    _, _, _, folder = run(built, out="twice")
    before = (folder / "gradebook.csv").read_text("utf-8")
    (folder / "gradebook.csv").write_text("mine", encoding="utf-8")
    code, stdout, stderr, _ = run(built, out="twice")
    assert code == 2 and stdout == ""
    assert stderr.strip().endswith("already exists; use --force to overwrite it")
    assert len(stderr.strip().splitlines()) == 1
    assert (folder / "gradebook.csv").read_text("utf-8") == "mine"
    code, _, _, _ = run(built, "--force", out="twice")
    assert code == 1 and (folder / "gradebook.csv").read_text("utf-8") == before


def test_no_unknown_student_exits_0(built: classroom.Class, tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    for path in built.answers.iterdir():
        if path.stem != classroom.UNKNOWN:
            (folder / path.name).write_bytes(path.read_bytes())
    code, _, stderr, _ = run(built, answers=folder, out="all-known")
    assert code == 0, stderr


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("student: s03", "student: s02"), "student 's02' has answers here and in"),
        (("student: s03\n", ""), "names no student: add student: <roster id>"),
        (("delta:", "deltas:"), "unknown key 'deltas'"),
    ],
)
def test_bad_answers_are_one_located_line_and_nothing_is_written(
    built: classroom.Class, tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    for path in built.answers.iterdir():
        text = path.read_text("utf-8")
        (folder / path.name).write_text(
            text.replace(*edit, 1) if path.stem == "s03" else text, encoding="utf-8"
        )
    out = tmp_path / "out"
    code, stdout, stderr = invoke(
        "grade", str(folder), "--manifest", str(built.manifest), "-o", str(out)
    )
    assert code == 2 and stdout == "" and not out.exists(), stderr
    assert len(stderr.strip().splitlines()) == 1 and message in stderr, stderr
    assert stderr.startswith(str(folder)), stderr


def test_a_bad_csv_cell_is_located(built: classroom.Class, tmp_path: Path) -> None:
    lines = built.csv.read_text("utf-8").splitlines()
    cells = next(csv.reader([lines[3]]))
    cells[5] = "0.5x"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[3] = out.getvalue()
    bad = tmp_path / "answers.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    column = next(csv.reader([lines[0]]))[5]
    code, _, stderr = invoke(
        "grade", str(bad), "--manifest", str(built.manifest), "-o", str(tmp_path / "o")
    )
    assert code == 2 and not (tmp_path / "o").exists()
    assert stderr.strip() == f"{bad}:4: column '{column}': expected a number, found '0.5x'"
    code, _, stderr = invoke(
        "grade",
        str(bad),
        "--manifest",
        str(built.manifest),
        "-o",
        str(tmp_path / "o"),
        "--lang",
        "es",
    )
    assert (
        stderr.strip() == f"{bad}:4: column '{column}': se esperaba un número; se encontró '0.5x'"
    )


def test_npz_answers_name_their_student_and_variant(built: classroom.Class, tmp_path: Path) -> None:
    mine = classroom.solved("v03", "z_instead_of_upstream")
    arrays = {
        f"{name}{'' if layer is None else layer}": np.asarray(mine[(name, layer)])
        for name, layer in classroom.steps_of("v03")
    }
    folder = tmp_path / "npz"
    folder.mkdir()
    np.savez(folder / "carla.npz", student="s03", variant="v03", **arrays)
    code, _, stderr, out = run(built, answers=folder, out="npz")
    assert code == 0, stderr
    rows = {r["student_id"]: r for r in gradebook(out)}
    assert rows["s03"]["score"] == str(len(steps_of("v03")) - 1)
    assert rows["s03"]["diagnosis"] == "z in place of ∂J/∂a"
    assert all(r["score"] == "" for sid, r in rows.items() if sid != "s03")
    np.savez(folder / "carla.npz", student=np.array([1.5]), **arrays)
    code, _, stderr, _ = run(built, answers=folder, out="npz-bad")
    assert code == 2 and "carla.npz: student: expected a name or a number" in stderr, stderr


def test_a_csv_column_naming_no_entry_is_explained_in_spanish(
    built: classroom.Class, tmp_path: Path
) -> None:
    bad = tmp_path / "answers.csv"
    bad.write_text('student,variant,"dJ_dW1[4,1]"\ns01,v01,0.5\n', encoding="utf-8")
    code, _, stderr = invoke(
        "grade",
        str(bad),
        "--manifest",
        str(built.manifest),
        "-o",
        str(tmp_path / "o"),
        "--lang",
        "es",
    )
    assert code == 2, stderr
    assert stderr.strip() == (
        f"{bad}:1: column 'dJ_dW1[4,1]': no existe esa componente: dJ_dW1 es de 3×2 "
        "(de dJ_dW1[1,1] a dJ_dW1[3,2])"
    )


GRAPH = "title: q and f\nsteps:\n  - q = x + y\n  - f = q * z\nvalues: {{x: {x}, y: 5, z: -4}}\n"


def test_a_class_on_a_computational_graph(tmp_path: Path) -> None:
    """f = (x + y)·z with x = −2 and x = −3: q = 3 and 2, ∂f/∂q = z = −4, ∂f/∂x = ∂f/∂y = −4,
    ∂f/∂z = q. Bea flips the sign of ∂f/∂q and carries it on to ∂f/∂x and ∂f/∂y."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "g1.yaml").write_text(GRAPH.format(x=-2), encoding="utf-8")
    (tmp_path / "specs" / "g2.yaml").write_text(GRAPH.format(x=-3), encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "id,name,email,section,variant,seed,hash,spec,statement,solution\n"
        "a,Ana,,,g1,1,0000000000000001,specs/g1.yaml,,\n"
        "b,Bea,,,g2,2,0000000000000002,specs/g2.yaml,,\n",
        encoding="utf-8",
    )
    table = tmp_path / "answers.csv"
    table.write_text(
        "student,variant,value_q,value_f,gradient_f,gradient_q,gradient_x,gradient_y,gradient_z\n"
        "a,g1,3,-12,1,-4,-4,-4,3\n"
        "b,g2,2,-8,1,4,4,4,2\n",
        encoding="utf-8",
    )
    code, stdout, stderr = invoke(
        "grade",
        str(table),
        "--manifest",
        str(tmp_path / "manifest.csv"),
        "-o",
        str(tmp_path / "out"),
        columns=80,
    )
    assert code == 0, stderr
    rows = {r["student_id"]: r for r in gradebook(tmp_path / "out")}
    # ∂f/∂f = 1 is not asked: 6 steps
    assert (rows["a"]["score"], rows["a"]["possible"]) == ("6", "6")
    assert (rows["b"]["score"], rows["b"]["first_wrong"]) == ("5", "∂f/∂q")
    assert "1 of 2: ∂f/∂q" in stdout
    assert "The most common slips" not in stdout  # no known slip: a first wrong step only


def test_the_report_and_a_feedback_page_are_drawn(built: classroom.Class, tmp_path: Path) -> None:
    """Headless Chromium (skipped where it is missing): the report's histogram stands tall in
    its bars' colour, and a student's feedback page is text from top to bottom."""
    from tests.test_html_screenshot import CHROMIUM, INK, ink_rows, screenshot

    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    _, _, _, folder = run(built, "--format", "html", out="drawn")
    report = screenshot((folder / "report.html").read_text("utf-8"), tmp_path)
    share = float((report < INK).mean())
    assert 0.01 < share < 0.4, f"{share:.3%} of the report is ink"
    bar = (report > 60) & (report < 90)  # the bars' #4a6fa5: its darkest channel is 0x4a = 74
    assert bar.sum(axis=0).max() > 100, "no bar of the histogram is drawn"
    page = (folder / "feedback" / "s02.html").read_text("utf-8")
    rows = ink_rows(screenshot(page, tmp_path))
    assert rows.size and rows[-1] - rows[0] > 1000


def test_force_leaves_no_earlier_feedback_for_a_student_without_answers_now(
    built: classroom.Class, tmp_path: Path
) -> None:
    _, _, _, folder = run(built, out="again")
    before = sorted(p.name for p in (folder / "feedback").iterdir())
    fewer = tmp_path / "fewer"
    fewer.mkdir()
    kept = sorted(built.answers.iterdir())[:2]
    for path in kept:
        (fewer / path.name).write_bytes(path.read_bytes())
    (folder / "feedback" / "my-notes.md").write_text("mine", encoding="utf-8")
    run(built, "--force", out="again", answers=fewer)
    after = sorted(p.name for p in (folder / "feedback").iterdir())
    assert len(after) < len(before)
    assert "my-notes.md" in after
    assert len([name for name in after if name != "my-notes.md"]) <= len(kept)
