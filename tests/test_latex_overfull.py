"""Every network example's LaTeX fits the page: compiled with pdflatex (skipped where it is not
installed), in both languages, exactly and with --hand-rounding 3, its log has no
`Overfull \\hbox (X pt too wide)` with X over 1 pt. And the width estimate that decides what to
summarise (render/document/texwidth) is never below what TeX measures, on the lines that count."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from backcalc import api
from backcalc.io import examples
from backcalc.render.document.texwidth import PAGE, width
from tests.helpers import invoke

NETWORKS = [e.name for e in examples.all_examples() if api.load(str(e.path)).kind == "network"]
OVERFULL = re.compile(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)")
HAS_PDFLATEX = shutil.which("pdflatex") is not None


def pdflatex(folder: Path, name: str) -> str:
    """pdflatex on `folder/name` in nonstop mode; the log's text."""
    subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", name],
        cwd=folder,
        capture_output=True,
        timeout=300,
        check=False,
    )
    return (folder / name).with_suffix(".log").read_text(encoding="utf-8", errors="replace")


def overfull(log: str) -> list[float]:
    return [float(points) for points in OVERFULL.findall(log)]


def test_the_log_reader_finds_an_overfull_box() -> None:
    log = "Overfull \\hbox (632.00919pt too wide) detected at line 599\n[][]\n"
    assert overfull(log) == [632.00919]
    assert overfull("Underfull \\hbox (badness 10000)") == []


def test_the_examples_include_the_large_network() -> None:
    assert "digits-64-15-10" in NETWORKS and "reference-2-3-1" in NETWORKS
    assert "cs231n-circuit" not in NETWORKS  # a computational graph


@pytest.mark.skipif(not HAS_PDFLATEX, reason="pdflatex is not installed")
@pytest.mark.parametrize("rounding", [[], ["--hand-rounding", "3"]], ids=["exact", "hand"])
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", NETWORKS)
def test_no_overfull_box(name: str, lang: str, rounding: list[str], tmp_path: Path) -> None:
    code, out, err = invoke("run", name, "--format", "latex", "--lang", lang, *rounding)
    assert (code, err) == (0, "")
    (tmp_path / "solution.tex").write_text(out, encoding="utf-8")
    log = pdflatex(tmp_path, "solution.tex")
    assert (tmp_path / "solution.pdf").is_file(), log[-2000:]
    too_wide = [points for points in overfull(log) if points > 1.0]
    assert not too_wide, f"{name} ({lang}, {rounding}): overfull by {too_wide} pt"


# -- the estimate ---------------------------------------------------------------------------------

SNIPPETS = [
    r"-0{,}2336",
    r"\frac{\partial J}{\partial W^{(1)}}",
    r"\begin{pmatrix} -0{,}2336 & -0{,}1974 \\ 1 & 2 \end{pmatrix}",
    r"{\underbrace{\begin{pmatrix} 0.3458 & 0.6154 & 0.4983 & \cdots & 0.1649 \\ "
    r"\vdots & \vdots & \vdots & \ddots & \vdots \\ "
    r"0.4441 & 0.6375 & 0.6340 & \cdots & 0.1668 \end{pmatrix}}_{1797 \times 15}}",
    r"\frac{1}{e^{0{,}5067} + e^{-0{,}3700} + e^{0{,}8043}} "
    r"\begin{pmatrix} e^{0{,}5067} \\ e^{-0{,}3700} \\ e^{0{,}8043} \end{pmatrix}",
    r"\sigma(z^{(1)}) \odot (1 - \sigma(z^{(1)})) = a^{(1)} \odot (1 - a^{(1)})",
    r"(-4{,}478) \cdot 0{,}250 + \mathbf{1}(z^{(1)} > 0)",
    r"\begin{pmatrix} 0{,}5 & -0{,}2 & 0{,}3 & 0{,}1 & -0{,}4 & 0{,}6 & 0{,}1 & 0{,}2 & "
    r"0{,}1 & -0{,}3 \end{pmatrix}",
]


@pytest.mark.skipif(not HAS_PDFLATEX, reason="pdflatex is not installed")
def test_the_width_estimate_is_never_below_what_tex_measures(tmp_path: Path) -> None:
    lines = [
        r"\documentclass[11pt]{article}\usepackage{amsmath,amssymb}",
        r"\usepackage[a4paper,margin=2.2cm]{geometry}\begin{document}",
        r"\typeout{TEXTWIDTH=\the\textwidth}",
    ]
    for index, snippet in enumerate(SNIPPETS):
        lines.append(rf"\setbox0\hbox{{$\displaystyle {snippet}$}}\typeout{{W{index}=\the\wd0}}")
    (tmp_path / "measure.tex").write_text("\n".join([*lines, r"\end{document}"]), "utf-8")
    log = pdflatex(tmp_path, "measure.tex")
    textwidth = float(re.search(r"TEXTWIDTH=([\d.]+)pt", log)[1])  # type: ignore[index]
    assert abs(textwidth - PAGE) < 1, "PAGE is the LaTeX document's text width"
    measured = {int(i): float(w) for i, w in re.findall(r"W(\d+)=([\d.]+)pt", log)}
    assert len(measured) == len(SNIPPETS)
    for index, snippet in enumerate(SNIPPETS):
        estimate = width(snippet)
        assert estimate >= measured[index], (snippet, estimate, measured[index])
        assert estimate <= 1.35 * measured[index] + 5, (snippet, estimate, measured[index])
