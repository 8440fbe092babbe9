"""What the network solution documents say (issue 13): the batch written as note 002 writes it,
the softmax with its numbers and the Jacobian's use, negative factors in parentheses, · between
numbers, given numbers as written, large matrices by their corner and shape, a table of the
results, and Spanish in Spanish. Numbers are checked against numpy written here, never against
backcalc's own output."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import pairwise

import numpy as np

from backcalc import api
from backcalc.core.activations import Activation
from backcalc.io import examples
from backcalc.render.document.mathtex import MathWriter, mat
from backcalc.render.document.texwidth import PAGE, width
from backcalc.render.document.writer import NetworkWriter
from backcalc.render.numbers import NumberFormat
from backcalc.render.style import style_for
from tests.helpers import invoke

NETWORKS = [e.name for e in examples.all_examples() if api.load(str(e.path)).kind == "network"]
MODES = [
    (lang, fmt, hand) for lang in ("en", "es") for fmt in ("markdown", "latex") for hand in (0, 3)
]


@cache
def doc(name: str, lang: str = "en", fmt: str = "markdown", hand: int = 0) -> str:
    extra = ["--hand-rounding", str(hand)] if hand else []
    code, out, err = invoke("run", name, "--format", fmt, "--lang", lang, *extra)
    assert (code, err) == (0, ""), err
    return out


def shown(value: float, decimals: int = 4, comma: bool = False) -> str:
    """A number as the documents' math writes it: half away from zero, {,} for a comma."""
    text = str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))
    text = "0" + text[len("-0") - 1 :] if text.startswith("-0") and not text.strip("-0.") else text
    return text.replace(".", "{,}") if comma else text


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# -- the reference exercise (note 004), and the batch of note 002, by hand in numpy ----------------

W1 = np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]])
B1 = np.array([0.1, 0.5, 0.8])
W2 = np.array([[-0.4, 0.2, -0.5]])
X = np.array([1.8, -3.4])


def reference() -> dict[str, np.ndarray]:
    a1 = sigmoid(W1 @ X + B1)
    yhat = sigmoid(W2 @ a1 + 0.7)
    delta2 = (yhat - 5) * yhat * (1 - yhat)
    delta1 = (W2.T @ delta2) * a1 * (1 - a1)
    return {
        "yhat": yhat,
        "J": 0.5 * (yhat - 5) ** 2,
        "dW1": np.outer(delta1, X),
        "db1": delta1,
        "dW2": np.outer(delta2, a1),
        "db2": delta2,
        "dx": W1.T @ delta1,
    }


BX = np.array([[0.5, -1.2], [1.0, 0.3], [-0.7, 0.8], [0.2, 0.0]])
BW1 = np.array([[0.4, -0.6, 0.1], [0.3, 0.2, -0.5]])
BB1 = np.array([0.1, -0.1, 0.02])
BW2 = np.array([[0.5, -0.2, 0.3], [-0.4, 0.6, 0.1], [0.2, 0.1, -0.3]])
BB2 = np.array([0.0, 0.1, -0.1])
CLASSES = [0, 2, 1, 2]


def batch() -> dict[str, np.ndarray]:
    z1 = BX @ BW1 + BB1
    logits = np.maximum(z1, 0) @ BW2 + BB2
    return {"z1": z1, "logits": logits, "p": softmax(logits)}


# -- over every network document ------------------------------------------------------------------


def every_document() -> list[tuple[str, str]]:
    return [(name, doc(name, *mode)) for name in NETWORKS for mode in MODES]


def test_negative_numbers_are_in_parentheses_as_factors_and_later_terms() -> None:
    loose = re.compile(r"(\\cdot|\\odot|\\times|[+-]) -\d")
    for name, text in every_document():
        assert not loose.search(text), (name, loose.search(text))


def test_numbers_are_multiplied_with_a_dot_not_a_circle() -> None:
    between_numbers = re.compile(r"(\d|\(-[\d{},.]+\)) \\odot \(?-?\d")
    for name, text in every_document():
        assert not between_numbers.search(text), name


def test_every_underbrace_is_one_factor() -> None:
    """{\\underbrace{…}_{…}}: an operator after it is spaced as a binary one (`+ 0,7`)."""
    for name, text in every_document():
        assert not re.search(r"(?<!\{)\\underbrace", text), name


def test_no_new_subscript_and_no_boxes() -> None:
    for name, text in every_document():
        assert "\\text{new}" not in text and "\\boxed" not in text, name


def test_spanish_names_the_activations_and_losses_in_spanish() -> None:
    for name in NETWORKS:
        for fmt in ("markdown", "latex"):
            title = api.load(name).title or ""  # the user's words, as written
            prose = re.sub(r"\$[^$]*\$", "", doc(name, "es", fmt).replace(title, ""))
            for english in ("sigmoid,", "sigmoid ", "identity", "cross_entropy", "squared_error"):
                assert english not in prose, (name, fmt, english)
    assert "con activación sigmoidea en todas las capas" in doc("reference-2-3-1", "es")
    assert "ReLU en la capa 1, identidad en la capa 2" in doc("batch-relu-softmax-row", "es")
    assert "La función de costo, entropía cruzada con softmax:" in doc(
        "batch-relu-softmax-row", "es"
    )
    assert "Con una salida softmax y el costo entropía cruzada," in doc(
        "softmax-cross-entropy", "es"
    )


def test_a_name_without_a_word_in_the_locale_is_in_code_font() -> None:
    class Unnamed(Activation):
        name = "my_unit"

    trace = api.run(api.load("reference-2-3-1")).trace
    for lang in ("en", "es"):
        writer = NetworkWriter(trace, style_for(lang))
        assert writer.name(Unnamed()) == r"$\texttt{my\_unit}$"
        assert writer.name(trace.exercise.network.layers[0].activation) in ("sigmoid", "sigmoidea")


def test_layer_headings_say_hidden_and_output() -> None:
    assert "### Layer 1 (hidden)" in doc("reference-2-3-1")
    assert "### Layer 2 (output)" in doc("reference-2-3-1")
    spanish = doc("reference-2-3-1", "es")
    assert "### Capa 1 (oculta)" in spanish and "### Capa 2 (salida)" in spanish
    assert "### Capa 1 (salida)" in doc("cs231n-linear-hinge", "es")  # a single layer


def test_the_reviewed_spanish_wording() -> None:
    hand = doc("reference-2-3-1", "es", hand=3)
    assert (
        "Cálculo «a mano»: cada resultado se redondea a 3 decimales y se usa redondeado en el "
        "paso siguiente" in hand
    )
    assert "de dimensión (n.º de salidas) × (n.º de entradas)" in hand
    assert "Y el gradiente que se propaga a la capa 1:" in hand
    assert "Calculado como a mano" not in hand and "Y lo que se pasa" not in hand
    assert "(numeradas desde 0)" in doc("batch-relu-softmax-row", "es")


# -- the reference exercise: the hand key line by line ------------------------------------------------


def test_the_hand_key_writes_its_factors_as_the_notes_do() -> None:
    text = doc("reference-2-3-1", "es", hand=3)
    # δ⁽²⁾ = ∂J/∂ŷ · g'(z⁽²⁾): two numbers, a dot, the negative one in parentheses
    dJ = Decimal("0.522") - 5
    g = (Decimal("0.522") * (1 - Decimal("0.522"))).quantize(Decimal("0.001"), ROUND_HALF_UP)
    delta = (dJ * g).quantize(Decimal("0.001"), ROUND_HALF_UP)
    assert (str(dJ), str(g), str(delta)) == ("-4.478", "0.250", "-1.120")
    assert "&= (-4{,}478) \\cdot 0{,}250 \\\\\n&= -1{,}120" in text
    assert "\\cdot (-1{,}120)" in text  # ∂J/∂a⁽¹⁾ = W⁽²⁾ᵀ δ⁽²⁾
    assert "0{,}522 \\cdot \\left(1 - 0{,}522\\right)" in text  # scalars: ·, not ⊙
    # the given x as written in ∂J/∂W⁽¹⁾ = δ⁽¹⁾ xᵀ, not 1,800
    assert "1{,}8 & -3{,}4" in text and "1{,}800" not in text


def test_the_toy_function_parenthesises_both_negative_factors() -> None:
    """Note 003's toy function: ∂J/∂a⁽¹⁾ = ω₁ · ∂l/∂f₁ = (−0,4) · (−17,0605)."""
    f0 = 1 + 0.1 * 2.3
    h1 = np.sin(f0)
    f1 = 2 - 0.4 * h1
    h2 = np.exp(f1)
    f2 = -3 + 2 * h2
    f3 = 0.4 + 3 * np.cos(f2)
    dl_df1 = 2 * (f3 - 2) * 3 * -np.sin(f2) * 2 * h2
    line = f"(-0{{,}}4) \\cdot ({shown(dl_df1, comma=True)})"
    assert line == "(-0{,}4) \\cdot (-17{,}0605)"
    assert line in doc("toy-sin-exp-cos", "es")
    assert f"-\\sin({shown(f2, comma=True)})" in doc("toy-sin-exp-cos", "es")  # g' with z in it


# -- batches, as note 002 writes them --------------------------------------------------------------


def test_a_batch_says_the_bias_is_added_to_every_row_or_column() -> None:
    row = "The bias $b^{(1)}$ is one row: it is added to every row of $x W^{(1)}$"
    assert row in doc("batch-relu-softmax-row")
    assert "El sesgo $b^{(1)}$ es una fila: se suma a cada fila de $x W^{(1)}$" in doc(
        "batch-relu-softmax-row", "es"
    )
    column = "The bias $b^{(1)}$ is one column: it is added to every column of $W^{(1)} x$"
    assert column in doc("tanh-batch-column")
    assert "is added to every" not in doc("reference-2-3-1")  # one observation


def test_a_batch_writes_each_loss_formula_then_the_losses_with_their_numbers() -> None:
    text, p = doc("batch-relu-softmax-row"), batch()["p"]
    formula = text.index("\\ell_i = -\\log p_{i,c_i}")
    vector = text.index("\\ell &= ")
    assert formula < vector
    picked = [p[i, c] for i, c in enumerate(CLASSES)]
    logs = " \\\\\n".join(f"-\\log {shown(v)}" for v in picked)
    assert logs in text[vector:]
    losses = " \\\\\n".join(shown(-np.log(v)) for v in picked)
    assert losses in text[vector:]
    # J = 1/m Σ ℓᵢ with m = 4 substituted, and ∂J/∂ŷ = (P − Y)/4
    assert "&= \\frac{1}{4}\\left(" + " + ".join(shown(-np.log(v)) for v in picked) in text
    gradient = text[text.index("\\frac{\\partial J}{\\partial \\hat{y}} &=") :]
    assert gradient.splitlines()[1].startswith("&= \\frac{1}{4}\\left(")


def test_a_batch_softmax_shows_the_first_observation_with_its_numbers() -> None:
    logits = batch()["logits"][0]
    exps = " + ".join(f"e^{{{shown(v)}}}" for v in logits)
    assert f"\\frac{{1}}{{{exps}}}" in doc("batch-relu-softmax-row")


def test_the_relu_derivative_is_the_mask_of_z_positive() -> None:
    text = doc("batch-relu-softmax-row")
    mask = (batch()["z1"] > 0).astype(int)
    rows = " \\\\\n".join(" & ".join(str(v) for v in row) for row in mask)
    assert (
        f"g'(z^{{(1)}}) &= \\mathbf{{1}}(z^{{(1)}} > 0) \\\\\n&= \\begin{{pmatrix}}\n{rows}" in text
    )
    assert "\\begin{cases}" not in text[text.index("g'(z^{(1)})") :][:200]


def test_the_fused_output_of_a_binary_batch_substitutes_one_over_m() -> None:
    text = doc("binary-cross-entropy")
    fused = text[text.rindex("\\delta^{(2)} &= \\frac{1}{m}(\\hat{y} - y)") :]
    assert fused.splitlines()[1].startswith("&= \\frac{1}{2}\\left(")


# -- the softmax ---------------------------------------------------------------------------------------


def softmax_example() -> dict[str, np.ndarray]:
    w1 = np.array([[1.0, -1.0], [0.5, 0.5], [-0.3, 0.8]])
    a1 = np.tanh(w1 @ np.array([0.5, -1.0]) + np.array([0.0, 0.2, -0.1]))
    w2 = np.array([[0.6, -0.4, 0.2], [-0.1, 0.9, 0.3], [0.4, 0.1, -0.7]])
    z2 = w2 @ a1 + np.array([0.1, 0.0, -0.1])
    a2 = softmax(z2)
    return {"z2": z2, "a2": a2, "jacobian": np.diag(a2) - np.outer(a2, a2)}


def test_the_softmax_is_a_vector_throughout_with_its_numbers() -> None:
    text, ex = doc("softmax-cross-entropy"), softmax_example()
    assert "\\frac{e^{z^{(2)}}}{\\sum_{j} e^{z^{(2)}_{j}}}" in text
    assert "\\frac{e^{z^{(2)}_i}}" not in text  # no component beside a vector
    exps = " + ".join(f"e^{{{shown(v)}}}" for v in ex["z2"])
    assert f"\\frac{{1}}{{{exps}}}" in text
    rounded = [Decimal(shown(v)) for v in np.exp(ex["z2"])]
    assert f"\\frac{{1}}{{{sum(rounded)}}}" in text


def test_the_jacobian_is_used_and_the_fused_form_says_why_it_is_not_needed() -> None:
    text, ex = doc("softmax-cross-entropy"), softmax_example()
    jacobian = " \\\\\n".join(" & ".join(shown(v) for v in row) for row in ex["jacobian"].T)
    product = text.index("\\left(\\frac{\\partial a^{(2)}}{\\partial z^{(2)}}\\right)^{T}")
    assert jacobian in text[product:]
    fused = text.index(
        "the product of $\\partial a/\\partial z$ and $\\partial J/\\partial \\hat{y}$"
    )
    assert product < fused
    assert "which needs neither of the two" in text
    hand = doc("softmax-cross-entropy", hand=3)  # hand-rounded: the fused form alone
    assert "which needs neither" in hand and "\\right)^{T}" not in hand


# -- large networks ------------------------------------------------------------------------------------


def test_a_matrix_wider_than_the_page_is_shown_by_its_corner_and_shape() -> None:
    text = doc("digits-64-15-10")
    statement = text[: text.index("## Forward pass")]
    assert statement.count("\\cdots") >= 3  # W⁽¹⁾ (64 rows), W⁽²⁾ (15 × 10: too wide), x
    assert "}_{15 \\times 10}}" in statement and "}_{64 \\times 15}}" in statement
    for body in re.findall(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}(.{0,30})", text, re.S):
        if "\\cdots" in body[0] or "\\vdots" in body[0]:
            assert re.match(r"\}_\{\d+ \\times \d+\}\}", body[1]), body
    # consistently: b⁽²⁾, ten zeros, is whole everywhere
    assert "0 & 0 & 0 & \\cdots & 0\n\\end{pmatrix}}_{1 \\times 10}}" not in text


def test_a_line_breaks_before_its_matrices_are_summarised() -> None:
    m = MathWriter(NumberFormat(4))
    a = mat(np.full((2, 5), -0.1234))  # each fits alone, not both
    assert width(m.render(a)) < PAGE / 2 + 60 < PAGE < 2 * width(m.render(a))
    rows = m.fit_rows([a, "+", a], PAGE - 40)
    assert len(rows) == 2 and rows[1].startswith("+ ") and "\\cdots" not in "".join(rows)


def test_a_product_too_wide_summarises_its_widest_factor_and_remembers_it() -> None:
    m = MathWriter(NumberFormat(4))
    wide, narrow = mat(np.full((3, 12), 0.5)), mat(np.full((12, 1), -0.25))
    line = m.fit([wide, "\\cdot", narrow], PAGE - 40)
    assert "\\cdots" in line and "}_{3 \\times 12}}" in line
    assert line.count("-0.2500") == 12  # the narrow factor whole
    again = MathWriter(NumberFormat(4), frozenset(m.cornered))
    assert "\\cdots" in again.fit([wide])  # the same matrix is summarised everywhere
    assert "\\cdots" not in again.fit([narrow])


# -- the table of results ---------------------------------------------------------------------------


def table_rows(markdown: str) -> dict[str, list[Decimal]]:
    rows = {}
    for symbol, value in re.findall(
        r"^\| \$\\displaystyle (.+?)(?: \\rule\S*)?\$ \| \$(.*)\$ \|$", markdown, re.M
    ):
        value = re.sub(r"\\rule\[[^]]*\]\{[^}]*\}\{[^}]*\}", "", value)
        rows[symbol] = [Decimal(n) for n in re.findall(r"-?\d+\.\d+", value)]
    return rows


def test_the_summary_is_a_table_of_every_result() -> None:
    text, expected = doc("reference-2-3-1"), reference()
    summary = text[text.index("## Summary") :]
    assert summary.count("\n| ") == 2 + 7  # the header, its rule, then one row per result
    rows = table_rows(summary)
    symbols = {
        "yhat": "\\hat{y}",
        "J": "J",
        "dW1": "\\frac{\\partial J}{\\partial W^{(1)}}",
        "db1": "\\frac{\\partial J}{\\partial b^{(1)}}",
        "dW2": "\\frac{\\partial J}{\\partial W^{(2)}}",
        "db2": "\\frac{\\partial J}{\\partial b^{(2)}}",
        "dx": "\\frac{\\partial J}{\\partial x}",
    }
    for key, symbol in symbols.items():
        assert rows[symbol] == [Decimal(shown(v)) for v in np.ravel(expected[key])], key
    latex = doc("reference-2-3-1", fmt="latex")
    assert "\\begin{tabular}" in latex[latex.index("\\section*{Summary}") :]


def test_the_update_is_written_w_of_t_plus_one() -> None:
    text = doc("batch-relu-softmax-row", "es")
    assert "W^{(1)}(t+1) &= W^{(1)}(t) - \\eta \\frac{\\partial J}{\\partial W^{(1)}}" in text
    assert "$\\displaystyle b^{(2)}(t+1)$" in text  # in the table of results too


# -- smaller fixes ---------------------------------------------------------------------------------


def test_the_hinge_loss_with_its_scores_and_semicolons_in_spanish() -> None:
    scores = np.array([[0.2, -0.5, 0.1, 2.0], [1.5, 1.3, 2.1, 0.0], [0, 0.25, 0.2, -0.3]]) @ [
        56,
        231,
        24,
        2,
    ] + np.array([1.1, 3.2, -1.2])
    first = f"\\max(0; {shown(scores[1], comma=True)} - ({shown(scores[0], comma=True)}) + 1)"
    assert first in doc("cs231n-linear-hinge", "es")
    assert first.replace("; ", ", ").replace("{,}", ".") in doc("cs231n-linear-hinge")


def test_no_factor_of_one_is_written() -> None:
    assert "\\frac{1}{1}" not in doc("tanh-batch-column")  # mean over one output unit
    assert "1 e^{" not in doc("binary-cross-entropy")  # ELU with α = 1


def test_every_hand_rounded_log_line_multiplies_out() -> None:
    """Under --hand-rounding a line −log p = ℓ is written only where, with the p it shows, it
    gives the ℓ it shows (else the core computed ℓ from the logits, and the line is left out)."""
    found = 0
    for name in NETWORKS:
        for aligned in re.findall(
            r"\\begin\{aligned\}(.*?)\\end\{aligned\}", doc(name, hand=3), re.S
        ):
            rows = aligned.split("&= ")
            for row, following in pairwise(rows):
                logs = [float(v) for v in re.findall(r"-\\log ([\d.]+)", row)]
                if not logs:
                    continue
                results = [Decimal(v) for v in re.findall(r"-?\d+\.\d+", following)]
                assert [Decimal(shown(-np.log(v), 3)) for v in logs] == results, (name, row)
                found += 1
    assert found >= 1  # softmax-cross-entropy: J = −log 0.151 = 1.890


def test_every_hand_rounded_mean_gradient_line_multiplies_out() -> None:
    """∂J/∂ŷ = 1/m (ŷ − y) (or p − y), written with its numbers only where they give the
    result shown."""
    found = 0
    for name in NETWORKS:
        for aligned in re.findall(
            r"\\begin\{aligned\}(.*?)\\end\{aligned\}", doc(name, hand=3), re.S
        ):
            rows = aligned.split("&= ")
            for row, following in pairwise(rows):
                scale = re.match(r"\\frac\{1\}\{(\d+)\}\\left\(", row)
                if not scale or "\\cdots" in row or "\\end{pmatrix} -" not in row:
                    continue
                values = [Decimal(v) for v in re.findall(r"-?\d+(?:\.\d+)?", row[scale.end() :])]
                half = len(values) // 2
                written = [
                    (a - b) / int(scale[1])
                    for a, b in zip(values[:half], values[half:], strict=True)
                ]
                results = [Decimal(v) for v in re.findall(r"-?\d+\.\d+", following)]
                assert [Decimal(shown(float(v), 3)) for v in written] == results, (name, row)
                found += 1
    assert found >= 1  # binary-cross-entropy's fused δ = 1/2 (ŷ − y)
