"""Rosters and manifests: read as written, every bad row located, nothing silently dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcalc.io import manifest, roster
from backcalc.io.roster import RosterError


def test_a_roster_reads_its_columns_in_any_case_and_order() -> None:
    text = "Email ; ID;Name;Section;LMS extra\nana@uni.es;a1;Ana Pérez;A;x\n\nb@u.es;b2;Bruno;B;y\n"
    students = roster.parse(text, "students.csv")
    assert [(s.id, s.name, s.email, s.section, s.line) for s in students] == [
        ("a1", "Ana Pérez", "ana@uni.es", "A", 2),
        ("b2", "Bruno", "b@u.es", "B", 4),
    ]


def test_a_spanish_roster_names_its_columns_in_spanish() -> None:
    (student,) = roster.parse("ID;Nombre;Correo;Grupo\na1;Ana;a@u.es;B\n", "s.csv")
    assert (student.id, student.name, student.email, student.section) == (
        "a1",
        "Ana",
        "a@u.es",
        "B",
    )


def test_only_the_id_is_required() -> None:
    (student,) = roster.parse("\ufeffid\n  7  \n", "s.csv")
    assert (student.id, student.name, student.email, student.section) == ("7", "", "", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "s.csv:1: empty: expected a header with 'id'"),
        ("name,email\nAna,a@b\n", "s.csv:1: the header has no 'id' column (found 'name', 'email')"),
        ("id,name\na1,Ana\n,Bruno\n", "s.csv:3: id: empty: every row needs one"),
        ("id,name\na1,Ana\nb2,Bruno\na1,Otra\n", "s.csv:4: id 'a1' is already on line 2"),
        ("id,name\na1,Ana,extra\n", "s.csv:2: 3 cells, but the header names 2 columns"),
        ("id,id\na,b\n", "s.csv:1: the header names 'id' twice"),
        ("id\n", "s.csv:1: no students: the header is the only line"),
        ('id,name\na1,"Ana\n', "s.csv:2: not a CSV row"),
    ],
)
def test_bad_rosters_are_located(text: str, message: str) -> None:
    with pytest.raises(RosterError) as caught:
        roster.parse(text, "s.csv")
    assert str(caught.value).startswith(message)


def test_a_quoted_multiline_cell_keeps_the_next_rows_lines() -> None:
    text = 'id,name\na1,"Ana\nPérez"\n,Bruno\n'
    with pytest.raises(RosterError, match=r"^s.csv:4: id: empty"):
        roster.parse(text, "s.csv")


def test_slug() -> None:
    assert roster.slug("Ana Pérez Núñez") == "ana-perez-nunez"
    assert roster.slug("  O'Brien, José-María ") == "o-brien-jose-maria"
    assert roster.slug("李") == ""


def _manifest(folder: Path) -> manifest.Manifest:
    entries = (
        manifest.Entry("a1", "Ana, la 1ª", "a@u.es", "A", "v3f9a2c", 12, "ab" * 8, "specs/x.yaml"),
        manifest.Entry("b2", "", "", "", "v01", 2**63, "cd" * 8, "specs/y.yaml", "s.md", "k.md"),
    )
    return manifest.Manifest(entries, folder, template="t.yaml", seed=7, decimals=3)


@pytest.mark.parametrize("name", ["manifest.csv", "manifest.json"])
def test_a_manifest_reads_back_what_was_written(tmp_path: Path, name: str) -> None:
    written = manifest.write(_manifest(tmp_path), force=False)
    assert [p.name for p in written] == ["manifest.csv", "manifest.json"]
    back = manifest.read(tmp_path / name)
    expected = _manifest(tmp_path).entries
    assert [e.row() for e in back.entries] == [e.row() for e in expected]
    assert back.path("specs/x.yaml") == tmp_path / "specs" / "x.yaml"
    if name.endswith(".json"):
        assert (back.template, back.seed, back.decimals) == ("t.yaml", 7, 3)
    else:
        assert [e.line for e in back.entries] == [2, 3]


def test_a_manifest_is_not_overwritten(tmp_path: Path) -> None:
    manifest.write(_manifest(tmp_path), force=False)
    with pytest.raises(Exception, match="exists"):
        manifest.write(_manifest(tmp_path), force=False)
    manifest.write(_manifest(tmp_path), force=True)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("a1,,,,v1,x,h,s.yaml,,", "m.csv:2: seed: expected a whole number, found 'x'"),
        ("a1,,,,,1,h,s.yaml,,", "m.csv:2: variant: empty"),
        ("a1,,,,v1,1,h,../s.yaml,,", "m.csv:2: spec: '../s.yaml' is outside the manifest's folder"),
        ("a1,,,,v1,1,h,/etc/s.yaml,,", "m.csv:2: spec: '/etc/s.yaml' is outside"),
        ("a1,,,,v1,1,h,,,", "m.csv:2: spec: empty"),
    ],
)
def test_bad_manifest_rows_are_located(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "m.csv"
    path.write_text(",".join(manifest.COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        manifest.read(path, "m.csv")
    assert str(caught.value).startswith(message)


def test_a_manifest_gives_every_id_once(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    rows = ["a1,,,,v1,1,h,s.yaml,,", "a1,,,,v2,1,h,t.yaml,,"]
    path.write_text(",".join(manifest.COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(RosterError, match=r"^m.csv:3: id 'a1' is given twice, first on line 2"):
        manifest.read(path, "m.csv")
