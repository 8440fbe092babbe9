"""The Markdown and LaTeX writers: a user's title, description and header printed as written
(Unicode math and LaTeX's specials compile; `$...$` is math in every format), babel for the
document's language when the TeX installation has it, and pages that break where a reader
expects (a lead-in stays with its display, a derivation breaks between its lines, no page is
left half empty), checked on the PDF of every shipped example in both languages."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from backcalc.io import examples
from backcalc.render import latexchars
from backcalc.render.latex import display, rows_of
from tests.helpers import compile_latex, invoke

EXAMPLES = [e.name for e in examples.all_examples()]
PDFLATEX = shutil.which("pdflatex") is not None
POPPLER = shutil.which("pdftotext") is not None
needs_pdflatex = pytest.mark.skipif(not PDFLATEX, reason="pdflatex is not installed")
needs_poppler = pytest.mark.skipif(not (PDFLATEX and POPPLER), reason="no pdflatex + pdftotext")

TITLE = "σ-net: ∂J/∂W⁽¹⁾, ŷ ∈ ℝ, x → y ≤ 1 · 2 − 3 × 4 (file__name a\\b 50% & #1 ~^)"
DESCRIPTION = (
    "A sigmoid $\\sigma(z) = 1/(1 + e^{-z})$ for $a < b$; a price of $5 and $10, an escaped "
    "\\$ sign, <tags>, |pipes|, *stars* and _under_scores_ and $\\input{/etc/hostname}$.\n"
    "- not a list\n# not a heading"
)
SPEC = """\
title: {title}
description: {description}
course: "Redes neuronales — Grupo «A»"
input: [1.0, 2.0]
target: 1
layers:
  - weights: [[0.1, 0.2], [0.3, 0.4]]
    activation: sigmoid
  - weights: [[0.5, 0.6]]
loss: half_squared_error
"""


def yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def user_spec(folder: Path) -> Path:
    path = folder / "user.yaml"
    text = SPEC.format(title=yaml_string(TITLE), description=yaml_string(DESCRIPTION))
    path.write_text(text, encoding="utf-8")
    return path


def document(spec: str, lang: str, fmt: str, *extra: str) -> str:
    code, out, err = invoke("run", spec, "--format", fmt, "--lang", lang, *extra)
    assert (code, err) == (0, ""), err
    return out


def pdf_text(pdf: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


# -- Unicode and specials -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("σ⁽¹⁾", "$\\sigma^{(1)}$"),
        ("∂J/∂W", "$\\partial$J/$\\partial$W"),
        ("a → b ≤ c · d − e × f", "a $\\to$ b $\\le$ c $\\cdot$ d $-$ e $\\times$ f"),
        ("x₁₂ Wᵀ", "x$_{12}$ W$^{T}$"),
        ("file__name", "file\\_\\_name"),
        ("a\\b 50% & #1 $ {x} ~ ^ <> |", "a\\textbackslash{}b 50\\% \\& \\#1 \\$ \\{x\\} \\~{} "
         "\\^{} \\textless{}\\textgreater{} \\textbar{}"),
        ("Función n.º 1 — ¿sí? ŷ", "Función n.º 1 — ¿sí? ŷ"),  # what OT1 sets, kept
        ("q\u0302 y\u0302 ǹ", "\\^{q} ŷ \\`{n}"),  # combining accents; a letter OT1 lacks
        ("中 🙂", "? ?"),  # nothing to set it with: a `?`, not a failed compilation
    ],
)  # fmt: skip
def test_text_is_printed_as_written(text: str, latex: str) -> None:
    assert latexchars.text(text) == latex


@pytest.mark.parametrize(
    ("math", "latex"),
    [
        ("\\alpha + β x", "\\alpha + \\beta x"),
        ("ŷ ∈ ℝ⁽²⁾", "\\hat{y} \\in \\mathbb{R}^{(2)}"),
        ("\\frac{∂J}{∂W} ⊙ σ'", "\\frac{\\partial J}{\\partial W} \\odot \\sigma'"),
        ("é", "\\acute{e}"),
    ],
)
def test_math_gets_commands_for_its_unicode(math: str, latex: str) -> None:
    assert latexchars.math(math) == latex


def _sample() -> str:
    """Characters of every block a title may draw from, a few of each."""
    blocks = [
        (0x20, 0x7F), (0xA0, 0x250), (0x300, 0x370), (0x370, 0x400), (0x2000, 0x2070),
        (0x2070, 0x20A0), (0x2100, 0x2150), (0x2190, 0x2200), (0x2200, 0x2300),
        (0x2300, 0x2320), (0x1D400, 0x1D410), (0x4E2D, 0x4E2F), (0x1F600, 0x1F602),
    ]  # fmt: skip
    chars = "".join(chr(c) for start, end in blocks for c in range(start, end))
    return "".join(c for c in chars if c.isprintable())


@needs_pdflatex
def test_any_character_compiles_in_text_and_in_math(tmp_path: Path) -> None:
    sample = _sample()
    lines = [latexchars.text(sample[i : i + 40]) + "\\par" for i in range(0, len(sample), 40)]
    lines += [f"${latexchars.math(c)}$" for c in sample if c not in "$\\%#&^_{}~"]
    body = "\n".join(lines)
    tex = f"\\documentclass{{article}}\n\\usepackage[utf8]{{inputenc}}\n\\usepackage{{amsmath,amssymb}}\n\\begin{{document}}\n{body}\n\\end{{document}}\n"
    (tmp_path / "chars.tex").write_text(tex, encoding="utf-8")
    code, errors = compile_latex(tmp_path, "chars.tex")
    assert code == 0, errors


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_users_title_and_description_compile_and_print_as_written(
    tmp_path: Path, lang: str
) -> None:
    latex = document(str(user_spec(tmp_path)), lang, "latex")
    assert "$\\sigma(z) = 1/(1 + e^{-z})$" in latex  # math kept as math
    assert "\\$\\textbackslash{}input\\{/etc/hostname\\}\\$" in latex  # not run: printed
    (tmp_path / "user.tex").write_text(latex, encoding="utf-8")
    code, errors = compile_latex(tmp_path, "user.tex")
    assert code == 0, errors
    text = " ".join(pdf_text(tmp_path / "user.pdf").split())
    for literal in (
        "file__name a\\b 50% & #1",
        "a price of $5 and $10, an escaped $ sign, <tags>, |pipes|, *stars* and _under_scores_",
        "$\\input{/etc/hostname}$",
        "- not a list # not a heading",
        "Redes neuronales — Grupo",
    ):
        # OT1 draws `_` as a rule, which pdftotext reads as a space or nothing
        assert re.search(re.escape(literal).replace("_", r"\s?"), text), literal
    assert "σ(z) = 1/(1 + e" in text and "a < b" in text and "¡" not in text
    assert "$\\sigma" not in text


def test_markdown_escapes_a_users_text_and_keeps_its_math(tmp_path: Path) -> None:
    markdown = document(str(user_spec(tmp_path)), "en", "markdown")
    title, _, rest = markdown.partition("\n\n")
    assert title == (
        "# σ-net: ∂J/∂W⁽¹⁾, ŷ ∈ ℝ, x → y ≤ 1 · 2 − 3 × 4 (file\\_\\_name a\\\\b 50% \\& \\#1 \\~^)"
    )
    header, _, rest = rest.partition("\n\n")
    assert header == "Redes neuronales — Grupo «A»"
    description = rest.split("\n\n")[0]
    assert description == (
        "A sigmoid $\\sigma(z) = 1/(1 + e^{-z})$ for $a < b$; a price of \\$5 and \\$10, an "
        "escaped \\$ sign, \\<tags\\>, \\|pipes\\|, \\*stars\\* and \\_under\\_scores\\_ and "
        "\\$\\\\input{/etc/hostname}\\$.\n\\- not a list\n\\# not a heading"
    )


# -- babel ----------------------------------------------------------------------------------------


def test_the_preamble_asks_for_babel_only_where_installed() -> None:
    spanish = document("reference-2-3-1", "es", "latex")
    english = document("reference-2-3-1", "en", "latex")
    assert (
        "\\IfFileExists{spanish.ldf}{\\usepackage[spanish,es-minimal,es-noshorthands]{babel}}{}"
        in spanish
    )
    assert "\\IfFileExists{english.ldf}{\\usepackage[english]{babel}}{}" in english


@cache
def _has(file: str) -> bool:
    if shutil.which("kpsewhich") is None:
        return False
    return subprocess.run(["kpsewhich", file], capture_output=True, check=False).returncode == 0


@needs_pdflatex
def test_spanish_documents_are_hyphenated_in_spanish(tmp_path: Path) -> None:
    if not _has("spanish.ldf"):
        pytest.skip("babel's Spanish is not installed (texlive-lang-spanish)")
    latex = document("reference-2-3-1", "es", "latex")
    probe = "\\showhyphens{derivadas retropropagacion}\n\\end{document}"
    (tmp_path / "es.tex").write_text(latex.replace("\\end{document}", probe), encoding="utf-8")
    code, errors = compile_latex(tmp_path, "es.tex")
    assert code == 0, errors
    log = (tmp_path / "es.log").read_text(encoding="utf-8", errors="replace")
    assert "spanish.ldf" in log
    assert "de-ri-va-das re-tro-pro-pa-ga-cion" in log  # Spanish syllables, not English ones


@needs_pdflatex
def test_a_document_compiles_without_its_languages_babel(tmp_path: Path) -> None:
    latex = document("reference-2-3-1", "es", "latex").replace("{spanish.ldf}", "{nonesuch.ldf}")
    (tmp_path / "plain.tex").write_text(latex, encoding="utf-8")
    code, errors = compile_latex(tmp_path, "plain.tex")
    assert code == 0, errors
    assert "babel.sty" not in (tmp_path / "plain.log").read_text(errors="replace")


# -- breaking pages -------------------------------------------------------------------------------


def test_a_lead_in_and_its_display_are_one_paragraph() -> None:
    latex = document("reference-2-3-1", "en", "latex")
    assert "The parameters:\n\\[" in latex
    assert "Now the sigmoid activation is applied to $z^{(1)}$:\n\\begin{align*}" in latex
    assert not re.search(r":\n\n\\(\[|begin\{align)", latex)


def test_a_derivation_breaks_between_its_lines_and_never_inside_a_matrix() -> None:
    chain = "z &= W x \\\\\n&= \\begin{pmatrix}\n1 \\\\\n2\n\\end{pmatrix} \\\\\n&= {a \\\\ b}"
    assert rows_of(chain) == [
        "z &= W x",
        "&= \\begin{pmatrix}\n1 \\\\\n2\n\\end{pmatrix}",
        "&= {a \\\\ b}",
    ]
    aligned = f"\\begin{{aligned}}\n{chain}\n\\end{{aligned}}"
    # breakable between its lines, but not after the first nor before the last
    kept = "z &= W x \\\\*\n&= \\begin{pmatrix}\n1 \\\\\n2\n\\end{pmatrix} \\\\*\n&= {a \\\\ b}"
    assert display(aligned) == ["\\begin{align*}", kept, "\\end{align*}"]
    four = "a &= 1 \\\\\n&= 2 \\\\\n&= 3 \\\\\n&= 4"
    assert display(f"\\begin{{aligned}}\n{four}\n\\end{{aligned}}")[1] == (
        "a &= 1 \\\\*\n&= 2 \\\\\n&= 3 \\\\*\n&= 4"
    )
    assert display(f"{aligned}, \\quad y = 1") == ["\\[", f"{aligned}, \\quad y = 1", "\\]"]


PAGE_HEIGHT, MARGIN = 841.89, 62.36  # A4 and the preamble's 2.2cm, in points


def page_fills(pdf: Path) -> list[float]:
    """How far down its text area each page's text reaches, from 0 to 1 (the page number
    below the text area left out)."""
    layout = pdf_text(pdf, "-bbox-layout")
    bottom = PAGE_HEIGHT - MARGIN
    fills = []
    for page in layout.split("<page ")[1:]:
        ends = [
            float(y)
            for y in re.findall(
                r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)"', page
            )
        ]
        lowest = max((y for y in ends if y < bottom + 5), default=MARGIN)
        fills.append((lowest - MARGIN) / (bottom - MARGIN))
    return fills


def last_lines(pdf: Path, pages: int) -> list[str]:
    """The last line of text of each page but the last, above its page number."""
    found = []
    for page in range(1, pages):
        text = pdf_text(pdf, "-f", str(page), "-l", str(page), "-layout")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        found.append(lines[-2] if len(lines) > 1 else "")
    return found


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_pages_break_where_a_reader_expects(name: str, lang: str, tmp_path: Path) -> None:
    (tmp_path / "doc.tex").write_text(document(name, lang, "latex"), encoding="utf-8")
    code, errors = compile_latex(tmp_path, "doc.tex")
    assert code == 0, errors
    fills = page_fills(tmp_path / "doc.pdf")
    lonely = [line for line in last_lines(tmp_path / "doc.pdf", len(fills)) if line.endswith(":")]
    assert lonely == [], "a lead-in alone at the bottom of a page"
    half_empty = [number for number, fill in enumerate(fills[:-1], 1) if fill < 0.5]
    assert half_empty == [], f"pages {half_empty} less than half full: {fills}"
    if lang == "es" and _has("spanish.ldf"):
        assert "spanish.ldf" in (tmp_path / "doc.log").read_text(errors="replace")


@needs_pdflatex
@pytest.mark.parametrize("name", ["reference-2-3-1", "cs231n-circuit", "digits-64-15-10"])
def test_the_whole_sheet_numbered_with_a_header_compiles(name: str, tmp_path: Path) -> None:
    options = ("--part", "both", "--numbered", "--header", "course=Redes 1 & 2 (100%) #3")
    (tmp_path / "both.tex").write_text(document(name, "es", "latex", *options), "utf-8")
    code, errors = compile_latex(tmp_path, "both.tex")
    assert code == 0, errors
    if POPPLER:
        text = pdf_text(tmp_path / "both.pdf")
        assert "Redes 1 & 2 (100%) #3" in text and "Se pide" in text and "Soluci" in text
        assert "(1)" in text and "(2)" in text


def test_a_code_span_in_the_builders_prose_is_typewriter_text_in_latex() -> None:
    from backcalc.render.latex import prose

    assert prose("the `leaky_relu` of $z$") == "the \\texttt{leaky\\_relu} of $z$"
    assert prose("a user's `x_y`", user=True) == "a user's `x\\_y`"  # a user's text as written
