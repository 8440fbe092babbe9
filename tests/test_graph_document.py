"""The computational-graph documents (and the graph's terminal and DOT wording), rule by rule:

- no derivative written in terms of itself (the old `∂l/∂f₃ = ∂l/∂f₃ · ∂l/∂l`);
- every local derivative written symbolically, then with the numbers, as note 003 does: its
  symbolic form evaluated independently (the plain text turned into Python) and its value
  against central finite differences, the chain products multiplied out;
- note 003's lines, the numbers computed here with plain Python;
- every gate's rule in each document, in the terminal's words (written out by hand here);
- integral values as integers, `;` between a function's arguments with a decimal comma,
  negative factors in parentheses, in every format.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcalc.core.expressions import DomainError, Expr, Num, Op, Var
from backcalc.core.graph import Graph, Node, local_derivatives, run
from backcalc.errors import NumericalError
from backcalc.io import examples
from backcalc.io.spec import read
from backcalc.render.derivatives import derivative
from backcalc.render.formulas import text
from backcalc.render.gates import number, tex_name
from backcalc.render.numbers import NumberFormat
from tests.helpers import invoke
from tests.test_graph_display import GATE_RULES as TERMINAL_RULES

GRAPH_EXAMPLES = [e.name for e in examples.all_examples() if isinstance(read(e.path), Graph)]
LANGS = ["en", "es"]
FORMATS = ["markdown", "latex"]
H = 1e-6


def graph(name: str) -> Graph:
    spec = read(examples.find(name).path)  # type: ignore[union-attr]
    assert isinstance(spec, Graph)
    return spec


def output(*args: str) -> str:
    code, out, err = invoke("run", *args, columns=80)
    assert (code, err) == (0, ""), err
    return out


def central(expr: Expr, env: dict[str, float], name: str) -> float:
    """∂expr/∂name by central differences, from the forward values alone."""
    up, down = dict(env), dict(env)
    up[name] += H
    down[name] -= H
    return (expr.value(up) - expr.value(down)) / (2 * H)


# -- the plain text of a formula, evaluated by Python (independent of backcalc's evaluation) ----

PY = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x)),
    "sign": lambda x: float((x > 0) - (x < 0)),
    "max": max,
    "min": min,
    "abs": abs,
}


def python(formula: str) -> str:
    """The terminal's plain text as Python: − · ^ ≥ ≤, f²(u) and the juxtapositions 2(u), f(u)(v)
    and the indicator 1(a ≥ b)."""
    out = formula.replace("−", "-").replace("·", "*").replace("^", "**")
    out = out.replace("≥", ">=").replace("≤", "<=")
    while "²(" in out or "³(" in out:  # f²(u) -> (f(u))**2, with u's parentheses balanced
        at = min(i for i in (out.find("²("), out.find("³(")) if i >= 0)
        power = "2" if out[at] == "²" else "3"
        start = at
        while start > 0 and out[start - 1].isalpha():
            start -= 1
        depth, end = 0, at + 1
        for end in range(at + 1, len(out)):
            depth += {"(": 1, ")": -1}.get(out[end], 0)
            if depth == 0:
                break
        out = f"{out[:start]}({out[start:at]}{out[at + 1 : end + 1]})**{power}{out[end + 1 :]}"
    out = re.sub(r"(\d|\))\(", r"\1*(", out)  # 2(u), f(u)(v), 1(a >= b)
    return out


def evaluate(formula: str, env: dict[str, float]) -> float:
    return float(eval(python(formula), {"__builtins__": {}}, {**PY, **env}))


# -- 1. no derivative in terms of itself -----------------------------------------------------------

PARTIAL = r"\\frac\{\\partial ([^{}]+(?:\{[^{}]*\})?)\}\{\\partial ([^{}]+(?:\{[^{}]*\})?)\}"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_no_derivative_is_written_in_terms_of_itself(name: str, lang: str, fmt: str) -> None:
    doc = output(name, "-f", fmt, "--lang", lang)
    lines = [line for line in doc.splitlines() if "&=" in line]
    assert lines
    for line in lines:
        head, rest = line.split("&=", 1)
        found = re.fullmatch(PARTIAL, head.strip())
        if found:
            assert head.strip() not in rest, line  # ∂a/∂b = ∂a/∂b · …
        for of, by in re.findall(PARTIAL, rest):
            assert of != by, line  # no ∂l/∂l factor


@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_no_terminal_row_is_written_in_terms_of_itself(name: str) -> None:
    for line in output(name).splitlines():
        for found in re.finditer(r"(∂\w+/∂\w+) = ", line):
            assert found.group(1) not in line[found.end() :], line


# -- 2. every local derivative: its form and its value --------------------------------------------


def env_of(name: str) -> tuple[Graph, dict[str, float]]:
    spec = graph(name)
    trace = run(spec)
    return spec, dict(spec.values) | {n.node.name: n.value for n in trace.nodes}


@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_every_local_derivative_against_finite_differences(name: str) -> None:
    spec, env = env_of(name)
    trace = run(spec)
    for node in trace.nodes:
        for used, local in node.local.items():
            symbolic = derivative(node.node.expr, used, env)
            fd = central(node.node.expr, env, used)
            assert symbolic.value(env) == pytest.approx(fd, rel=1e-6, abs=1e-8), (node, used)
            assert local == pytest.approx(fd, rel=1e-6, abs=1e-8)
            # the terminal's text of the derivative, evaluated by Python
            written = text(symbolic, repr)
            assert evaluate(written, env) == pytest.approx(fd, rel=1e-6, abs=1e-8), written


@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_terminal_rows_write_the_symbolic_derivative_that_evaluates_to_it(name: str) -> None:
    spec, env = env_of(name)
    out = output(name)
    row = r"∂(\w+)/∂(\w+) = ((?:(?!  )[^=])+?) = (\(?-?[\d.]+\)?)(?:\s{2,}|$)"
    rows = re.findall(row, out, flags=re.M)
    assert rows
    nodes = {node.name: node for node in spec.nodes}
    for node, used, written, value in rows:
        fd = central(nodes[node].expr, env, used)
        assert evaluate(written, env) == pytest.approx(fd, rel=1e-6, abs=1e-8), written
        assert float(value.strip("()")) == pytest.approx(fd, abs=5e-5)


def tex_number(text_: str) -> float:
    return float(text_.strip("()").replace("{,}", "."))


NUM = r"\(?-?\d+(?:\{,\}|\.)?\d*\)?"


def shifted_output(spec: Graph, name: str, delta: float) -> float:
    """The graph's output with `name` (a value or a node, once computed) moved by `delta`: the
    forward pass written again here, so that ∂out/∂name comes from finite differences."""
    env = dict(spec.values)
    if name in env:
        env[name] += delta
    for node in spec.nodes:
        env[node.name] = node.expr.value(env) + (delta if node.name == name else 0.0)
    return env[spec.output]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_document_lines_multiply_out(name: str, lang: str) -> None:
    """Every derivative line ends in its value (finite differences: ∂node/∂name of the node's
    formula, ∂out/∂name of the whole graph); every product of numbers multiplies out."""
    spec, env = env_of(name)
    doc = output(name, "-f", "markdown", "--lang", lang)
    names = {tex_name(plain): plain for plain in env}
    formulas = {node.name: node.expr for node in spec.nodes}
    checked = 0
    for line in doc.splitlines():
        for product in re.findall(rf"= ((?:{NUM} \\cdot {NUM}(?: \+ )?)+) = ({NUM})", line):
            terms = re.findall(rf"({NUM}) \\cdot ({NUM})", product[0])
            total = sum(tex_number(a) * tex_number(b) for a, b in terms)
            # each factor is shown to 4 decimals: its rounding, times the other factor
            slack = sum(5e-5 * (abs(tex_number(a)) + abs(tex_number(b))) for a, b in terms)
            assert total == pytest.approx(tex_number(product[1]), abs=slack + 5e-5), line
        found = re.match(rf"{PARTIAL} &= .*?({NUM})(?: \\\\)?$", line)
        if not found or r"\qquad" in line:  # the summary's lines hold several results
            continue
        of, by, value = names[found.group(1)], names[found.group(2)], tex_number(found.group(3))
        if of == spec.output:
            up, down = shifted_output(spec, by, H), shifted_output(spec, by, -H)
            expected = (up - down) / (2 * H)
        else:
            expected = central(formulas[of], env, by)
        assert value == pytest.approx(expected, abs=5e-5), line
        checked += 1
    assert checked >= len(spec.values) + len(spec.nodes) - 1


@pytest.mark.parametrize("decimals", [2, 3])
def test_hand_rounded_chain_lines_multiply_out_at_the_rounding(decimals: int) -> None:
    doc = output("toy-function-steps", "-f", "markdown", "--hand-rounding", str(decimals))
    products = re.findall(rf"= ({NUM}) \\cdot ({NUM}) = ({NUM})", doc)
    assert len(products) >= 10
    for a, b, c in products:
        exact = tex_number(a) * tex_number(b)
        assert abs(exact - tex_number(c)) <= 0.5 * 10**-decimals + 1e-12, (a, b, c)


# -- 3. note 003's lines, with the numbers computed here ------------------------------------------


def toy() -> tuple[dict[str, float], dict[str, float]]:
    """Note 003's toy function with the values of the book's notebook 7.1, in plain Python."""
    b0, w0, b1, w1, b2, w2, b3, w3, x, y = 1.0, 0.1, 2.0, -0.4, -3.0, 2.0, 0.4, 3.0, 2.3, 2.0
    f0 = b0 + w0 * x
    h1 = math.sin(f0)
    f1 = b1 + w1 * h1
    h2 = math.exp(f1)
    f2 = b2 + w2 * h2
    h3 = math.cos(f2)
    f3 = b3 + w3 * h3
    dl_df3 = 2 * (f3 - y)
    dl_dh3 = w3 * dl_df3
    dl_df2 = -math.sin(f2) * dl_dh3
    dl_dh2 = w2 * dl_df2
    dl_df1 = h2 * dl_dh2
    return {"f3": f3, "f2": f2, "h2": h2, "dl_df3": dl_df3, "dl_dh3": dl_dh3}, {
        "dh3_df2": -math.sin(f2),
        "dl_df2": dl_df2,
        "dl_df1": dl_df1,
        "dl_dh1": w1 * dl_df1,
    }


def es(value: float, decimals: int = 4) -> str:
    """A number as a Spanish LaTeX document writes it."""
    return f"{value:.{decimals}f}".replace(".", "{,}")


def test_note_003_lines() -> None:
    values, grads = toy()
    doc = output("toy-function-steps", "-f", "latex", "--lang", "es")
    f3, f2 = es(values["f3"]), es(values["f2"])
    lines = [
        # ∂l/∂f₃ = 2(f₃ − y) = 2(2,3723 − 2) = 0,7445 (the given y = 2 as given)
        rf"\frac{{\partial l}}{{\partial f_{{3}}}} &= 2(f_{{3}} - y) = 2({f3} - 2) = "
        + es(values["dl_df3"]),
        # ∂h₃/∂f₂ = −sin f₂ = −sin(7,1366) = −0,7535, then the chain product
        rf"\frac{{\partial h_{{3}}}}{{\partial f_{{2}}}} &= -\sin(f_{{2}}) = -\sin({f2}) = "
        + es(grads["dh3_df2"]),
        rf"\frac{{\partial l}}{{\partial f_{{2}}}} &= \frac{{\partial h_{{3}}}}{{\partial f_{{2}}}}"
        rf" \frac{{\partial l}}{{\partial h_{{3}}}} = ({es(grads['dh3_df2'])}) \cdot "
        rf"{es(values['dl_dh3'])} = {es(grads['dl_df2'])}",
        # (−0,4) · (−17,0605): negative factors in parentheses
        rf"= (-0{{,}}4) \cdot ({es(grads['dl_df1'])}) = {es(grads['dl_dh1'])}",
        # given numbers as given, negatives after an operator in parentheses
        rf"f_{{2}} &= \beta_{{2}} + \omega_{{2}} \cdot h_{{2}} = -3 + 2 \cdot {es(values['h2'])}",
    ]
    for line in lines:
        assert line in doc, line
    assert doc.count(r"\frac{\partial l}{\partial l}") == 1  # the seed, in the prose only


# -- 4. every gate's rule, in the terminal's words --------------------------------------------------

# the gates of the shipped graphs -> (their form, English rule, Spanish rule) as documents write
DOC_RULES = {
    "+": ("$a + b$", "add: passes the gradient through", "suma: deja pasar el gradiente"),
    "-": (
        "$a - b$",
        "subtract: passes the gradient to $a$ and its negative to $b$",
        "resta: pasa el gradiente a la entrada $a$ y su opuesto a la $b$",
    ),
    "*": (r"$a \cdot b$", "multiply: swaps the inputs", "producto: intercambia las entradas"),
    "/": (
        r"$\frac{a}{b}$",
        r"divide: $\frac{1}{b}$ and $-\frac{a}{b^{2}}$",
        r"división: $\frac{1}{b}$ y $-\frac{a}{b^{2}}$",
    ),
    "**": (
        "$a^{b}$",
        r"power: $b \cdot a^{b-1}$ and $a^{b} \log a$",
        r"potencia: $b \cdot a^{b-1}$ y $a^{b} \log a$",
    ),
    "neg": ("$-a$", "negate: $-1$", "cambio de signo: $-1$"),
    "max": (
        r"$\max(a, b)$",
        "max: the larger input gets the gradient (the first on a tie)",
        "máx: el gradiente va a la entrada mayor (a la 1.ª si empatan)",
    ),
    "sin": (r"$\sin(x)$", r"sin: the derivative is $\cos(x)$", r"sin: su derivada es $\cos(x)$"),
    "cos": (r"$\cos(x)$", r"cos: the derivative is $-\sin(x)$", r"cos: su derivada es $-\sin(x)$"),
    "exp": (r"$\exp(x)$", r"exp: the derivative is $\exp(x)$", r"exp: su derivada es $\exp(x)$"),
}


def gates(expr: Expr) -> set[str]:
    if not isinstance(expr, Op):
        return set()
    return {expr.op}.union(*(gates(arg) for arg in expr.args))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_every_document_states_every_gates_rule(name: str, lang: str) -> None:
    used = set().union(*(gates(node.expr) for node in graph(name).nodes))
    assert used <= set(DOC_RULES), used - set(DOC_RULES)
    markdown = output(name, "-f", "markdown", "--lang", lang)
    rows = {line for line in markdown.splitlines() if line.startswith("| $")}
    expected = set()
    for op in used:
        form, en, spanish = DOC_RULES[op]
        if lang == "es":
            form = form.replace(r"\max(a, b)", r"\max(a; b)")
        expected.add(f"| {form} | {en if lang == 'en' else spanish} |")
    assert rows == expected
    latex = output(name, "-f", "latex", "--lang", lang)
    for op in used:
        words = DOC_RULES[op][1 if lang == "en" else 2]
        assert words.split(":")[0] + ":" in latex


@pytest.mark.parametrize("lang", LANGS)
def test_the_documents_rules_are_the_terminals_words(lang: str) -> None:
    """A rule without a formula reads as the terminal's (tests/test_graph_display.py, by hand);
    one with a formula keeps the terminal's words and typesets the formula."""
    terminal = {"+": "q + w", "-": "q - w", "*": "q * w", "max": "max(q, w)"}
    for op, gate in terminal.items():
        words = DOC_RULES[op][1 if lang == "en" else 2].replace("$", "")
        assert words == TERMINAL_RULES[gate][0 if lang == "en" else 1]
    heads = {"/": "q / w", "**": "q ** w", "neg": "-q"}
    for op, gate in heads.items():
        head = TERMINAL_RULES[gate][0 if lang == "en" else 1].split(":")[0]
        assert DOC_RULES[op][1 if lang == "en" else 2].startswith(head + ": $")


# -- 5. integers, `;`, negatives --------------------------------------------------------------------


def test_an_integral_value_is_written_as_an_integer() -> None:
    for decimal_comma in (False, True):
        numbers = NumberFormat(4, decimal_comma)
        assert number(numbers, -12.0) == "-12"
        assert number(numbers, -0.0) == "0"
        assert number(numbers, 2.5) == ("2,5000" if decimal_comma else "2.5000")
        assert number(numbers, 1e70) == ("1,0000e+70" if decimal_comma else "1.0000e+70")


INTEGRAL = ["cs231n-circuit", "cs231n-max-gate", "ng-computation-graph"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", INTEGRAL)
def test_graphs_of_integers_are_written_in_integers(name: str, lang: str) -> None:
    trace = run(graph(name))  # every value and gradient of these is an integer
    assert all(float(v).is_integer() for v in trace.gradients.values())
    assert all(float(n.value).is_integer() for n in trace.nodes)
    for fmt in ("table", "markdown", "latex", "dot"):
        out = output(name, "-f", fmt, "--lang", lang).split(r"\begin{document}")[-1]
        assert not re.search(r"\d(?:\.|,|\{,\})\d", out), (fmt, out)
    assert "-12" in output("cs231n-circuit", "-f", "latex", "--lang", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_arguments_are_separated_by_a_semicolon_with_a_decimal_comma(
    lang: str, tmp_path: Path
) -> None:
    sep = "; " if lang == "es" else ", "
    for fmt in FORMATS:
        doc = output("cs231n-max-gate", "-f", fmt, "--lang", lang)
        assert rf"\max(z{sep}w)" in doc and rf"\max(2{sep}-1)" in doc
    assert f"max(z{sep}w)" in output("cs231n-max-gate", "--lang", lang)
    spec = tmp_path / "m.yaml"  # in steps, DOT writes each node's formula
    spec.write_text("steps:\n  - m = max(z, 0.5 * w)\nvalues: {z: 2, w: -1}\n", encoding="utf-8")
    point = "," if lang == "es" else "."
    dot = output(str(spec), "-f", "dot", "--lang", lang)
    assert f"m = max(z{sep}0{point}5 · w)" in dot
    assert f"max(z{sep}0{point}5 · w)" in output(str(spec), "--lang", lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_negative_factors_are_in_parentheses(name: str, lang: str) -> None:
    for fmt in FORMATS:
        doc = output(name, "-f", fmt, "--lang", lang)
        assert not re.search(r"(\\cdot|[+\-]) -", doc), fmt
        assert not re.search(r"(?<!\()-\d[\d{},]*\^", doc), fmt  # (-2)^{2}, never -2^{2}
    for fmt in ("table", "dot"):
        out = output(name, "-f", fmt, "--lang", lang)
        assert not re.search(r"[·+−] -", out), fmt


# -- 6. the symbolic derivative on random expressions ----------------------------------------------

NAMES = ("x", "y")
LEAVES = st.one_of(
    st.sampled_from([Var(n) for n in NAMES]),
    st.sampled_from([Num(2.0), Num(-3.0), Num(0.5), Num(1.0)]),
)
UNARY = ["sin", "cos", "exp", "tanh", "sigmoid", "neg"]


def grow(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    binary = st.builds(
        lambda op, a, b: Op(op, (a, b)),
        st.sampled_from(["+", "-", "*", "max", "min"]),
        children,
        children,
    )
    unary = st.builds(lambda op, a: Op(op, (a,)), st.sampled_from(UNARY), children)
    powered = st.builds(lambda a, k: Op("**", (a, Num(k))), children, st.sampled_from([2.0, 3.0]))
    divided = st.builds(
        lambda a, b: Op("/", (a, Op("+", (Num(2.0), Op("**", (b, Num(2.0))))))), children, children
    )
    return st.one_of(binary, unary, powered, divided)


EXPRESSIONS = st.recursive(LEAVES, grow, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(
    EXPRESSIONS,
    st.floats(-2, 2, allow_nan=False),
    st.floats(-2, 2, allow_nan=False),
)
def test_symbolic_derivatives_of_random_expressions(expr: Expr, x: float, y: float) -> None:
    env = {"x": x, "y": y}
    try:
        value = expr.value(env)
        core = local_derivatives(Node("f", expr, tuple(expr.names())), env)
        fds = {name: (central(expr, env, name), fine(expr, env, name)) for name in NAMES}
    except (DomainError, NumericalError, OverflowError, ValueError, ZeroDivisionError):
        return
    if not math.isfinite(value) or abs(value) > 1e3:
        return
    # the written formula means what the expression does
    assert evaluate(text(expr, repr), env) == pytest.approx(value, rel=1e-9, abs=1e-9)
    for name in NAMES:
        d = derivative(expr, name, env)
        # the core's local derivative, at every point (a max's tie too)
        assert d.value(env) == pytest.approx(core.get(name, 0.0), rel=1e-9, abs=1e-12)
        assert evaluate(text(d, repr), env) == pytest.approx(d.value(env), rel=1e-9, abs=1e-9)
        fd, finer = fds[name]
        if any(abs(k) < 1e-4 for k in kinks(expr, env)) or abs(fd - finer) > 1e-6 * (1 + abs(fd)):
            continue  # a tie of max or min, or steps too coarse for this curvature
        assert d.value(env) == pytest.approx(fd, rel=1e-5, abs=1e-5), text(d, repr)


def fine(expr: Expr, env: dict[str, float], name: str) -> float:
    """Central differences with a step ten times larger, to tell whether the step is small
    enough for this expression."""
    up, down = dict(env), dict(env)
    up[name] += 10 * H
    down[name] -= 10 * H
    return (expr.value(up) - expr.value(down)) / (20 * H)


def kinks(expr: Expr, env: dict[str, float]) -> list[float]:
    """The distance to a tie of every max and min in the expression."""
    if not isinstance(expr, Op):
        return []
    found = [k for arg in expr.args for k in kinks(arg, env)]
    if expr.op in ("max", "min"):
        a, b = (arg.value(env) for arg in expr.args)
        found.append(a - b)
    return found
