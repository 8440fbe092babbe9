"""How graph mode reads in the terminal and in DOT: every gate's rule in both languages and every
local derivative's symbolic form, written out by hand here; rows that never wrap at 80 columns
(a product stays on the line of its local derivative, with its result); DOT numbers in the style
of the other formats (an integral value as an integer, `;` between arguments with a decimal
comma)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backcalc.core.expressions import functions
from backcalc.core.graph import Graph, run
from backcalc.io import examples
from backcalc.io.spec import read
from tests.helpers import invoke

GRAPH_EXAMPLES = [e.name for e in examples.all_examples() if isinstance(read(e.path), Graph)]
LANGS = ["en", "es"]

# function -> (English rule, Spanish rule, its derivative written for an input named q)
FUNCTION_RULES = {
    "tan": ("the derivative is 1/cos²(x)", "su derivada es 1/cos²(x)", "1/cos²(q)"),
    "log": ("the derivative is 1/x", "su derivada es 1/x", "1/q"),
    "sqrt": ("the derivative is 1/(2√x)", "su derivada es 1/(2√x)", "1/(2 · sqrt(q))"),
    "abs": ("the derivative is sign(x)", "su derivada es sign(x)", "sign(q)"),
    "sigmoid": (
        "the derivative is σ(x)(1 − σ(x))",
        "su derivada es σ(x)(1 − σ(x))",
        "sigmoid(q)(1 − sigmoid(q))",
    ),
    "tanh": ("the derivative is 1 − tanh²(x)", "su derivada es 1 − tanh²(x)", "1 − tanh²(q)"),
    "relu": (
        "the derivative is 1 if x > 0, 0 if x < 0, 0 at 0",
        "su derivada es 1 si x > 0, 0 si x < 0, 0 en 0",
        "1(q > 0)",  # note 001's 1(x ≥ y), the ReLU mask
    ),
    "leaky_relu": (
        "the derivative is 1 if x > 0, else 0.01",
        "su derivada es 1 si x > 0, si no 0,01",
        "leaky_relu'(q)",
    ),
    "elu": (
        "the derivative is 1 if x > 0, else 1·exp(x)",
        "su derivada es 1 si x > 0, si no 1·exp(x)",
        "elu'(q)",
    ),
    "softplus": ("the derivative is σ(x)", "su derivada es σ(x)", "sigmoid(q)"),
    "sin": ("the derivative is cos(x)", "su derivada es cos(x)", "cos(q)"),
    "cos": ("the derivative is −sin(x)", "su derivada es −sin(x)", "−sin(q)"),
    "exp": ("the derivative is exp(x)", "su derivada es exp(x)", "exp(q)"),
}
# the other gates -> (English rule, Spanish rule) and the steps that use them
GATE_RULES = {
    "q + w": ("add: passes the gradient through", "suma: deja pasar el gradiente"),
    "q - w": (
        "subtract: passes the gradient to a and its negative to b",
        "resta: pasa el gradiente a la entrada a y su opuesto a la b",
    ),
    "q * w": ("multiply: swaps the inputs", "producto: intercambia las entradas"),
    "q / w": ("divide: 1/b and −a/b²", "división: 1/b y −a/b²"),
    "q ** w": ("power: b·a^(b−1) and a^b·log a", "potencia: b·a^(b−1) y a^b·log a"),
    "-q": ("negate: −1", "cambio de signo: −1"),
    "max(q, w)": (
        "max: the larger input gets the gradient (the first on a tie)",
        "máx: el gradiente va a la entrada mayor (a la 1.ª si empatan)",
    ),
    "min(q, w)": (
        "min: the smaller input gets the gradient (the first on a tie)",
        "mín: el gradiente va a la entrada menor (a la 1.ª si empatan)",
    ),
}
# the other gates' local derivatives with respect to q and w (q = 0.5, w = 2), by hand
GATE_DERIVATIVES = {
    "q + w": ("1", "1"),
    "q - w": ("1", "-1"),
    "q * w": ("w", "q"),
    "q / w": ("1/w", "−q/w^2"),
    "q ** w": ("w · q^(w − 1)", "q^w · log(q)"),
    "-q": ("-1", None),
    "max(q, w)": ("1(q ≥ w)", "1(w > q)"),
    "min(q, w)": ("1(q ≤ w)", "1(w < q)"),
}


def every_gate_spec(folder: Path) -> Path:
    """A graph with one step per function and per gate, each on the inputs q = 0.5, w = 2."""
    steps = [f"  - h{i} = {name}(q)" for i, name in enumerate(FUNCTION_RULES)]
    steps += [f"  - g{i} = {text}" for i, text in enumerate(GATE_RULES)]
    total = " + ".join([f"h{i}" for i in range(len(FUNCTION_RULES))])
    total += " + " + " + ".join(f"g{i}" for i in range(len(GATE_RULES)))
    spec = folder / "gates.yaml"
    spec.write_text(
        "title: every gate\nsteps:\n" + "\n".join(steps) + f"\n  - s = {total}\n"
        "values: {q: 0.5, w: 2}\noutput: s\n",
        encoding="utf-8",
    )
    return spec


def test_every_function_has_its_rule_here() -> None:
    # a function added to the expressions or the activation registry needs its rule text above
    assert set(functions()) == set(FUNCTION_RULES)


@pytest.mark.parametrize("lang", LANGS)
def test_every_gate_rule_in_both_languages(lang: str, tmp_path: Path) -> None:
    code, out, err = invoke("run", str(every_gate_spec(tmp_path)), "--lang", lang, columns=80)
    assert (code, err) == (0, "")
    lines = [line.strip() for line in out.splitlines()]
    for i, (name, (en, es, derivative)) in enumerate(FUNCTION_RULES.items()):
        rule = f"{name}: {en if lang == 'en' else es}"
        assert any(line.endswith(rule) for line in lines), rule
        # the derivative written for the input's name, then its value
        assert any(line.startswith(f"∂h{i}/∂q = {derivative} = ") for line in lines), name
    for en, es in GATE_RULES.values():
        rule = en if lang == "en" else es
        assert any(line.endswith(rule) for line in lines), rule
    for i, (by_q, by_w) in enumerate(GATE_DERIVATIVES.values()):
        for name, written in (("q", by_q), ("w", by_w)):
            if written is not None:  # a constant is its value alone: ∂g0/∂q = 1
                head = f"∂g{i}/∂{name} = {written}"
                assert any(line.startswith(head) for line in lines), head


def number(text: str) -> float:
    return float(text.strip("()").replace(",", "."))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_backward_rows_read_whole_at_80_columns(name: str, lang: str) -> None:
    code, out, err = invoke("run", name, "--lang", lang, columns=80)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    trace = run(read(examples.find(name).path))  # type: ignore[union-attr]
    # an integral value as an integer, a given one as given (2.3), a computed one with 4 decimals
    num = r"\(?-?\d+(?:[.,]\d+)?\)?"
    row = re.compile(rf"∂(\w+)/∂(\w+) (?:= .* )?= ({num})\s+({num}) · ({num}) = ({num})$")
    seen = set()
    for line in lines:
        found = row.search(line)
        if found:
            node, used, local, upstream, factor, sent = found.groups()
            assert number(local) == number(factor)
            assert abs(number(upstream) * number(factor) - number(sent)) <= 1e-4 + 1e-4 * abs(
                number(sent)
            )
            seen.add((node, used))
    # every input of every node has its whole row: local derivative, product, result
    assert seen == {(n.node.name, used) for n in trace.nodes for used in n.local}
    values = trace.graph.values
    for value_name in values:  # `name = value` never split by the header's wrapping
        assert any(re.search(rf"\b{value_name} = -?\d", line) for line in lines[:4]), value_name
    for used, uses in trace.received.items():  # a fork's sum on one line with its result
        if len(uses) > 1:
            sums = [
                line for line in lines if re.search(rf"^ *({num} \+ ){{{len(uses) - 1}}}", line)
            ]
            assert len(sums) == 1 and re.search(rf"= {num}$", sums[0]), used


@pytest.mark.parametrize("width", [50, 60])
def test_narrow_terminals_put_the_product_under_its_derivative(width: int) -> None:
    code, out, _ = invoke("run", "toy-function-steps", columns=width)
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width
    # at 60 columns or fewer ∂f1/∂omega1's row moves its product to the next line, whole
    at = next(i for i, line in enumerate(lines) if "∂f1/∂omega1 = h1 = 0.9425" in line)
    # a negative factor in parentheses
    product = re.fullmatch(r"→ \((-\d+\.\d{4})\) · 0\.9425 = (-\d+\.\d{4})", lines[at + 1].strip())
    assert product is not None, lines[at + 1]
    assert abs(number(product[1]) * 0.9425 - number(product[2])) < 1e-3


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("shape", ["expression", "steps"])
def test_dot_numbers_in_the_style_of_the_other_formats(
    lang: str, shape: str, tmp_path: Path
) -> None:
    body = (
        "expression: 0.25 * x + 2.5 ** x\n"
        if shape == "expression"
        else "steps:\n  - q = 0.25 * x\n  - f = q + 2.5 ** x\n"
    )
    spec = tmp_path / "g.yaml"
    spec.write_text(f"title: constants\n{body}values: {{x: 0.5}}\n", encoding="utf-8")
    code, out, _ = invoke("run", str(spec), "--lang", lang, "--format", "dot")
    assert code == 0
    point, other = (".", ",") if lang == "en" else (",", ".")
    # the value as given (the terminal's `x = 0.5`), the constants written out, every number
    # with the language's decimal separator
    assert f'"x = 0{point}5\\n' in out
    assert f"0{point}25 · x" in out and f"2{point}5^x" in out
    last = 2.5**0.5 if shape == "expression" else 0.25 * 0.5 + 2.5**0.5
    for value in (0.25 * 0.5, last):
        assert f"{value:.4f}".replace(".", point) in out
    assert not re.search(rf"\d\{other}\d", out)
