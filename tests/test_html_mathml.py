"""The LaTeX -> MathML converter of the HTML documents (backcalc.render.mathml): each construct
of the subset the documents write, TeX's rules that change how a formula reads, refusals, and
well-formed XML whatever the input."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcalc.render.mathml import MathError, display, inline, symbols
from tests.test_fuzz import SETTINGS

M = "{http://www.w3.org/1998/Math/MathML}"


def parse(tex: str, block: bool = True) -> ET.Element:
    """The formula's body (the <semantics>' first child), the annotation checked on the way."""
    text = display(tex)[0] if block else inline(tex)
    math = ET.fromstring(text)
    assert math.tag == f"{M}math"
    assert (math.get("display") == "block") == block
    semantics = math.find(f"{M}semantics")
    assert semantics is not None
    body, annotation = list(semantics)
    assert annotation.tag == f"{M}annotation" and annotation.text == tex.strip()
    return body


def tags(element: ET.Element) -> list[str]:
    return [e.tag.removeprefix(M) for e in element.iter()]


def tokens(element: ET.Element) -> list[tuple[str, str]]:
    """The token elements in reading order: (tag, text)."""
    leaves = ("mi", "mn", "mo", "mtext")
    return [
        (e.tag.removeprefix(M), e.text or "") for e in element.iter() if e.tag[len(M) :] in leaves
    ]


def only(body: ET.Element, tag: str) -> ET.Element:
    found = body.findall(f".//{M}{tag}")
    assert len(found) == 1, tags(body)
    return found[0]


# -- numbers and signs ------------------------------------------------------------------------


def test_a_decimal_comma_is_part_of_the_number() -> None:
    body = parse(r"0{,}879 \odot \left(1 - 0{,}879\right)")
    assert tokens(body) == [
        ("mn", "0,879"),
        ("mo", "⊙"),
        ("mo", "("),
        ("mn", "1"),
        ("mo", "−"),
        ("mn", "0,879"),
        ("mo", ")"),
    ]


def test_a_minus_after_an_operator_or_a_fence_is_a_sign_and_between_terms_an_operator() -> None:
    body = parse(r"a = -0.5 + \left(-3\right) - 2 \cdot -x")
    assert ("mn", "−0.5") in tokens(body) and ("mn", "−3") in tokens(body)
    minus = [e for e in body.iter(f"{M}mo") if e.text == "−"]
    assert len(minus) == 2  # `- 2` stays an operator, `-x` a sign before a letter
    binary, sign = minus
    assert binary.get("lspace") is None
    assert (sign.get("lspace"), sign.get("rspace")) == ("0", "0")


def test_a_script_takes_one_token_as_in_tex() -> None:
    body = parse("x^23")
    assert tags(body) == ["mrow", "msup", "mi", "mn", "mn"]
    assert tokens(body) == [("mi", "x"), ("mn", "2"), ("mn", "3")]
    assert tokens(parse("e^{-z}")) == [("mi", "e"), ("mo", "−"), ("mi", "z")]


# -- structures -------------------------------------------------------------------------------


def test_a_fraction_and_the_layer_superscript() -> None:
    body = parse(r"\frac{\partial J}{\partial W^{(1)}}")
    fraction = only(body, "mfrac")
    numerator, denominator = list(fraction)
    assert tokens(numerator) == [("mi", "∂"), ("mi", "J")]
    assert tokens(denominator) == [("mi", "∂"), ("mi", "W"), ("mo", "("), ("mn", "1"), ("mo", ")")]
    assert only(denominator, "msup") is not None


def test_a_pmatrix_is_a_table_between_parentheses() -> None:
    body = parse(r"\begin{pmatrix} 0.1 & -0.5 \\ -0.3 & -0.9 \\ 0.8 & 0.02 \end{pmatrix}")
    table = only(body, "mtable")
    rows = [[tokens(cell) for cell in r] for r in table]
    assert rows == [
        [[("mn", "0.1")], [("mn", "−0.5")]],
        [[("mn", "−0.3")], [("mn", "−0.9")]],
        [[("mn", "0.8")], [("mn", "0.02")]],
    ]
    fences = [e.text for e in body[0] if e.tag == f"{M}mo"]
    assert fences == ["(", ")"]


def test_a_one_row_matrix_keeps_its_parentheses_at_text_size() -> None:
    body = parse(r"\begin{pmatrix} 1 & 2 \end{pmatrix}")
    assert [e.get("stretchy") for e in body[0] if e.tag == f"{M}mo"] == ["false", "false"]


def test_aligned_lines_are_rows_of_right_and_left_cells() -> None:
    tex = "\\begin{aligned}\nz &= W x \\\\\n&= 3\n\\end{aligned}"
    table = only(parse(tex), "mtable")
    assert table.get("class") == "aligned" and table.get("columnalign") == "right left"
    assert table.get("displaystyle") == "true"
    cells = [[tokens(cell) for cell in r] for r in table]
    assert cells == [
        [[("mi", "z")], [("mo", "="), ("mi", "W"), ("mi", "x")]],
        [[], [("mo", "="), ("mn", "3")]],
    ]


def test_cases_are_a_brace_and_a_left_aligned_table() -> None:
    tex = "\\begin{cases}\n1 & z > 0 \\\\\n0 & z \\le 0\n\\end{cases}"
    body = parse(tex)
    assert body[0].tag == f"{M}mrow"
    brace, table = list(body[0])
    assert brace.text == "{" and table.get("class") == "cases"
    assert [len(r) for r in table] == [2, 2]
    assert ("mo", "≤") in tokens(table)


def test_an_underbrace_puts_its_subscript_under_the_base() -> None:
    body = parse(r"\underbrace{\begin{pmatrix} 1 \\ 2 \end{pmatrix}}_{2 \times 1}")
    under = only(body, "munder")
    base, label = list(under)
    assert base.get("class") == "underbrace" and only(base, "mtable") is not None
    assert tokens(label) == [("mn", "2"), ("mo", "×"), ("mn", "1")]


def test_a_sum_has_limits_in_display_and_scripts_inline() -> None:
    tex = r"\frac{1}{m}\sum_{i=1}^{m} \ell_i"
    assert "munderover" in tags(parse(tex))
    inline_tags = tags(parse(tex, block=False))
    assert "msubsup" in inline_tags and "munderover" not in inline_tags
    assert ("mi", "ℓ") in tokens(parse(tex))


def test_accents_fonts_and_text() -> None:
    hat = only(parse(r"\hat{y}"), "mover")
    assert hat.get("accent") == "true" and tokens(hat) == [("mi", "y"), ("mo", "^")]
    assert tokens(parse(r"\mathbb{1}[z > 0]"))[0] == ("mn", "𝟙")
    assert tokens(parse(r"\mathbf{1}"))[0] == ("mn", "𝟏")
    assert tokens(parse(r"\mathbb{R}"))[0] == ("mi", "ℝ")
    assert tokens(parse(r"W^{(1)}_{\text{new}}"))[0:2] == [("mi", "W"), ("mtext", "new")]
    assert tokens(parse(r"\mathrm{ReLU}(z)"))[0] == ("mi", "ReLU")
    assert tokens(parse(r"\mathrm{my\_loss}")) == [("mi", "my_loss")]
    assert only(parse(r"\mathrm{x}"), "mi").get("mathvariant") == "normal"


def test_functions_are_upright_with_a_thin_space_before_a_bare_argument() -> None:
    log = parse(r"-\log 0{,}3")
    assert tags(log) == ["mrow", "mo", "mi", "mspace", "mn"]
    assert tags(parse(r"\max(0, z)")) == ["mrow", "mi", "mo", "mn", "mo", "mi", "mo"]
    assert "mspace" in tags(parse(r"\tanh^2 z"))
    assert tags(parse(r"y \log p")) == ["mrow", "mi", "mspace", "mi", "mspace", "mi"]


def test_fences_grow_only_around_something_tall() -> None:
    low = [e.get("stretchy") for e in parse(r"\left(1 - a\right)").iter(f"{M}mo") if e.text in "()"]
    tall = parse(r"\left(\frac{1}{2}\right)").iter(f"{M}mo")
    assert low == ["false", "false"]
    assert [e.get("stretchy") for e in tall if e.text in "()"] == ["true", "true"]
    assert [e.get("stretchy") for e in parse(r"\sigma(z)").iter(f"{M}mo")] == ["false", "false"]


def test_boxed_relations_and_spaces() -> None:
    assert only(parse(r"\boxed{J = 1}"), "mrow[@class='boxed']") is not None
    plus_equals = [e.text for e in parse(r"J \mathrel{+}= \lambda").iter(f"{M}mo")]
    assert plus_equals == ["+="]
    spaces = [e.get("width") for e in parse(r"a, \quad b \, c").iter(f"{M}mspace")]
    assert spaces == ["1.0000em", "0.1667em"]


def test_lengths_and_stacked_limits() -> None:
    assert [
        e.get("width") for e in parse(r"a \hspace{2em} b \hspace{-1pt} c").iter(f"{M}mspace")
    ] == [
        "2.0000em",
        "0.0000em",
    ]
    with pytest.raises(MathError, match="not a length"):
        display(r"\hspace{wide}")
    under = only(parse(r"\sum_{\substack{i \ne c \\ j > 0}} x"), "munder")
    table = only(under, "mtable")
    assert [tokens(r) for r in table] == [
        [("mi", "i"), ("mo", "≠"), ("mi", "c")],
        [("mi", "j"), ("mo", ">"), ("mn", "0")],
    ]


def test_a_prime_follows_its_base() -> None:
    assert tokens(parse("g'(z)")) == [
        ("mi", "g"),
        ("mo", "′"),
        ("mo", "("),
        ("mi", "z"),
        ("mo", ")"),
    ]


def test_a_tag_is_returned_beside_the_math() -> None:
    math, tag = display(r"J = 1 \tag{3}")
    assert tag == "(3)" and "3" not in "".join(
        ET.fromstring(math).find(f"{M}semantics")[0].itertext()
    )
    assert display(r"x \tag*{A}")[1] == "A"
    assert display("x")[1] is None
    with pytest.raises(MathError, match="tag"):
        inline(r"x \tag{1}")


def test_the_documented_extension_formulas_convert() -> None:
    """CONTRIBUTING.md's Swish and Huber, as a user registers them."""
    for tex in (
        r"z^{(1)}\,\sigma(z^{(1)})",
        r"\sigma(z) + z\,\sigma(z)\,(1 - \sigma(z))",
        r"\sum_k \mathrm{huber}_\delta(\hat{y}_k - y_k)",
        r"\operatorname{clip}(\hat{y} - y, -\delta, \delta)",
    ):
        parse(tex)


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "message"),
    [
        (r"\foo x", r"unknown macro \\foo"),
        (r"\frac{1}{2", "unexpected end"),
        (r"x}", "unexpected '}'"),
        (r"\left( x", r"\\left without \\right"),
        (r"x \right)", r"\\right without \\left"),
        ("a & b", "unexpected '&'"),
        (r"a \\ b", r"unexpected '\\\\\\\\'"),
        ("x^2^3", "double superscript"),
        (r"\begin{foo} x \end{foo}", "unknown environment foo"),
        (r"\begin{pmatrix} x \end{bmatrix}", "ended by another"),
        (r"\text{\alpha}", "inside \\\\text"),
        ("#", "unexpected '#'"),
    ],
)
def test_what_is_outside_the_subset_is_refused(tex: str, message: str) -> None:
    with pytest.raises(MathError, match=message):
        display(tex)


# -- every symbol of the tables, and anything at all ------------------------------------------


def test_every_symbol_in_the_tables_converts() -> None:
    names = [
        *symbols.LETTERS,
        *symbols.UPRIGHT,
        *symbols.OPERATORS,
        *symbols.LARGE,
        *symbols.INTEGRALS,
        *symbols.FUNCTIONS,
        *symbols.LIMITS,
        *symbols.SPACES,
    ]
    for name in names:
        if name in ("{", "}", "|"):
            continue
        parse(f"a \\{name} b")
    for name in [*symbols.ACCENTS, *symbols.ALPHABETS, "underbrace", "overbrace", "boxed"]:
        parse(f"\\{name}{{x}}")


PIECES = st.sampled_from(
    [
        "x", "2", "0{,}5", "-", "+", "=", "(", ")", "[", "]", "{", "}", "^", "_", "&", "\\\\",
        "'", " ", "<", ">", "\"", "\x01", "σ", "∂", "\\frac", "\\left(", "\\right)", "\\left",
        "\\right", "\\sum", "\\hat", "\\text{a&b<c}", "\\text", "\\mathrm", "\\begin{pmatrix}",
        "\\end{pmatrix}", "\\begin{aligned}", "\\end{aligned}", "\\underbrace", "\\boxed",
        "\\tag{1}", "\\foo", "\\", "\\,", "\\quad", "\\mathrel", "\\sqrt[3]", "\\displaystyle",
        "\\not", "\\mathbb", "%", "~", "$", "#",
    ]
)  # fmt: skip


@SETTINGS
@given(pieces=st.lists(PIECES, max_size=14), block=st.booleans())
def test_anything_is_well_formed_mathml_or_a_math_error(pieces: list[str], block: bool) -> None:
    tex = "".join(pieces)
    try:
        text = display(tex)[0] if block else inline(tex)
    except MathError:
        return
    math = ET.fromstring(text)  # raises on anything not well-formed
    assert math.tag == f"{M}math"
    body = math.find(f"{M}semantics/*")  # the annotation aside: TeX written as text is a bug
    assert body is not None
    assert not [e for e in body.iter() if (e.text or "").startswith("\\")], text
