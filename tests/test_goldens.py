"""Golden files for what a user sees: the terminal output at exactly 80 columns in both
languages, byte for byte (tests/golden/terminal/), and one JSON document of each kind of result,
compared as numbers at a relative tolerance of 1e-12 so that a numpy release that moves the last
bit does not break them (tests/golden/json/).

Regenerate the golden files (only on purpose) with BACKCALC_REGENERATE_GOLDEN=1 pytest."""

from __future__ import annotations

import json
import re

import pytest

from backcalc.io import examples
from tests.helpers import (
    GOLDEN,
    assert_json_golden,
    assert_text_golden,
    invoke,
    json_mismatch,
)

TERMINAL = GOLDEN / "terminal"
JSON = GOLDEN / "json"
LANGS = ["en", "es"]
WIDTH = 80
EXAMPLES = [e.name for e in examples.all_examples()]

# golden file stem -> (command line, exit code); the runs of every example are added below
COMMANDS: dict[str, tuple[tuple[str, ...], int]] = {
    "check-reference-2-3-1": (("check", "reference-2-3-1"), 0),
    "check-cs231n-circuit": (("check", "cs231n-circuit"), 0),
    "check-reference-2-3-1-answers-hand": (
        ("check", "reference-2-3-1", "--answers", "reference-2-3-1-hand"),
        1,  # the hand solution's first wrong step is δ⁽¹⁾
    ),
    "train-reference-2-3-1-steps-3": (
        ("train", "reference-2-3-1", "--steps", "3", "--learning-rate", "0.5"),
        0,
    ),
    "run-reference-2-3-1-hand-rounding-3": (("run", "reference-2-3-1", "--hand-rounding", "3"), 0),
}
TERMINAL_RUNS = {name: (("run", name), 0) for name in EXAMPLES}
assert not set(TERMINAL_RUNS) & set(COMMANDS)

# golden file stem -> (command line, exit code): one document per kind of result
DOCUMENTS: dict[str, tuple[tuple[str, ...], int]] = {
    "run-reference-2-3-1": (("run", "reference-2-3-1"), 0),  # a network, one observation
    "run-batch-relu-softmax-row": (("run", "batch-relu-softmax-row"), 0),  # a batch
    "run-cs231n-circuit": (("run", "cs231n-circuit"), 0),  # a graph
    "check-reference-2-3-1": (("check", "reference-2-3-1"), 0),  # a gradient check
    "check-cs231n-circuit": (("check", "cs231n-circuit"), 0),  # a graph's gradient check
    "check-reference-2-3-1-answers-hand": (  # graded hand answers
        ("check", "reference-2-3-1", "--answers", "reference-2-3-1-hand"),
        1,
    ),
    "train-reference-2-3-1-steps-3": (  # a training run
        ("train", "reference-2-3-1", "--steps", "3", "--learning-rate", "0.5"),
        0,
    ),
}

ANSI = re.compile(r"\x1b\[")


def terminal_output(args: tuple[str, ...], code: int, lang: str) -> str:
    got, out, err = invoke(*args, "--lang", lang, columns=WIDTH)
    assert (got, err) == (code, ""), err
    assert not ANSI.search(out), "colour or cursor codes in the output"
    too_wide = [line for line in out.splitlines() if len(line) > WIDTH]
    assert too_wide == [], f"lines wider than {WIDTH} columns"
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_run_terminal_output_at_80_columns(name: str, lang: str) -> None:
    args, code = TERMINAL_RUNS[name]
    assert_text_golden(TERMINAL / f"{name}.{lang}.txt", terminal_output(args, code, lang))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("stem", list(COMMANDS))
def test_command_terminal_output_at_80_columns(stem: str, lang: str) -> None:
    args, code = COMMANDS[stem]
    assert_text_golden(TERMINAL / f"{stem}.{lang}.txt", terminal_output(args, code, lang))


@pytest.mark.parametrize("stem", list(DOCUMENTS))
def test_json_document(stem: str) -> None:
    args, code = DOCUMENTS[stem]
    got, out, err = invoke(*args, "--format", "json")
    assert (got, err) == (code, ""), err
    assert_json_golden(JSON / f"{stem}.json", out)


def test_every_golden_file_is_tested() -> None:
    """A golden file left behind (an example renamed or removed) would never be compared."""
    terminal = {f"{stem}.{lang}.txt" for stem in [*TERMINAL_RUNS, *COMMANDS] for lang in LANGS}
    assert sorted(p.name for p in TERMINAL.iterdir()) == sorted(terminal)
    assert sorted(p.name for p in JSON.iterdir()) == sorted(f"{s}.json" for s in DOCUMENTS)


# -- the JSON comparer itself ------------------------------------------------------------------


def test_json_comparer_accepts_the_last_bits_and_nothing_more() -> None:
    doc = {"loss": 0.1 + 0.2, "layers": [{"layer": 1, "dJ_dW": [[1.5, -2.25]]}], "ok": True}
    near = json.loads(json.dumps(doc).replace("0.30000000000000004", "0.3"))
    assert json_mismatch(doc, near) is None
    assert json_mismatch({"x": 1e-320}, {"x": 1e-320}) is None
    assert json_mismatch({"x": 0.0}, {"x": 0.0}) is None


@pytest.mark.parametrize(
    ("actual", "where"),
    [
        (
            {"loss": 0.3, "layers": [{"layer": 1, "dJ_dW": [[1.5, -2.25000001]]}], "ok": True},
            "$.layers[0].dJ_dW[0][1]",
        ),
        (
            {"loss": 0.3, "layers": [{"layer": 2, "dJ_dW": [[1.5, -2.25]]}], "ok": True},
            "$.layers[0].layer",
        ),
        (
            {"loss": 0.3, "layers": [{"layer": 1.0, "dJ_dW": [[1.5, -2.25]]}], "ok": True},
            "$.layers[0].layer",
        ),
        (
            {"loss": 0.3, "layers": [{"layer": 1, "dJ_dW": [[1.5]]}], "ok": True},
            "$.layers[0].dJ_dW[0]",
        ),
        (
            {"loss": 0.3, "layers": [{"dJ_dW": [[1.5, -2.25]], "layer": 1}], "ok": True},
            "$.layers[0]",
        ),
        ({"loss": 0.3, "layers": [{"layer": 1, "dJ_dW": [[1.5, -2.25]]}], "ok": 1}, "$.ok"),
        ({"loss": None, "layers": [{"layer": 1, "dJ_dW": [[1.5, -2.25]]}], "ok": True}, "$.loss"),
        ({"loss": "0.3", "layers": [{"layer": 1, "dJ_dW": [[1.5, -2.25]]}], "ok": True}, "$.loss"),
        ({"loss": 0.3, "layers": {"layer": 1}, "ok": True}, "$.layers"),
        (
            {
                "loss": 0.3 * (1 + 1e-11),
                "layers": [{"layer": 1, "dJ_dW": [[1.5, -2.25]]}],
                "ok": True,
            },
            "$.loss",
        ),
    ],
)
def test_json_comparer_names_the_first_difference(actual: object, where: str) -> None:
    expected = {"loss": 0.3, "layers": [{"layer": 1, "dJ_dW": [[1.5, -2.25]]}], "ok": True}
    mismatch = json_mismatch(expected, actual)
    assert mismatch is not None and mismatch.startswith(f"{where}: ")
