"""`backcalc variants`: its options, its files and its refusals (one located line, exit 2,
nothing written)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import backcalc
from backcalc.cli.variants import variant_id
from tests.helpers import compile_latex, invoke


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_count_gives_v01_to_vn_with_their_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(
        "variants", "reference-2-3-1", "--count", "3", "--seed", "5", "-o", "c", columns=80
    )  # fmt: skip
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "3 variants of reference-2-3-1.yaml (seed 5, answers at 3 decimals)" in out
    stems = ["v01", "v02", "v03"]
    expected = [f"{folder}/{s}.{ext}" for folder, ext in (("solutions", "md"), ("specs", "yaml"),
                ("statements", "md")) for s in stems]  # fmt: skip
    assert _files(tmp_path / "c") == sorted(
        [*expected, "answers.csv", "key.md", "manifest.csv", "manifest.json"]
    )
    with open(tmp_path / "c" / "manifest.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["id"], r["variant"], r["name"]) for r in rows] == [(s, s, "") for s in stems]
    statement = (tmp_path / "c" / "statements" / "v02.md").read_text(encoding="utf-8")
    assert "\nv02\n" in statement and "Give every result with 3 decimals." in statement


def test_a_roster_names_the_files_and_the_variant_ids_come_from_the_seed(tmp_path: Path) -> None:
    roster = tmp_path / "s.csv"
    roster.write_text("id;name\nx7;José María Núñez\n", encoding="utf-8")
    code, _, err = invoke(
        "variants", "sigmoid-neuron", "--roster", str(roster), "--seed", "9",
        "-o", str(tmp_path / "c"), "--decimals", "4", "-f", "latex", "--lang", "es",
    )  # fmt: skip
    assert code == 0, err
    stem = f"{variant_id(9, 'x7', 'sigmoid-neuron')}-jose-maria-nunez"
    spec = tmp_path / "c" / "specs" / f"{stem}.yaml"
    assert backcalc.load(spec).answer_decimals == 4
    tex = tmp_path / "c" / "statements" / f"{stem}.tex"
    assert "Expresar cada resultado con 4 decimales." in tex.read_text(encoding="utf-8")
    code, overfull = compile_latex(tex.parent, tex.stem)
    assert code == 0 and not overfull
    assert (tmp_path / "c" / "key.tex").is_file()


@pytest.mark.parametrize("template", ["cs231n-circuit", "batch-relu-softmax-row", "relu-kink"])
def test_other_templates_work(tmp_path: Path, template: str) -> None:
    code, _, err = invoke("variants", template, "--count", "4", "-o", str(tmp_path / "c"))
    assert code == 0, err
    with open(tmp_path / "c" / "manifest.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len({row["hash"] for row in rows}) == 4
    for row in rows:  # each spec runs as it is
        assert invoke("run", str(tmp_path / "c" / row["spec"]))[0] == 0


def test_a_new_seed_is_printed(tmp_path: Path) -> None:
    code, out, err = invoke("variants", "sigmoid-neuron", "--count", "1", "-o", str(tmp_path))
    assert code == 0, err
    assert "give --seed" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "2", "--roster", "r.csv"], "give either --count N or --roster FILE"),
        ([], "give either --count N or --roster FILE"),
        (["--roster", "missing.csv"], "missing.csv: no such file"),
        (["--roster", "dup.csv"], "dup.csv:3: id 'a' is already on line 2"),
    ],
)
def test_refusals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("r.csv").write_text("id\na\n", encoding="utf-8")
    Path("dup.csv").write_text("id\na\na\n", encoding="utf-8")
    code, out, err = invoke("variants", "reference-2-3-1", *args, "-o", "out")
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert out == "" and not Path("out").exists()


def test_a_bad_vary_section_is_located(tmp_path: Path) -> None:
    spec = tmp_path / "t.yaml"
    text = (Path(backcalc.__file__).parent / "examples" / "reference-2-3-1.yaml").read_text()
    spec.write_text(text + "vary:\n  weights: {range: [1, -1]}\n", encoding="utf-8")
    code, _, err = invoke("variants", str(spec), "--count", "2", "-o", str(tmp_path / "o"))
    assert code == 2
    assert err.startswith(f"{spec}:") and "vary.weights.range" in err
    assert not (tmp_path / "o").exists()


def test_nothing_is_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "c"
    assert (
        invoke("variants", "sigmoid-neuron", "--count", "2", "--seed", "1", "-o", str(out))[0] == 0
    )
    key = (out / "key.md").read_text(encoding="utf-8")
    (out / "key.md").write_text("my notes", encoding="utf-8")
    code, _, err = invoke(
        "variants", "sigmoid-neuron", "--count", "2", "--seed", "2", "-o", str(out)
    )
    assert code == 2 and "exists" in err
    assert (out / "key.md").read_text(encoding="utf-8") == "my notes"
    args = ("variants", "sigmoid-neuron", "--count", "2", "--seed", "1", "-o", str(out), "--force")
    assert invoke(*args)[0] == 0
    assert (out / "key.md").read_text(encoding="utf-8") == key


def test_the_roster_is_never_overwritten(tmp_path: Path) -> None:
    roster = tmp_path / "manifest.csv"  # a roster where the manifest would go
    roster.write_text("id\na\n", encoding="utf-8")
    code, _, _ = invoke(
        "variants", "sigmoid-neuron", "--roster", str(roster), "-o", str(tmp_path), "--force"
    )
    assert code == 2
    assert roster.read_text(encoding="utf-8") == "id\na\n"


def test_the_answer_sheet_filled_in_for_some_students_grades_the_rest_as_missing(
    tmp_path: Path,
) -> None:
    """The answers.csv `variants` writes, one row filled in with the variant's values (from
    `run --format json`, written with 3 decimals), the others left blank."""
    import json
    import re

    folder = tmp_path / "c"
    assert (
        invoke("variants", "reference-2-3-1", "--count", "3", "--seed", "3", "-o", str(folder))[0]
        == 0
    )
    with open(folder / "answers.csv", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    header, first = rows[0], rows[1]
    values = json.loads(invoke("run", str(folder / "specs" / "v01.yaml"), "-f", "json")[1])
    for index, column in enumerate(header[2:], start=2):
        name, layer, _, where = re.fullmatch(r"([A-Za-z_]+?)(\d*)(\[(.*)\])?", column).groups()
        value = values["layers"][int(layer) - 1][name] if layer else values[name]
        for i in [int(n) - 1 for n in where.split(",")] if where else []:
            value = value[i]
        first[index] = f"{value:.3f}"
    with open(folder / "answers.csv", "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    code, _, err = invoke(
        "grade", str(folder / "answers.csv"), "--manifest", str(folder / "manifest.csv"),
        "-o", str(tmp_path / "g"),
    )  # fmt: skip
    assert code == 0, err
    with open(tmp_path / "g" / "gradebook.csv", encoding="utf-8") as stream:
        book = {row["student_id"]: row for row in csv.DictReader(stream)}
    assert book["v01"]["score"] == book["v01"]["possible"]
    assert book["v02"]["score"] == book["v03"]["score"] == ""


def test_force_replaces_an_earlier_set_whole(tmp_path: Path) -> None:
    """A set for fewer students (or formats) over an earlier one leaves none of the earlier
    set's files behind; a file that is not the set's own stays."""
    out = tmp_path / "c"
    first = ("variants", "sigmoid-neuron", "--count", "4", "-o", str(out), "-f", "markdown")
    assert invoke(*first, "-f", "latex")[0] == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    code, said, _ = invoke("variants", "sigmoid-neuron", "--count", "2", "-o", str(out), "--force")
    assert code == 0
    said = " ".join(said.split())  # wrapped to the terminal
    # v03, v04 in markdown (6), every LaTeX statement and solution (8), key.tex
    assert "15 files of the earlier set in the folder, which this one has not, were removed" in said
    assert _files(out) == [
        "answers.csv", "key.md", "manifest.csv", "manifest.json", "notes.txt",
        "solutions/v01.md", "solutions/v02.md", "specs/v01.yaml", "specs/v02.yaml",
        "statements/v01.md", "statements/v02.md",
    ]  # fmt: skip
