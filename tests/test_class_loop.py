"""A teacher's session end to end (issue 14, "Done when"): a template, a variant for each of a
30-student roster, statements handed out, answers collected with planted slips (computed by the
independent NumPy reference of tests/slipref.py from each student's own variant), `grade` naming
each student's slip, the class summary naming the most common one, the gradebook importing."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import backcalc
from tests import slipref
from tests.helpers import invoke
from tests.slipref import Net, Slip, Values

STUDENTS = 30
SEED = 2026


def _roster(folder: Path, order: list[int] | None = None) -> Path:
    rows = [f"s{n:02d},Estudiante {n},s{n:02d}@uni.es,{'AB'[n % 2]}" for n in range(1, 31)]
    if order is not None:
        rows = [rows[i] for i in order]
    path = folder / "students.csv"
    path.write_text("id,name,email,section\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _net(spec: Path) -> Net:
    """The variant as the reference sees it (read from its YAML, not from backcalc)."""
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    layers = data["layers"]
    return Net(
        data["convention"],
        tuple(np.array(layer["weights"], dtype=float) for layer in layers),
        tuple(np.array(layer["bias"], dtype=float) for layer in layers),
        tuple(layer["activation"] for layer in layers),
        np.array([data["input"]], dtype=float),
        np.array([[data["target"]]], dtype=float),
        False,
        data["loss"],
    )


# the slips planted, with the step they are made at and what the student then writes there
SLIPS: dict[str, Slip] = {
    "forgot_activation_derivative": Slip(
        "forgot_activation_derivative", ("delta", 1), lambda n, v: v[("dJ_da", 1)]
    ),
    "error_sign": Slip("error_sign", ("dJ_da", 2), lambda n, v: n.y - v[("a", 2)]),
    "z_instead_of_upstream": Slip(
        "z_instead_of_upstream", ("delta", 1), lambda n, v: v[("z", 1)] * v[("g_prime", 1)]
    ),
}
PLANTED = {  # student number -> slip: forgetting g' the most common, as in the notes
    **dict.fromkeys((2, 5, 8, 11, 14, 17), "forgot_activation_derivative"),
    **dict.fromkeys((3, 9, 21), "error_sign"),
    **dict.fromkeys((4, 26), "z_instead_of_upstream"),
}
PER_UNIT = ("z", "a", "prediction", "dJ_da", "g_prime", "delta", "dJ_dx")
MISSING = 30  # no answers handed in
WRONG_VARIANT = 7  # names another student's variant


def _text(values: Any) -> Any:
    """Numbers as a student writes them at the asked 3 decimals (as text: 0.250 keeps its 0)."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        return f"{float(array):.3f}"
    return [_text(row) for row in array]


def _answers(net: Net, values: Values) -> dict[str, Any]:
    """Every step the grader grades, from the student's values, in the answers-file layout."""
    layers: dict[int, dict[str, Any]] = {1: {}, 2: {}}
    document: dict[str, Any] = {"layers": layers}
    for name, layer in slipref.claimed(net):
        value = values[(name, layer)]
        if name in PER_UNIT:  # (1, k) for the one observation: (k,) as `run` shows it
            value = value[0]
        if layer is None:
            document[name] = _text(value)
        else:
            layers[layer][name] = _text(value)
    return document


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("class")
    roster = _roster(work)
    code, _out, err = invoke(
        "variants", "reference-2-3-1", "--roster", str(roster), "--seed", str(SEED),
        "-o", str(work / "class"), "-f", "markdown", "-f", "latex", "--export", "moodle",
    )  # fmt: skip
    assert code == 0, err
    with open(work / "class" / "manifest.csv", encoding="utf-8") as stream:
        manifest = list(csv.DictReader(stream))
    answers = work / "answers"
    answers.mkdir()
    variants = {row["id"]: row["variant"] for row in manifest}
    for number, row in enumerate(manifest, start=1):
        if number == MISSING:
            continue
        net = _net(work / "class" / row["spec"])
        code_name = PLANTED.get(number)
        values = slipref.solve(net, SLIPS[code_name] if code_name else None)
        document = _answers(net, values)
        document["student"] = row["id"]
        document["variant"] = variants["s01"] if number == WRONG_VARIANT else row["variant"]
        (answers / f"{row['id']}.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    stranger = yaml.safe_load((answers / "s01.yaml").read_text(encoding="utf-8"))
    stranger["student"] = "zz99"
    (answers / "zz99.yaml").write_text(yaml.safe_dump(stranger), encoding="utf-8")
    code, summary, err = invoke(
        "grade", str(answers), "--manifest", str(work / "class" / "manifest.csv"),
        "-o", str(work / "graded"), columns=80,
    )  # fmt: skip
    return {"work": work, "manifest": manifest, "code": code, "summary": summary, "err": err}


def test_every_student_has_a_variant_of_their_own(session: dict[str, Any]) -> None:
    manifest = session["manifest"]
    assert [row["id"] for row in manifest] == [f"s{n:02d}" for n in range(1, 31)]
    assert len({row["hash"] for row in manifest}) == STUDENTS
    folder = session["work"] / "class"
    specs = {(folder / row["spec"]).read_text(encoding="utf-8") for row in manifest}
    assert len(specs) == STUDENTS
    for row in manifest:
        for column in ("spec", "statement", "solution"):
            assert (folder / row[column]).is_file()
        exercise = backcalc.load(folder / row["spec"])
        assert exercise.answer_decimals == 3
        assert "Estudiante" in (folder / row["statement"]).read_text(encoding="utf-8")
    for name in ("key.md", "key.tex", "manifest.json", "answers.csv", "moodle.xml"):
        assert (folder / name).is_file()


def test_the_same_seed_gives_each_student_the_same_variant_in_any_roster_order(
    session: dict[str, Any], tmp_path: Path
) -> None:
    order = list(range(STUDENTS))
    random.Random(1).shuffle(order)
    roster = _roster(tmp_path, order)
    code, _, err = invoke(
        "variants", "reference-2-3-1", "--roster", str(roster), "--seed", str(SEED),
        "-o", str(tmp_path / "again"),
    )  # fmt: skip
    assert code == 0, err
    with open(tmp_path / "again" / "manifest.csv", encoding="utf-8") as stream:
        again = {row["id"]: row for row in csv.DictReader(stream)}
    first = session["work"] / "class"
    for row in session["manifest"]:
        other = again[row["id"]]
        assert (other["variant"], other["hash"], other["seed"]) == (
            row["variant"],
            row["hash"],
            row["seed"],
        )
        assert (tmp_path / "again" / other["spec"]).read_text() == (first / row["spec"]).read_text()


def test_grade_names_each_students_slip(session: dict[str, Any]) -> None:
    assert session["code"] == 1, session["err"]  # 1: the stranger's answers graded against nothing
    graded = json.loads((session["work"] / "graded" / "grades.json").read_text())
    students = {student["id"]: student for student in graded["students"]}
    for number in range(1, STUDENTS + 1):
        ident = f"s{number:02d}"
        if number == MISSING:
            assert ident not in students or students[ident]["score"] is None
            continue
        student = students[ident]
        if number in PLANTED:
            assert student["diagnosis"]["code"] == PLANTED[number], ident
            step = SLIPS[PLANTED[number]].step
            assert (student["first_wrong"]["quantity"], student["first_wrong"]["layer"]) == step
            assert student["score"] < student["possible"]
        else:
            assert student["first_wrong"] is None, ident
            assert student["score"] == student["possible"] == 15, ident  # ŷ, ℓ, ∂J/∂x: 0


def test_the_summary_names_the_most_common_slip_and_lists_who_is_off(
    session: dict[str, Any],
) -> None:
    summary = session["summary"]
    assert "6 of 29: forgetting g'(z) at δ⁽¹⁾" in summary
    assert max(len(line) for line in summary.splitlines()) <= 80
    graded = json.loads((session["work"] / "graded" / "grades.json").read_text())
    assert graded["missing"] == ["s30"]
    assert [u["student"] for u in graded["unknown"]] == ["zz99"]
    assert [w["student"] for w in graded["wrong_variant"]] == ["s07"]
    for text in ("s30", "zz99", "s07"):
        assert text in summary


def test_the_gradebook_and_canvas_import_have_every_roster_student(
    session: dict[str, Any],
) -> None:
    graded = session["work"] / "graded"
    with open(graded / "gradebook.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == [
        "student_id", "name", "variant", "score", "possible", "first_wrong", "diagnosis"
    ]  # fmt: skip
    assert [row["student_id"] for row in rows] == [f"s{n:02d}" for n in range(1, 31)]
    by_id = {row["student_id"]: row for row in rows}
    assert by_id["s30"]["score"] == ""
    assert by_id["s01"]["score"] == by_id["s01"]["possible"] == "15"
    assert float(by_id["s02"]["score"]) < 15
    assert by_id["s02"]["diagnosis"]
    with open(graded / "canvas.csv", encoding="utf-8") as stream:
        canvas = list(csv.reader(stream))
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    people = [row for row in canvas[1:] if row[0] != "Points Possible"]
    assert [row[2] for row in people] == [f"s{n:02d}" for n in range(1, 31)]
    assert people[0][:5] == ["Estudiante 1", "", "s01", "s01@uni.es", "B"]
    assert people[-1][5] == ""  # the missing student: an empty score
