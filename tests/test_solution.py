"""Step-by-step solutions: golden files for every example in both languages and formats, the
LaTeX compiled with pdflatex, the Markdown rendered by KaTeX in strict mode and held to GitHub's
rules, hand rounding against the figures the course notes print, and the output options.

Regenerate the golden files (only on purpose) with BACKCALC_REGENERATE_GOLDEN=1 pytest."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from backcalc.core.network import run
from backcalc.io import examples
from backcalc.io.spec import read
from tests.helpers import assert_text_golden, compile_latex, invoke

GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = [e.name for e in examples.all_examples()]
ROOT = Path(__file__).resolve().parent.parent
EXCERPTED = ["digits-64-15-10"]  # too long to review whole: tested on an excerpt (see below)


def document(name: str, lang: str, fmt: str, *extra: str) -> str:
    code, out, err = invoke("run", name, "--format", fmt, "--lang", lang, *extra)
    assert (code, err) == (0, ""), err
    return out


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", [name for name in EXAMPLES if name not in EXCERPTED])
def test_golden(name: str, lang: str, fmt: str) -> None:
    path = GOLDEN / f"{name}.{lang}.{'md' if fmt == 'markdown' else 'tex'}"
    text = document(name, lang, fmt)
    if os.environ.get("BACKCALC_REGENERATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs (regenerate on purpose)"


# -- an excerpt for a document too long to review (digits: ~700 lines of 1797×64 matrices) ---

# the headings that cut the excerpt: the statement and the forward pass up to the end of its
# first layer, then the summary to the end
CUTS = {
    "en": ("Forward pass", "Layer 1 (hidden)", "Summary"),
    "es": ("Paso hacia adelante", "Capa 1 (oculta)", "Resumen"),
}
HEADING = {
    "markdown": re.compile(r"(#{2,3}) (.+)"),
    "latex": re.compile(r"\\((?:sub)?)section\*\{(.+)\}"),
}
OMITTED = {"markdown": "<!-- left out: {} -->", "latex": "% left out: {}"}


def excerpt(text: str, lang: str, fmt: str) -> str:
    """The lines from the start to the heading after the forward pass's first layer, a comment
    naming the headings of what is left out, and the lines from the summary's heading on."""
    forward, layer_1, summary = CUTS[lang]
    lines = text.splitlines(keepends=True)
    headings: list[tuple[int, int, str]] = []  # (line, level 2 or 3, heading text)
    for number, line in enumerate(lines):
        match = HEADING[fmt].fullmatch(line.rstrip("\n"))
        if match:
            level = len(match[1]) if fmt == "markdown" else 2 + len(match[1]) // 3
            headings.append((number, level, match[2]))
    texts = [(level, heading) for _, level, heading in headings]
    assert texts.count((2, forward)) == 1 and texts.count((2, summary)) == 1, texts
    start = texts.index((2, forward))
    assert texts[start + 1] == (3, layer_1), texts
    cut, back = headings[start + 2][0], headings[texts.index((2, summary))][0]
    assert cut < back, texts
    sections: list[tuple[str, list[str]]] = [(forward, [])]  # what is left out, by section
    for number, level, heading in headings:
        if cut <= number < back:
            if level == 2:
                sections.append((heading, []))
            else:
                sections[-1][1].append(heading)
    left_out = " · ".join(
        f"{head} › {', '.join(subs)}" if subs else head for head, subs in sections
    )
    marker = OMITTED[fmt].format(left_out) + "\n"
    return "".join([*lines[:cut], marker, "\n", *lines[back:]])


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", EXCERPTED)
def test_golden_excerpt(name: str, lang: str, fmt: str) -> None:
    text = document(name, lang, fmt)
    part = excerpt(text, lang, fmt)
    assert len(part.splitlines()) < len(text.splitlines()) / 2
    path = GOLDEN / f"{name}.excerpt.{lang}.{'md' if fmt == 'markdown' else 'tex'}"
    assert_text_golden(path, part)


def test_every_document_golden_file_is_tested() -> None:
    expected = {
        f"{name}{'.excerpt' if name in EXCERPTED else ''}.{lang}.{ext}"
        for name in EXAMPLES
        for lang in ("en", "es")
        for ext in ("md", "tex")
    }
    assert sorted(p.name for p in GOLDEN.glob("*.*")) == sorted(expected)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_latex_compiles(name: str, lang: str, tmp_path: Path) -> None:
    (tmp_path / "solution.tex").write_text(document(name, lang, "latex"), encoding="utf-8")
    code, errors = compile_latex(tmp_path, "solution.tex")
    assert code == 0, errors
    assert (tmp_path / "solution.pdf").stat().st_size > 10_000


@pytest.mark.parametrize("width", [15, 30])
def test_wide_matrices_compile(width: int, tmp_path: Path) -> None:
    """amsmath stops at 10 columns unless MaxMatrixCols is raised: 15 narrow ones must work
    (they fit the page); 30 are more than a page holds, so a corner is shown with ellipses."""
    weights = list(range(width))
    spec = tmp_path / "wide.yaml"
    layers = f"layers: [{{weights: [{weights}]}}]\n"
    spec.write_text(f"input: {[1.0] * width}\ntarget: 1\n{layers}loss: half_squared_error\n")
    latex = document(str(spec), "en", "latex")
    assert "\\setcounter{MaxMatrixCols}{20}" in latex
    whole = " & ".join(str(w) for w in weights)  # the given row, all of it
    assert (whole in latex) == (width <= 20)
    assert "\\cdots" in latex  # the gradients, four decimals each, are wider than the page
    if shutil.which("pdflatex"):
        (tmp_path / "wide.tex").write_text(latex)
        code, errors = compile_latex(tmp_path, "wide.tex")
        assert code == 0, errors


def math_blocks(markdown: str) -> list[str]:
    return re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, flags=re.S | re.M)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_markdown_keeps_githubs_rules(name: str, lang: str) -> None:
    markdown = document(name, lang, "markdown")
    blocks = math_blocks(markdown)
    assert blocks
    assert markdown.count("$$") == 2 * len(blocks)  # every $$ on a line of its own
    for block in blocks:
        for forbidden in ("\\,", "\\;", "\\{", "\\}", "\\!", "\\:"):
            assert forbidden not in block, (forbidden, block)
        for line in block.splitlines():
            assert "\\\\" not in line.rstrip().removesuffix("\\\\"), line  # \\ only at line ends


def katex_path() -> str | None:
    for folder in (os.environ.get("KATEX_DIR"), str(ROOT / ".ci" / "katex" / "node_modules")):
        if folder and (Path(folder) / "katex").is_dir():
            return folder
    return None


@pytest.mark.skipif(shutil.which("node") is None or katex_path() is None, reason="no node + katex")
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_markdown_renders_in_katex_strict(name: str, lang: str) -> None:
    result = subprocess.run(
        ["node", str(Path(__file__).parent / "katex_check.js")],
        input=document(name, lang, "markdown"),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NODE_PATH": katex_path() or ""},
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- numbers agree with the tables, and the notes' conventions --------------------------------


def test_numbers_agree_with_the_tables_digit_for_digit() -> None:
    _, table, _ = invoke("run", "reference-2-3-1", "--decimals", "3")
    markdown = document("reference-2-3-1", "en", "markdown", "--decimals", "3")
    for number in ("0.879", "0.953", "0.898", "-4.477", "0.048", "-0.010", "0.086", "-0.162"):
        assert number in table and number in markdown, number


def test_spanish_writes_decimal_commas_and_the_notes_words() -> None:
    markdown = document("reference-2-3-1", "es", "markdown")
    assert "## Paso hacia adelante" in markdown and "## Paso hacia atrás" in markdown
    assert "0{,}0476" in markdown and "0.0476" not in markdown
    latex = document("reference-2-3-1", "es", "latex")
    assert "0{,}0476" in latex
    assert "0.0476" in document("reference-2-3-1", "es", "markdown", "--decimal-point")
    _, table, _ = invoke("run", "reference-2-3-1", "--lang", "es")
    assert "Paso hacia adelante" in table and "0,0476" in table
    _, table, _ = invoke("run", "reference-2-3-1", "--decimal-comma")
    assert "Forward pass" in table and "0,0476" in table


def test_backcalc_lang_environment_variable() -> None:
    _, out, _ = invoke("run", "reference-2-3-1", env={"BACKCALC_LANG": "es"})
    assert "Paso hacia atrás" in out
    _, out, _ = invoke("check", "reference-2-3-1", env={"BACKCALC_LANG": "es"})
    assert "Verificación de gradientes" in out and "CORRECTO" in out


def test_check_report_in_spanish() -> None:
    code, out, _ = invoke("check", "reference-2-3-1", "-a", "reference-2-3-1-hand", "--lang", "es")
    assert code == 1
    words = " ".join(out.split())
    assert (
        "El primer paso erróneo: δ⁽¹⁾ Valor dado: δ⁽¹⁾[1] = 0,21; el valor correcto es 0,048."
        in words
    )
    assert "Qué falló: δ = z ⊙ g'(z)" in words and "Puntuación: 15 de 16." in words


def test_summary_is_a_table_in_latex() -> None:
    latex = document("reference-2-3-1", "en", "latex")
    assert latex.startswith("\\documentclass") and latex.rstrip().endswith("\\end{document}")
    summary = latex[latex.index("\\section*{Summary}") :]
    assert "\\begin{tabular}" in summary and "\\boxed" not in summary
    assert "$\\displaystyle \\frac{\\partial J}{\\partial W^{(1)}}" in summary
    assert "lmodern" not in latex and "siunitx" not in latex


# -- hand rounding -----------------------------------------------------------------------------


def test_hand_rounding_gives_the_notes_figures_up_to_their_unrounded_g_prime() -> None:
    """Issue 5, as issues 12 and 13 amend it: at 3 decimals, ŷ = 0.522, J = 10.026, ∂J/∂ŷ =
    −4.478, the notes' own figures; then g'(z⁽²⁾) = 0.522 · 0.478 = 0.250 where the notes print
    an unrounded 0,249, so ∂J/∂W⁽²⁾ = (−0.984, −1.067, −1.006), ∂J/∂b⁽²⁾ = −1.120 and
    ∂J/∂a⁽¹⁾ = (0.448, −0.224, 0.560) (tests/test_hand_rounding.py has the rest)."""
    example = examples.find("reference-2-3-1")
    assert example is not None
    trace = run(read(example.path), hand_decimals=3)
    layer1, layer2 = trace.layers
    assert trace.prediction[0, 0] == 0.522
    assert trace.loss == 10.026
    assert layer2.dJ_da[0, 0] == -4.478
    assert layer2.g_prime[0, 0] == 0.250
    np.testing.assert_array_equal(layer2.dW[0], [-0.984, -1.067, -1.006])
    assert layer2.db is not None and layer2.db[0] == -1.120
    np.testing.assert_array_equal(layer1.dJ_da[0], [0.448, -0.224, 0.560])
    np.testing.assert_array_equal(layer1.z[0], [1.98, 3.02, 2.172])
    np.testing.assert_array_equal(layer1.a[0], [0.879, 0.953, 0.898])


def test_hand_rounding_in_every_format() -> None:
    doc = json.loads(invoke("run", "reference-2-3-1", "--hand-rounding", "3", "-f", "json")[1])
    assert doc["layers"][1]["dJ_dW"] == [[-0.984, -1.067, -1.006]]
    _, table, _ = invoke("run", "reference-2-3-1", "--hand-rounding", "3")
    assert "-1.067" in table and "rounded to 3 decimals" in table
    markdown = document("reference-2-3-1", "en", "markdown", "--hand-rounding", "3")
    assert "-1.067" in markdown and "Computed as by hand" in markdown


def test_a_hand_rounded_key_passes_check(tmp_path: Path) -> None:
    doc = json.loads(invoke("run", "reference-2-3-1", "--hand-rounding", "3", "-f", "json")[1])
    names = ("z", "a", "dJ_da", "g_prime", "delta", "dJ_dW", "dJ_db")
    key = {
        "layers": {layer["layer"]: {n: layer[n] for n in names} for layer in doc["layers"]},
        "loss": doc["loss"],
        "dJ_dx": doc["dJ_dx"],
    }
    (tmp_path / "key.yaml").write_text(json.dumps(key))
    code, out, _ = invoke("check", "reference-2-3-1", "--answers", str(tmp_path / "key.yaml"))
    assert code == 0, out


# -- output files --------------------------------------------------------------------------------


def test_output_file_is_written_and_never_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "solution.md"
    assert invoke("run", "reference-2-3-1", "-f", "markdown", "-o", str(target))[:2] == (0, "")
    first = target.read_text()
    assert first.startswith("# 2-3-1 sigmoid network")
    code, out, err = invoke("run", "reference-2-3-1", "-f", "latex", "-o", str(target))
    assert (code, out) == (
        2,
        "",
    ) and err == f"{target}: already exists; use --force to overwrite it\n"
    assert target.read_text() == first
    assert invoke("run", "reference-2-3-1", "-f", "latex", "-o", str(target), "--force")[0] == 0
    assert target.read_text().startswith("\\documentclass")
    assert [p.name for p in tmp_path.iterdir()] == ["solution.md"]  # no temporary file left


def test_output_into_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "out.md"
    code, _, err = invoke("run", "reference-2-3-1", "-o", str(target))
    assert code == 2 and err == f"{target}: the directory {target.parent} does not exist\n"
    assert not target.parent.exists()


def test_output_never_overwrites_the_input(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text("input: 1\ntarget: 1\nlayers: [{weights: 1}]\nloss: squared_error\n")
    before = spec.read_text()
    code, _, err = invoke("run", str(spec), "-o", str(spec), "--force")
    assert code == 2 and "backcalc never overwrites an input" in err
    assert spec.read_text() == before


@pytest.mark.parametrize(
    "args",
    [
        ["run", "mazur-shared-bias"],
        ["run", "mazur-shared-bias", "-f", "json"],
        ["check", "mazur-shared-bias"],
        ["check", "mazur-shared-bias", "-f", "json"],
    ],
)
def test_every_format_of_run_and_check_can_be_written(args: list[str], tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    code, out, _ = invoke(*args, "-o", str(target))
    assert (code, out) == (0, "")
    text = target.read_text()
    assert "\x1b[" not in text and text.endswith("\n")
    if "json" in args:
        json.loads(text)


SATURATED = {  # ŷ = σ(50) is exactly 1 in float64: ∂J/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ)) is infinite
    "sigmoid": "input: [1.0]\ntarget: [0]\n"
    "layers:\n  - {weights: [[50.0]], bias: [0.0], activation: sigmoid}\n"
    "loss: binary_cross_entropy\n",
    "softmax": "input: [1.0]\ntarget: [0, 1]\n"  # p₂ = e^−800/(1 + e^−800) is exactly 0
    "layers:\n  - {weights: [[400.0], [-400.0]], bias: [0.0, 0.0], activation: softmax}\n"
    "loss: cross_entropy\n",
}
INFINITE_NOTE = {
    "en": "is infinite where $\\hat{y}$ is exactly 0 or 1 (written $\\infty$)",
    "es": "es infinita donde $\\hat{y}$ vale exactamente 0 o 1 (se escribe $\\infty$)",
}


@pytest.mark.parametrize("output", sorted(SATURATED))
@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_infinite_output_gradient_is_explained(output: str, lang: str, tmp_path: Path) -> None:
    spec = tmp_path / "saturated.yaml"
    spec.write_text(SATURATED[output], encoding="utf-8")
    for fmt in ("markdown", "latex"):
        text = document(str(spec), lang, fmt)
        assert "\\infty" in text  # ∂J/∂ŷ itself, then the sentence that says why
        assert INFINITE_NOTE[lang] in text, fmt
        assert text.index("\\infty") < text.index(INFINITE_NOTE[lang])
    finite = document("binary-cross-entropy", lang, "markdown")
    assert INFINITE_NOTE[lang] not in finite
    if shutil.which("pdflatex"):
        (tmp_path / "saturated.tex").write_text(document(str(spec), lang, "latex"), "utf-8")
        code, errors = compile_latex(tmp_path, "saturated.tex")
        assert code == 0, errors
