"""A course's own symbols (`notation:` in a spec): every table and document follows them,
and JSON keys never change; `--only` and `--layer` choose the steps shown."""

from __future__ import annotations

import dataclasses
import re

import pytest

from backcalc.core.network import run
from backcalc.io import examples
from backcalc.io.spec import read
from backcalc.render.style import DocOptions, Style
from backcalc.render.symbols import ROLES, Symbols, problem, symbol
from backcalc.render.terminal.layout import plain_text
from backcalc.render.terminal.network import network as table

NOTES_004 = (("activation", "y"), ("weights", "w"))
NOTE_003 = (("weights", "omega"), ("bias", "beta"), ("preactivation", "f"), ("activation", "h"))


def trace_of(name: str, notation: tuple[tuple[str, str], ...] = (), hand: int | None = None):  # type: ignore[no-untyped-def]
    path, display = examples.resolve(name)
    exercise = dataclasses.replace(read(path, display), notation=notation)
    return run(exercise, hand)


def shown(trace, **doc: object) -> str:  # type: ignore[no-untyped-def]
    return plain_text(table(trace, Style(doc=DocOptions(**doc))), 100)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("written", "text", "tex"),
    [("y", "y", "y"), ("omega", "ω", r"\omega"), ("ω", "ω", r"\omega"), ("\\beta", "β", r"\beta")],
)
def test_a_symbol_is_a_letter_or_a_greek_letter(written: str, text: str, tex: str) -> None:
    chosen = symbol(written)
    assert chosen is not None and (chosen.text, chosen.tex) == (text, tex)


@pytest.mark.parametrize("written", ["", "w1", "a b", "toolong", "$x$", "\\frac"])
def test_anything_else_is_not_a_symbol(written: str) -> None:
    assert symbol(written) is None
    assert problem("weights", written) is not None


def test_an_unknown_role_names_the_roles() -> None:
    message = problem("weight", "w")
    assert message is not None and all(role in message for role in ROLES)


def test_the_notes_symbols_by_default() -> None:
    symbols = Symbols()
    assert [symbols.text(r) for r in ("activation", "weights", "bias", "loss")] == list("aWbJ")
    assert not symbols.renamed


def test_tables_follow_the_notes_004_notation() -> None:
    text = shown(trace_of("reference-2-3-1", NOTES_004))
    assert "y⁽¹⁾ = σ(z⁽¹⁾)" in text and "z⁽²⁾ = w⁽²⁾·y⁽¹⁾ + b⁽²⁾" in text
    assert "∂J/∂w⁽¹⁾" in text and "∂J/∂y⁽¹⁾" in text
    assert not re.search(r"(?<![∂/])\ba⁽", text) and "W⁽" not in text


def test_tables_follow_note_003_greek_notation() -> None:
    text = shown(trace_of("toy-sin-exp-cos", NOTE_003))
    assert "f⁽¹⁾ = ω⁽¹⁾·x + β⁽¹⁾" in text and "h⁽¹⁾ = sin(f⁽¹⁾)" in text
    assert "∂J/∂ω⁽¹⁾" in text and "∂J/∂β⁽⁴⁾" in text


def test_the_numbers_do_not_change_with_the_notation() -> None:
    plain, renamed = (
        shown(trace_of("reference-2-3-1")),
        shown(trace_of("reference-2-3-1", NOTES_004)),
    )
    numbers = re.compile(r"-?\d+\.\d+")
    assert numbers.findall(plain) == numbers.findall(renamed)


def test_only_and_layer_choose_the_steps() -> None:
    trace = trace_of("reference-2-3-1")
    forward = shown(trace, only=("forward",))
    assert "Forward pass" in forward and "Backward pass" not in forward and "J = " not in forward
    backward = shown(trace, only=("backward",), layer=1)
    assert "Backward pass" in backward and "δ⁽¹⁾" in backward and "δ⁽²⁾" not in backward
    assert "Forward pass" not in backward
    assert "∂J/∂x" in backward  # what layer 1 passes down
    assert "∂J/∂x" not in shown(trace, only=("backward",), layer=2)


def test_a_spec_names_its_symbols(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from backcalc.api import load

    spec = tmp_path / "net.yaml"
    path, _ = examples.resolve("reference-2-3-1")
    spec.write_text(path.read_text() + "notation: {activation: y, weights: w}\n")
    assert dict(load(spec).notation) == {"activation": "y", "weights": "w"}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("notation: {weight: w}", "notation.weight: unknown key 'weight'; did you mean 'weights'?"),
        ("notation: {weights: w1}", "notation.weights: 'w1' is not a symbol"),
        ("notation: [w]", "notation: expected the symbols"),
    ],
)
def test_a_bad_symbol_is_located(tmp_path, line: str, message: str) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import invoke

    path, _ = examples.resolve("reference-2-3-1")
    text = path.read_text()
    spec = tmp_path / "net.yaml"
    spec.write_text(text + line + "\n")
    code, out, err = invoke("run", str(spec))
    row = len(text.splitlines()) + 1
    assert code == 2 and out == ""
    assert err.startswith(f"{spec}:{row}:") and message in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("reference-2-3-1", "--layer", "3"), "--layer 3: no such layer"),
        (("reference-2-3-1", "--only", "update"), "no learning_rate"),
        (("cs231n-circuit", "--only", "loss"), "a forward and a backward pass only"),
        (("cs231n-circuit", "--layer", "1"), "no --layer"),
        (("reference-2-3-1", "-f", "json", "--only", "forward"), "tables and documents"),
        (("reference-2-3-1", "-f", "pdf"), "-o FILE"),
    ],
)
def test_steps_that_do_not_exist_are_refused(args: tuple[str, ...], message: str) -> None:
    from tests.helpers import invoke

    code, out, err = invoke("run", *args)
    assert (code, out) == (2, "") and message in err and len(err.splitlines()) == 1


def test_a_graph_shows_only_its_forward_or_backward_pass() -> None:
    from tests.helpers import invoke

    _, forward, _ = invoke("run", "cs231n-circuit", "--only", "forward", "-f", "markdown")
    _, backward, _ = invoke("run", "cs231n-circuit", "--only", "backward")
    assert "## Forward pass" in forward and "Backward pass" not in forward
    assert "Backward pass" in backward and "Forward pass" not in backward


def test_check_reports_follow_the_notation(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import invoke

    path, _ = examples.resolve("reference-2-3-1")
    spec = tmp_path / "net.yaml"
    spec.write_text(path.read_text() + "notation: {activation: y, weights: w}\n")
    answers = path.parent / "answers" / "reference-2-3-1-hand.yaml"
    code, out, _ = invoke("check", str(spec), "--answers", str(answers), columns=80)
    assert code == 1
    assert "∂J/∂w⁽¹⁾" in out and "y⁽¹⁾" in out and "∂J/∂y⁽¹⁾[1] · g'(z⁽¹⁾)[1]" in out
    assert "W⁽" not in out and "a⁽" not in out
    code, out, _ = invoke("check", str(spec), "--answers", str(answers), "-f", "json")
    assert '"dJ_dW"' in out  # JSON keys never change


@pytest.mark.parametrize(
    "args",
    [
        ("reference-2-3-1", "--layer", "3"),
        ("reference-2-3-1", "--only", "update"),
        ("cs231n-circuit", "--only", "loss"),
        ("reference-2-3-1", "-f", "json", "--only", "forward"),
        ("reference-2-3-1", "-f", "json", "--diagram"),
    ],
)
def test_the_refusals_are_in_spanish_too(args: tuple[str, ...]) -> None:
    from tests.helpers import invoke

    _, _, english = invoke("run", *args)
    code, _, spanish = invoke("run", *args, "--lang", "es")
    assert code == 2 and spanish != english
    assert not re.search(r"\b(the|no such|has|choose|shape)\b", spanish.split(": ", 1)[1])


def test_a_bad_symbol_is_refused_in_spanish(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import invoke

    path, _ = examples.resolve("reference-2-3-1")
    spec = tmp_path / "net.yaml"
    spec.write_text(path.read_text() + "notation: {weights: w1}\n")
    _, _, err = invoke("run", str(spec), "--lang", "es")
    assert "no es un símbolo" in err
    spec.write_text(path.read_text() + "notation: [w]\n")
    _, _, err = invoke("run", str(spec), "--lang", "es")
    assert "los símbolos a usar" in err


EVERY_ROLE = (
    ("input", "u"),
    ("target", "t"),
    ("output", "o"),
    ("preactivation", "f"),
    ("activation", "h"),
    ("weights", "omega"),
    ("bias", "beta"),
    ("loss", "L"),
    ("delta", "e"),
)
NETWORKS = [e.name for e in examples.all_examples() if read(e.path, e.name).kind == "network"]
DEFAULT_SYMBOL = re.compile(
    r"(?<![A-Za-z\\])[azWb]\^\{\(|\\delta\^\{\(|\\hat\{y\}|(?<![A-Za-z\\])[Jxy](?![A-Za-z])"
)
NUMBER = re.compile(r"-?\d+(?:\{,\}|\.)\d+")


def math_of(document: str) -> str:
    """The math of a Markdown document: displays and inline $...$ (prose left out)."""
    displays = re.findall(r"\$\$\n(.*?)\n\$\$", document, re.S)
    inline = re.findall(
        r"(?<!\$)\$([^$\n]+)\$(?!\$)", re.sub(r"\$\$\n.*?\n\$\$", "", document, flags=re.S)
    )
    return "\n".join(displays + inline)


@pytest.mark.parametrize("name", NETWORKS)
def test_every_network_document_follows_a_renamed_notation(name: str) -> None:
    from backcalc.render.markdown import network as markdown

    plain = markdown(trace_of(name, (), 3 if name == "reference-2-3-1" else None))
    renamed = markdown(trace_of(name, EVERY_ROLE, 3 if name == "reference-2-3-1" else None))
    math = math_of(renamed)
    left = [
        m.group()
        for m in DEFAULT_SYMBOL.finditer(re.sub(r"\\(text|texttt|mathrm)\{[^}]*\}", "", math))
    ]
    assert left == [], left[:5]
    assert r"\omega^{(1)}" in math and "h^{(1)}" in math
    assert NUMBER.findall(plain) == NUMBER.findall(renamed)  # the same numbers, in order


def test_a_renamed_latex_document_compiles(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from backcalc.render.latex import network as latex
    from tests.helpers import compile_latex

    if not shutil.which("pdflatex"):
        pytest.skip("pdflatex is not installed")
    (tmp_path / "doc.tex").write_text(latex(trace_of("batch-relu-softmax-row", EVERY_ROLE)))
    assert compile_latex(tmp_path, "doc.tex") == (0, [])


def test_a_document_shows_only_the_steps_asked_for() -> None:
    from tests.helpers import invoke

    _, forward, _ = invoke("run", "reference-2-3-1", "-f", "markdown", "--only", "forward")
    headings = [line for line in forward.splitlines() if line.startswith("## ")]
    assert headings == ["## Statement", "## Forward pass"]
    _, layer, _ = invoke(
        "run",
        "mazur-shared-bias",
        "-f",
        "markdown",
        "--only",
        "backward",
        "--only",
        "update",
        "--layer",
        "1",
    )
    assert "## Backward pass" in layer and "## Gradient-descent step" in layer
    assert "### Layer 2" not in layer and "W^{(2)}(t+1)" not in layer and "W^{(1)}" in layer


def test_the_diagram_follows_the_notation() -> None:
    from backcalc.render.diagram import svg
    from backcalc.render.document.blocks import Figure

    drawn = svg(Figure(trace_of("toy-sin-exp-cos", NOTE_003), values=True, gradients=True), Style())
    assert "h₁⁽¹⁾" in drawn and "f₁⁽¹⁾" in drawn and "∂J/∂β" in drawn
    assert "a₁⁽¹⁾" not in drawn and "z₁⁽¹⁾" not in drawn and "∂J/∂b" not in drawn
    plain = svg(Figure(trace_of("toy-sin-exp-cos"), values=True, gradients=True), Style())
    assert "a₁⁽¹⁾" in plain and "∂J/∂b" in plain
