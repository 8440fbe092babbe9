"""The diagram in the documents: TikZ in LaTeX (and PDF) with --diagram only, SVG in HTML by
default; both compile or parse, and the LaTeX without it needs no TikZ."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from tests.helpers import compile_latex, invoke


@pytest.mark.parametrize("name", ["reference-2-3-1", "cs231n-circuit"])
def test_latex_draws_the_diagram_only_when_asked(name: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, plain, _ = invoke("run", name, "-f", "latex")
    assert "tikz" not in plain
    code, drawn, err = invoke("run", name, "-f", "latex", "--diagram", "--lang", "es")
    assert code == 0, err
    assert r"\usepackage{tikz}" in drawn and drawn.count(r"\begin{tikzpicture}") == 2
    if shutil.which("pdflatex"):
        (tmp_path / "doc.tex").write_text(drawn, encoding="utf-8")
        code, errors = compile_latex(tmp_path, "doc.tex")
        assert (code, errors) == (0, [])
        log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
        assert "Overfull" not in log


def test_html_draws_the_diagram_by_default_and_not_when_told() -> None:
    _, page, _ = invoke("run", "reference-2-3-1", "-f", "html")
    root = ET.fromstring(page.split("\n", 1)[1])  # after <!DOCTYPE html>
    svgs = root.findall(".//{http://www.w3.org/2000/svg}svg")
    assert len(svgs) == 2
    _, page, _ = invoke("run", "reference-2-3-1", "-f", "html", "--no-diagram")
    assert "<svg" not in page


def test_the_statement_diagram_is_in_the_sheet() -> None:
    _, sheet, _ = invoke(
        "run", "reference-2-3-1", "-f", "latex", "--diagram", "--part", "statement"
    )
    assert sheet.count(r"\begin{tikzpicture}") == 1
