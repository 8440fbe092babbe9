"""The diagrams as written: the SVG is one well-formed <svg> element with a viewBox, no script
and no outside reference, drawing the scene's text; the TikZ compiles with pdflatex in an A4
page with 2.2 cm margins without an overfull box; `run NETWORK -f dot` works on every network
example (and `dot -Tsvg` renders it), its labels the spec's weights and numpy's ∂J/∂w."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from backcalc.render import render
from backcalc.render.diagram import scene, svg, tikz
from backcalc.render.diagram.canvas import overlap
from backcalc.render.document.blocks import Figure
from backcalc.render.style import DocOptions, Style, style_for
from tests.helpers import invoke
from tests.test_diagram_layout import (
    ALL,
    CASES,
    MODES,
    NETWORKS,
    NUMBER,
    _given,
    _reference_gradients,
    drawn,
    spec,
    texts,
    trace,
    written,
)

SVG = "{http://www.w3.org/2000/svg}"


def _figure(name: str, mode: str) -> Figure:
    values, gradients = MODES[mode]
    return Figure(trace(name), values, gradients)


@pytest.mark.parametrize(("name", "lang", "mode"), CASES)
def test_the_svg_is_one_self_contained_element(name: str, lang: str, mode: str) -> None:
    text = svg(_figure(name, mode), style_for(lang))
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg" and len(root.attrib["viewBox"].split()) == 4
    assert float(root.attrib["width"]) <= 800
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "rect", "polyline", "polygon", "path", "text"}
    values = [v for element in root.iter() for v in element.attrib.values()]
    assert not any("url(" in v or "href" in v or "javascript" in v for v in values)
    assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    shown = [element.text for element in root.iter(f"{SVG}text")]
    assert shown == _in_drawing_order(drawn(name, lang, mode))


def _in_drawing_order(picture: object) -> list[str]:
    """The scene's lines in the order the writers draw them: boxes, labels, other texts."""
    blocks = [box.text for box in picture.boxes]  # type: ignore[attr-defined]
    blocks += [label for edge in picture.edges for label in edge.labels]  # type: ignore[attr-defined]
    blocks += list(picture.texts)  # type: ignore[attr-defined]
    return [line.plain for block in blocks for line in block.lines]


def test_overlap_sees_turned_rectangles() -> None:
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
    diamond = [(3.0, 1.0), (4.0, 0.0), (5.0, 1.0), (4.0, 2.0)]
    assert not overlap(square, diamond)
    assert overlap(square, [(x - 1.5, y) for x, y in diamond])
    assert not overlap(square, [(2.5, -1.0), (3.5, 3.0)])  # a segment beside it
    assert overlap(square, [(-1.0, 1.0), (3.0, 1.0)])  # a segment through it


DOCUMENT = r"""\documentclass[11pt]{article}
\usepackage[utf8]{inputenc}
\usepackage{amsmath,amssymb}
\usepackage[a4paper,margin=2.2cm]{geometry}
\usepackage{tikz}
\setlength{\parindent}{0pt}
\begin{document}
%s
\end{document}
"""


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_tikz_compiles_without_an_overfull_box(lang: str, tmp_path: Path) -> None:
    pictures = [
        f"% {name} {mode}\n\\noindent\n{tikz(_figure(name, mode), style_for(lang))}\n\n\\clearpage"
        for name in ALL
        for mode in MODES
    ]
    (tmp_path / "d.tex").write_text(DOCUMENT % "\n".join(pictures), encoding="utf-8")
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    log = (tmp_path / "d.log").read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert result.returncode == 0 and not errors, errors[:3]
    assert "Overfull" not in log and "Underfull \\vbox" not in log
    assert f"Output written on d.pdf ({len(pictures)} pages" in log


@pytest.mark.parametrize(("name", "mode"), [(n, m) for n in ALL for m in MODES])
def test_the_tikz_is_plain_and_in_the_number_format(name: str, mode: str) -> None:
    english = tikz(_figure(name, mode), style_for("en"))
    spanish = tikz(_figure(name, mode), style_for("es"))
    assert "usetikzlibrary" not in english and english.count("\\begin{tikzpicture}") == 1
    decimals = any("," in n for t in texts(drawn(name, "es", mode)) for n in NUMBER.findall(t))
    assert ("{,}" in spanish) == decimals and "{,}" not in english
    numbers = re.findall(r"\$[^$]*\$", spanish)
    assert not any(re.search(r"\d\.\d", n) for n in numbers)


@pytest.mark.parametrize("name", NETWORKS)
def test_run_draws_every_network_example_as_dot(name: str, tmp_path: Path) -> None:
    code, out, err = invoke("run", name, "--format", "dot", "--lang", "es")
    assert (code, err) == (0, "")
    assert out.startswith("digraph backcalc {") and out.rstrip().endswith("}")
    if shutil.which("dot"):
        result = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, text=True)
        assert result.returncode == 0 and "<svg" in result.stdout, result.stderr


def test_the_dot_drawing_labels_the_edges_with_weights_and_gradients() -> None:
    code, out, _ = invoke("run", "reference-2-3-1", "--format", "dot", "--lang", "es")
    assert code == 0
    s = spec("reference-2-3-1")
    dW = _reference_gradients()
    for layer, (weights, gradient) in enumerate(
        zip((item["weights"] for item in s["layers"]), dW, strict=True)
    ):
        for unit, row in enumerate(weights):
            for source, weight in enumerate(row):
                tail = f"x{source + 1}" if layer == 0 else f"u{layer}_{source + 1}"
                label = f"{written(weight, 'es')}<br/>"
                label += f'<font color="#B3261E">{written(gradient[unit, source], "es", 4)}</font>'
                assert f'"{tail}" -> "u{layer + 1}_{unit + 1}" [ label=<{label}>,' in out
    assert '"u2_1" -> "J" [ arrowhead=none];' in out


def test_the_statement_as_dot_writes_no_computed_number() -> None:
    style = Style(style_for("es").locale, style_for("es").numbers, doc=DocOptions(part="statement"))
    out = render(trace("reference-2-3-1"), "dot", style)
    labels = re.findall(r"label=<(.*?)>[,;\]]", out)
    numbers = {n for label in labels for n in NUMBER.findall(re.sub(r"<[^>]*>", " ", label))}
    assert numbers and numbers <= _given("reference-2-3-1", "es")
    assert "∂J" not in out.replace("∂J/∂w", "")


def test_without_a_backward_step_the_dot_drawing_has_no_gradient() -> None:
    english = style_for("en")
    style = Style(english.locale, english.numbers, doc=DocOptions(only=("forward",)))
    out = render(trace("reference-2-3-1"), "dot", style)
    assert "∂J" not in out and "B3261E" not in out and "z₁⁽¹⁾ = 1.9800" in out
    z = np.array(spec("reference-2-3-1")["layers"][0]["weights"]) @ [1.8, -3.4] + [0.1, 0.5, 0.8]
    assert f"z₁⁽¹⁾ = {z[0]:.4f}" in out


def test_the_scene_is_what_both_writers_draw() -> None:
    figure = _figure("cs231n-circuit", "gradients")
    picture = scene(figure, style_for("en"))
    drawing = tikz(figure, style_for("en"))
    assert drawing.count("\\node[") == len(texts(picture))
    assert drawing.count("\\draw[") == len(picture.edges)
