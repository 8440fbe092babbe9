"""The exercise sheet: `--part statement|solution|both`, the task, the header lines (`course`,
`author`, `date` in the spec or `--header`), `--numbered`, and the user's texts given in several
languages (`title: {en: ..., es: ...}`), through the command line and the Python API.

The statement must hold no computed number: every number in it is checked against the numbers
the spec gives (its text, and the arrays it reads or draws), by a scanner that is first shown to
find the computed numbers of a solution."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import backcalc
from backcalc.io import examples
from tests.helpers import invoke

EXAMPLES = [e.name for e in examples.all_examples()]
SPEC = """\
title: {en: a sigmoid neuron, es: una neurona sigmoidea}
course: Neural networks 2026
author: A. Teacher
date: 2026-03-16
input: [1.5, -2.0]
target: 1
learning_rate: 0.25
layers:
  - weights: [[0.1, -0.3]]
    bias: [0.2]
    activation: sigmoid
loss: half_squared_error
"""
GRAPH = "title: a product\nsteps: [f = x * y]\nvalues: {x: 3, y: -4}\n"


def run(*args: str) -> str:
    code, out, err = invoke("run", *args)
    assert (code, err) == (0, ""), err
    return out


def spec_file(tmp_path: Path, text: str = SPEC, name: str = "net.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- no computed number in the statement --------------------------------------------------------

NUMBER = re.compile(r"(?<![\w\\.,])\d+(?:[.,]\d+)?")


def given_numbers(name: str) -> tuple[np.ndarray, int]:
    """Every number the spec gives (in its text: values, options, even its title; and the
    arrays it reads from files or draws), as absolute values, and the largest dimension (the
    sizes, counts and indices a statement writes)."""
    path = examples.find(name)
    assert path is not None
    text = path.path.read_text(encoding="utf-8")
    found = [float(n.replace(",", ".")) for n in re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?", text)]
    exercise = backcalc.load(name)
    arrays: list[np.ndarray] = []
    if exercise.kind == "graph":
        arrays.append(np.array(list(exercise.values.values())))  # type: ignore[attr-defined]
        dimension = len(exercise.nodes)  # type: ignore[attr-defined]
    else:
        ex = exercise
        arrays += [ex.x, ex.target]  # type: ignore[attr-defined]
        for layer in ex.network.layers:  # type: ignore[attr-defined]
            arrays.append(layer.weights)
            if layer.bias is not None:
                arrays.append(np.asarray(layer.bias))
        dimension = max([len(ex.network.layers)] + [max(a.shape) for a in arrays if a.ndim])  # type: ignore[attr-defined]
    values = np.concatenate([np.abs(np.ravel(a)) for a in arrays] + [np.abs(found)])
    return values, dimension


def computed_numbers(text: str, name: str) -> list[str]:
    """The numbers in a document's text that the spec does not give: a number with decimals
    that no given number rounds to, or a whole number that is neither given nor a dimension."""
    body = text.split("\\begin{document}", 1)[-1]  # not the preamble's 11pt, 2.2cm
    body = body.replace("{,}", ",")
    given, dimension = given_numbers(name)
    strange = []
    for match in NUMBER.finditer(body):
        written = match.group()
        decimals = len(re.split(r"[.,]", written)[1]) if re.search(r"[.,]", written) else 0
        value = float(written.replace(",", "."))
        if decimals == 0 and value <= max(dimension, 2):
            continue
        if not np.any(np.abs(given - value) <= 0.5 * 10.0**-decimals + 1e-12):
            strange.append(written)
    return strange


def test_the_scanner_finds_the_computed_numbers_of_a_solution() -> None:
    solution = run("reference-2-3-1", "--format", "markdown")
    found = computed_numbers(solution, "reference-2-3-1")
    # J = ½(0.5226 − 5)² = 10.0237, computed here independently of backcalc
    z1 = np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]]) @ [1.8, -3.4] + [0.1, 0.5, 0.8]
    a1 = 1 / (1 + np.exp(-z1))
    yhat = 1 / (1 + np.exp(-(np.array([-0.4, 0.2, -0.5]) @ a1 + 0.7)))
    assert f"{0.5 * (yhat - 5) ** 2:.4f}" in found
    assert f"{yhat:.4f}" in found


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_statement_holds_no_computed_number(name: str, lang: str, fmt: str) -> None:
    statement = run(name, "--format", fmt, "--lang", lang, "--part", "statement")
    assert computed_numbers(statement, name) == []


# -- the parts -----------------------------------------------------------------------------------


def test_the_statement_is_the_sheet_and_the_solution_is_as_before() -> None:
    statement = run("reference-2-3-1", "--format", "markdown", "--part", "statement")
    solution = run("reference-2-3-1", "--format", "markdown")
    assert run("reference-2-3-1", "--format", "markdown", "--part", "solution") == solution
    assert "## Task" in statement and "## Task" not in solution
    assert "## Forward pass" in solution and "## Forward pass" not in statement
    sheet = solution.split("## Forward pass")[0]
    assert statement.startswith(sheet.split("Computed in double precision")[0])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_both_is_the_sheet_then_the_solution_on_a_new_page(lang: str) -> None:
    solution_title = {"en": "Solution", "es": "Solución"}[lang]
    statement = run("reference-2-3-1", "-f", "latex", "--lang", lang, "--part", "statement")
    both = run("reference-2-3-1", "-f", "latex", "--lang", lang, "--part", "both")
    sheet, _, steps = both.partition("\\clearpage\n")
    assert sheet == statement.removesuffix("\\end{document}\n")
    assert steps.lstrip().startswith(f"\\begin{{center}}\n{{\\Large\\bfseries {solution_title}")
    assert both.count("\\clearpage") == 1
    markdown = run("reference-2-3-1", "-f", "markdown", "--lang", lang, "--part", "both")
    first, rule, second = markdown.partition("\n---\n")
    assert rule and second.lstrip().startswith(f"# {solution_title}\n")
    task = {"en": "## Task", "es": "## Se pide"}[lang]
    assert task in first and task not in second


def test_document_options_are_refused_outside_a_document() -> None:
    for option in (["--part", "statement"], ["--numbered"], ["--header", "author=A"]):
        code, out, err = invoke("run", "reference-2-3-1", *option)
        assert (code, out) == (2, "")
        assert err == (
            "reference-2-3-1: --part, --header, --numbered and --diagram shape a document (--format "
            "markdown, latex, html or pdf)\n"
        )


def test_an_unknown_part_is_a_usage_error() -> None:
    code, _, err = invoke("run", "reference-2-3-1", "-f", "latex", "--part", "answers")
    assert code == 2 and err.count("\n") == 1
    assert "Invalid value for '--part'" in err and "statement" in err


# -- the task -----------------------------------------------------------------------------------


def test_a_networks_default_task_names_every_parameter_and_the_update(tmp_path: Path) -> None:
    text = run(spec_file(tmp_path), "-f", "markdown", "--part", "statement")
    task = text.split("## Task\n\n", 1)[1]
    assert task.startswith("Compute the output $\\hat{y}$ and the loss $J$")
    assert "$\\partial J/\\partial W^{(1)}$ and $\\partial J/\\partial b^{(1)}$" in task
    assert "gradient-descent step with learning rate $\\eta = 0.25$" in task
    spanish = run(spec_file(tmp_path), "-f", "markdown", "--part", "statement", "--lang", "es")
    task = spanish.split("## Se pide\n\n", 1)[1]
    assert task.startswith("Calcular la salida $\\hat{y}$ y el costo $J$")
    assert "respecto de cada parámetro" in task and "$\\eta = 0{,}25$" in task
    without_rate = spec_file(tmp_path, SPEC.replace("learning_rate: 0.25\n", ""), "b.yaml")
    assert "gradient-descent" not in run(without_rate, "-f", "markdown", "--part", "statement")


def test_a_graphs_default_task_names_every_input(tmp_path: Path) -> None:
    text = run(spec_file(tmp_path, GRAPH), "-f", "markdown", "--part", "statement")
    assert text.rstrip().endswith(
        "the derivative of the output $f$ with respect to every input: $\\partial f/\\partial x$ "
        "and $\\partial f/\\partial y$."
    )


def test_the_specs_task_in_the_documents_language(tmp_path: Path) -> None:
    task = "task:\n  en: Compute $\\partial J/\\partial W^{(1)}$ & stop.\n  es: Solo $W$, 50%.\n"
    path = spec_file(tmp_path, task + SPEC)
    english = run(path, "-f", "markdown", "--part", "statement")
    assert english.rstrip().endswith("## Task\n\nCompute $\\partial J/\\partial W^{(1)}$ \\& stop.")
    latex = run(path, "-f", "latex", "--part", "statement", "--lang", "es")
    assert "\\section*{Se pide}\n\nSolo $W$, 50\\%.\n" in latex
    spanish = run(path, "-f", "markdown", "--part", "statement", "--lang", "es")
    assert spanish.rstrip().endswith("## Se pide\n\nSolo $W$, 50%.")


# -- the header ---------------------------------------------------------------------------------


def test_the_specs_header_is_under_the_title_in_every_document(tmp_path: Path) -> None:
    path = spec_file(tmp_path)
    markdown = run(path, "-f", "markdown")
    assert markdown.startswith(
        "# a sigmoid neuron\n\nNeural networks 2026 · A. Teacher · 2026-03-16\n\n"
    )
    latex = run(path, "-f", "latex", "--lang", "es")
    assert (
        "\\begin{center}\n{\\Large\\bfseries una neurona sigmoidea\\par}\n\\medskip\n"
        "Neural networks 2026 \\\\\nA. Teacher \\\\\n2026-03-16\n\\end{center}\n"
    ) in latex


def test_header_options_replace_add_and_drop_lines(tmp_path: Path) -> None:
    path = spec_file(tmp_path)
    text = run(
        path, "-f", "markdown", "--header", "author=B. Other = C", "--header", "date=",
        "--header", "course=Redes_1 *2026*",
    )  # fmt: skip
    assert "\n\nRedes\\_1 \\*2026\\* · B. Other = C\n\n" in text
    plain = spec_file(tmp_path, GRAPH, "g.yaml")
    assert "\n\nMe\n\n" in run(plain, "-f", "markdown", "--header", "author=Me")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "autor=A",
            "unknown key 'autor'; did you mean 'author'? (expected: course, author, date, student)",
        ),
        ("title=A", "unknown key 'title' (expected: course, author, date, student)"),
        ("author", "expected KEY=VALUE (course=..., author=..., date=...), found 'author'"),
    ],
)
def test_a_bad_header_option_is_one_line_and_exit_2(value: str, message: str) -> None:
    code, out, err = invoke("run", "reference-2-3-1", "-f", "latex", "--header", value)
    assert (code, out) == (2, "")
    assert err.startswith(f"backcalc run: Invalid value for '--header': {message}. Usage:")
    assert err.count("\n") == 1


HEADERS = ("title", "cours", "autho", "date:")  # the first 5 letters of SPEC's sheet lines


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("author: yes", "3:1: author: expected text, found true (YAML reads yes/no/on/off"),
        ("course: [a, b]", "3:1: course: expected text, found a list"),
        ("date: {day: 1}", "3:1: date: expected text, found a mapping"),
        ("title: {}", "3:1: title: expected one text per language ({en: ..., es: ...}), found {}"),
        ("title: {EN: a}", "3:9: title.EN: expected a language code (en, es), found 'EN'"),
        ("task: {en: [a]}", "3:8: task.en: expected text, found a list"),
        ("description: {es: null}", "3:15: description.es: expected text, found nothing (null)"),
    ],
)
def test_bad_sheet_keys_are_located_errors(tmp_path: Path, line: str, message: str) -> None:
    graph = spec_file(tmp_path, f"# one\n# two\n{line}\n" + GRAPH.split("\n", 1)[1])
    body = "".join(row for row in SPEC.splitlines(keepends=True) if row[:5] not in HEADERS)
    network = spec_file(tmp_path, f"# one\n# two\n{line}\n{body}", "n.yaml")
    for args in (("run", graph), ("check", graph), ("run", network, "-f", "latex")):
        code, out, err = invoke(*args)
        assert (code, out) == (2, ""), err
        assert err.startswith(f"{args[1]}:{message}") and err.count("\n") == 1, err


# -- numbered equations --------------------------------------------------------------------------


def test_numbered_markdown_tags_every_display_in_order() -> None:
    text = run("reference-2-3-1", "-f", "markdown", "--numbered", "--part", "both")
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", text, flags=re.S | re.M)
    assert blocks and all(block.endswith(f"\n\\tag{{{n}}}") for n, block in enumerate(blocks, 1))
    assert "\\tag" not in run("reference-2-3-1", "-f", "markdown")


def test_numbered_latex_numbers_each_display_once() -> None:
    plain = run("cs231n-circuit", "-f", "latex")
    numbered = run("cs231n-circuit", "-f", "latex", "--numbered")
    displays = plain.count("\\[") + plain.count("\\begin{align*}")
    assert displays > 3 and "\\begin{equation}" not in plain
    assert numbered.count("\\begin{equation}") + numbered.count("\\begin{align}") == displays
    assert "\\[" not in numbered and "\\begin{align*}" not in numbered
    for body in re.findall(r"\\begin\{align\}\n(.*?)\n\\end\{align\}", numbered, flags=re.S):
        rows = re.split(r" \\\\\*?\n", body)  # \\* keeps two lines together
        assert all(row.endswith("\\notag") for row in rows[:-1]) and "\\notag" not in rows[-1]


# -- the user's texts in several languages -------------------------------------------------------


def test_a_title_in_several_languages_is_picked_by_the_output_language(tmp_path: Path) -> None:
    path = spec_file(tmp_path)
    assert run(path).startswith("a sigmoid neuron\n")
    assert run(path, "--lang", "es").startswith("una neurona sigmoidea\n")
    assert run(path, "-f", "markdown", "--lang", "es").startswith("# una neurona sigmoidea\n")
    code, out, _ = invoke("check", path, "--lang", "es")
    assert code == 0 and "una neurona sigmoidea" in out.splitlines()[0]
    assert json.loads(run(path, "-f", "json", "--lang", "es"))["title"] == "una neurona sigmoidea"
    assert json.loads(run(path, "-f", "json"))["title"] == "a sigmoid neuron"
    assert 'label="Circuito de cs231n' in run("cs231n-circuit", "-f", "dot", "--lang", "es")


def test_a_language_not_given_falls_back_to_english_then_to_the_first(tmp_path: Path) -> None:
    only_french = spec_file(tmp_path, GRAPH.replace("a product", "{fr: un produit, de: x}"))
    assert run(only_french, "--lang", "es").startswith("un produit\n")
    only_spanish = spec_file(tmp_path, GRAPH.replace("a product", "{es: un producto}"), "b.yaml")
    assert run(only_spanish).startswith("un producto\n")
    english = backcalc.load(spec_file(tmp_path, SPEC, "c.yaml"))
    assert english.title == "a sigmoid neuron"  # a str: every reader of a title keeps working
    assert repr(backcalc.run(english)).startswith("<backcalc run of network 'a sigmoid neuron'")


def test_the_shipped_examples_have_spanish_titles() -> None:
    for name in EXAMPLES:
        title = backcalc.load(name).title
        versions = getattr(title, "versions", {})
        assert set(versions) == {"en", "es"} and versions["en"] != versions["es"], name
        assert str(title) == versions["en"]


def test_train_writes_the_titles_back(tmp_path: Path) -> None:
    out = tmp_path / "trained.yaml"
    code, _, err = invoke(
        "train", "reference-2-3-1", "--steps", "1", "--learning-rate", "0.5", "-o", str(out)
    )
    assert code == 0, err
    again = backcalc.load(str(out))
    assert again.title.versions == backcalc.load("reference-2-3-1").title.versions  # type: ignore[union-attr]


# -- the Python API ------------------------------------------------------------------------------


def test_the_api_renders_the_parts_the_header_and_numbers(tmp_path: Path) -> None:
    result = backcalc.run(spec_file(tmp_path))
    options = ("--part", "both", "--numbered", "--header", "date=")
    assert result.render("latex", "es", part="both", numbered=True, header={"date": ""}) == run(
        spec_file(tmp_path), "-f", "latex", "--lang", "es", *options
    )
    with pytest.raises(backcalc.BackcalcError, match="no part 'sheet'"):
        result.render("markdown", part="sheet")
    with pytest.raises(backcalc.BackcalcError, match="unknown header key 'title'"):
        result.render("markdown", header={"title": "x"})
