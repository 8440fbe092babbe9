"""The Moodle XML questions of a set of variants (issue 14, "Getting it into the LMS"), read back
as Moodle's importer reads them (tests/moodlexml.py: Moodle publishes no schema), and every
number checked against NumPy written here, published values or tests/slipref.py's planters."""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ET
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import backcalc
from backcalc.io import examples
from backcalc.render import cloze
from backcalc.render.cloze import Answer
from backcalc.render.moodle import questions
from backcalc.render.style import style_for
from tests import moodlexml, slipref
from tests.moodlexml import Question, SubQuestion

LOCALES = Path(__file__).resolve().parents[1] / "src" / "backcalc" / "locales"
SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@cache
def slip_texts(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """The grader's sentence and short name of every slip, from the locale file."""
    with (LOCALES / f"{lang}.toml").open("rb") as stream:
        grading = tomllib.load(stream)["grading"]
    return grading["slip"], grading["slip_name"]


def export(
    exercise: Any, lang: str = "en", decimals: int = 3, variant: str = "v01"
) -> tuple[str, list[Question]]:
    trace = backcalc.load(exercise).run() if not hasattr(exercise, "run") else exercise.run()
    text = questions([(variant, trace)], decimals, style_for(lang), "$course$/backcalc")
    return text, moodlexml.read(text)


def clozes(found: list[Question]) -> list[Question]:
    return [q for q in found if q.kind == "cloze"]


def label(name: str, layer: int | None) -> str:
    """The notes' notation of a step, as a student reads it (z⁽¹⁾, ∂J/∂W⁽²⁾, W⁽¹⁾(t+1))."""
    if layer is None:
        return "J"
    s = f"⁽{str(layer).translate(SUP)}⁾"
    return {
        "z": f"z{s}",
        "a": f"a{s}",
        "g_prime": f"g'(z{s})",
        "dJ_da": f"∂J/∂a{s}",
        "delta": f"δ{s}",
        "dJ_dW": f"∂J/∂W{s}",
        "dJ_db": f"∂J/∂b{s}",
        "weights_updated": f"W{s}(t+1)",
        "bias_updated": f"b{s}(t+1)",
    }[name]


def entry(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i + 1) for i in index) + "]" if index else ""


def close(found: float, expected: float, rel: float = 1e-12) -> bool:
    return abs(found - expected) <= rel * max(1.0, abs(expected))


# -- the reference 2-3-1, against NumPy --------------------------------------------------------


def sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def reference_steps() -> list[tuple[str, np.ndarray]]:
    """The 2-3-1's hand solution, step by step (column convention, one observation)."""
    W1 = np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]])
    b1, W2, b2 = np.array([0.1, 0.5, 0.8]), np.array([[-0.4, 0.2, -0.5]]), np.array([0.7])
    x, y = np.array([1.8, -3.4]), 5.0
    z1 = W1 @ x + b1
    a1 = sigmoid(z1)
    z2 = W2 @ a1 + b2
    a2 = sigmoid(z2)
    dJ_da2 = a2 - y
    g2 = a2 * (1 - a2)
    d2 = dJ_da2 * g2
    dJ_da1 = W2.T @ d2
    g1 = a1 * (1 - a1)
    d1 = dJ_da1 * g1
    return [
        ("z⁽¹⁾", z1), ("a⁽¹⁾", a1), ("z⁽²⁾", z2), ("a⁽²⁾", a2),
        ("J", np.asarray(0.5 * float((a2 - y) @ (a2 - y)))),
        ("∂J/∂a⁽²⁾", dJ_da2), ("g'(z⁽²⁾)", g2), ("δ⁽²⁾", d2),
        ("∂J/∂W⁽²⁾", np.outer(d2, a1)), ("∂J/∂b⁽²⁾", d2),
        ("∂J/∂a⁽¹⁾", dJ_da1), ("g'(z⁽¹⁾)", g1), ("δ⁽¹⁾", d1),
        ("∂J/∂W⁽¹⁾", np.outer(d1, x)), ("∂J/∂b⁽¹⁾", d1),
    ]  # fmt: skip


TITLES = {
    "en": "2-3-1 sigmoid network (reference exercise)",
    "es": "Red sigmoidea 2-3-1 (ejercicio de referencia)",
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_reference_exercise_a_question_per_step_with_the_numpy_values(lang: str) -> None:
    _, found = export("reference-2-3-1", lang)
    assert found[0].category == ("$course$", "backcalc", TITLES[lang], "v01")
    steps = reference_steps()
    asked = clozes(found)
    assert [q.name for q in asked] == [f"v01 · {n:02d} · {s}" for n, (s, _) in enumerate(steps, 1)]
    for question, (step, values) in zip(asked, steps, strict=True):
        titles = [sub.title for sub in question.subquestions]
        assert titles == [step + entry(i) for i in np.ndindex(values.shape)], question.name
        assert question.default_grade == values.size  # a mark per entry
        for sub, value in zip(question.subquestions, values.ravel(), strict=True):
            assert sub.weight == 1
            assert sub.correct.fraction == 1 and close(sub.correct.value, float(value)), sub
            assert 0.5e-3 <= sub.correct.tolerance <= 0.52e-3  # the grader's 0.51 of a unit
            assert "," not in "".join(a.answer for a in sub.alternatives)  # Moodle's numbers


def test_a_slip_is_a_zero_answer_naming_it_in_english_and_in_spanish() -> None:
    delta2 = dict(reference_steps())["∂J/∂a⁽²⁾"]  # forgetting g' gives δ⁽²⁾ = ∂J/∂a⁽²⁾
    for lang, verb in (
        ("en", "Compute δ⁽²⁾ (3 decimals)."),
        ("es", "Calcular δ⁽²⁾ (3 decimales)."),
    ):
        _, found = export("reference-2-3-1", lang)
        question = clozes(found)[7]
        assert f"<p>{verb}</p>" in question.text
        sub = question.by_title()["δ⁽²⁾[1]"]
        slip = next(a for a in sub.alternatives if close(a.value, float(delta2[0])))
        assert slip.fraction == 0
        assert slip.shown == slip_texts(lang)[0]["forgot_activation_derivative"]
        assert sub.correct.shown == {"en": "Correct.", "es": "Correcto."}[lang]


def test_a_number_cut_or_rounded_at_every_step_is_accepted_as_the_grader_does() -> None:
    _, found = export("reference-2-3-1", "en")
    a1 = clozes(found)[1].by_title()["a⁽¹⁾[1]"]  # σ(1.98) = 0.87868: 0.879, cut 0.878
    cut = a1.first(0.878)
    assert cut is not None and cut.fraction == 1
    assert cut.shown == "a⁽¹⁾[1]: 0.878 is cut, not rounded (0.8787 rounds to 0.879); accepted."
    assert a1.first(0.877) is None and a1.first(0.879) is a1.correct
    delta2 = clozes(found)[7].by_title()["δ⁽²⁾[1]"]  # −1.11707, by hand at 3 decimals −1.120
    hand = [a for a in delta2.alternatives[1:] if a.fraction == 1]
    assert [a.shown for a in hand] == [
        "Correct: this is what rounding every step to 3 decimals gives."
    ]
    assert 0.00051 < abs(hand[0].value - delta2.correct.value) < 0.01


def test_several_variants_each_in_its_own_category() -> None:
    first, second = backcalc.load("reference-2-3-1"), backcalc.load(reference_spec("other"))
    pairs = [("v01", first.run()), ("v3f9a2c-ana-perez", second.run())]
    found = moodlexml.read(questions(pairs, 2, style_for("en"), "$course$/backcalc"))
    categories = [q.category for q in found if q.kind == "category"]
    assert categories == [
        ("$course$", "backcalc", TITLES["en"], "v01"),
        ("$course$", "backcalc", "other", "v3f9a2c-ana-perez"),
    ]
    assert found[16].kind == "category"  # after the first variant's 15 questions
    assert {q.name.split(" · ")[0] for q in found[17:]} == {"v3f9a2c-ana-perez"}
    assert clozes(found)[0].subquestions[0].correct.tolerance == 0.0051  # 2 decimals


def test_the_statement_is_the_variants_in_tex_with_the_languages_numbers() -> None:
    _, english = export("reference-2-3-1", "en")
    _, spanish = export("reference-2-3-1", "es")
    text_en, text_es = clozes(english)[0].text, clozes(spanish)[0].text
    assert "\\(a^{(0)} = x\\)" in text_en and "<h4>Task</h4>" in text_en
    assert "0.8 &amp; 0.02" in text_en  # a matrix row, escaped for HTML
    assert "0{,}8 &amp; 0{,}02" in text_es and "<h4>Se pide</h4>" in text_es
    assert "\\[J = \\frac{1}{2}" in text_es


def test_the_general_feedback_works_every_entry_out() -> None:
    _, found = export("reference-2-3-1", "en")
    feedback = clozes(found)[13].general_feedback  # ∂J/∂W⁽¹⁾
    lines = re.findall(r"<li>(.*?)</li>", feedback)
    assert len(lines) == 6
    assert lines[0].startswith("∂J/∂W⁽¹⁾[1, 1] = δ⁽¹⁾[1] · x[1] = ")
    assert lines[0].endswith("≈ 0.086")  # 0.0476323 · 1.8 = 0.0857381


# -- a learning rate, a batch, a graph -----------------------------------------------------------

MAZUR = {  # the updated weights of Mazur's "A Step by Step Backpropagation Example" (η = 0.5)
    "W⁽¹⁾(t+1)": [[0.149780716, 0.19956143], [0.24975114, 0.29950229]],
    "W⁽²⁾(t+1)": [[0.35891648, 0.408666186], [0.511301270, 0.561370121]],
}


def test_a_learning_rate_asks_the_updates_with_their_slips() -> None:
    _, found = export("mazur-shared-bias", "en", decimals=4)
    asked = {q.name.split(" · ")[2]: q for q in clozes(found)}
    assert list(asked)[-4:] == ["W⁽¹⁾(t+1)", "b⁽¹⁾(t+1)", "W⁽²⁾(t+1)", "b⁽²⁾(t+1)"]
    for step, published in MAZUR.items():
        question = asked[step]
        assert "learning rate η = 0.5 and compute " + step in question.text
        for index in np.ndindex(2, 2):
            sub = question.by_title()[step + entry(index)]
            assert close(sub.correct.value, published[index[0]][index[1]], rel=1e-8)
    sub = asked["W⁽²⁾(t+1)"].by_title()["W⁽²⁾(t+1)[1, 1]"]
    sentences = slip_texts("en")[0]
    old = next(a for a in sub.alternatives if a.shown == sentences["update_not_applied"])
    assert old.value == 0.4 and old.fraction == 0  # w5 as given
    gradient = (0.4 - MAZUR["W⁽²⁾(t+1)"][0][0]) / 0.5
    uphill = next(a for a in sub.alternatives if a.shown == sentences["update_sign"])
    assert close(uphill.value, 0.4 + 0.5 * gradient, rel=1e-8)


def test_a_batch_in_column_convention_lays_the_entries_out_as_the_documents() -> None:
    X = np.array([[1.0, 2.0], [-0.5, 0.5], [0.0, -1.0]])
    W1, b1 = np.array([[0.3, -0.1], [0.2, 0.4]]), np.array([0.0, -0.1])
    W2, b2, y = np.array([0.7, -0.5]), 0.2, np.array([0.5, -0.2, 0.1])
    z1 = X @ W1.T + b1  # (m, k): observation i, unit j
    yhat = np.tanh(z1) @ W2 + b2
    dJ_dyhat = 2 * (yhat - y) / 3  # mean squared error, averaged over the batch of 3
    _, found = export("tanh-batch-column", "en")
    asked = {q.name.split(" · ")[2]: q for q in clozes(found)}
    first = asked["z⁽¹⁾"]
    # one row per unit, one column per observation: the table reads z[1,1], z[2,1], z[3,1], ...
    order = [(i, j) for j in range(2) for i in range(3)]
    assert [s.title for s in first.subquestions] == [f"z⁽¹⁾{entry(i)}" for i in order]
    for sub, index in zip(first.subquestions, order, strict=True):
        assert close(sub.correct.value, z1[index])
    sentence = slip_texts("en")[0]["batch_sum_vs_mean"]
    for i in range(3):
        sub = asked["∂J/∂a⁽²⁾"].by_title()[f"∂J/∂a⁽²⁾[{i + 1}, 1]"]
        assert close(sub.correct.value, dJ_dyhat[i])
        factors = sorted(a.value / dJ_dyhat[i] for a in sub.alternatives if a.shown == sentence)
        assert np.allclose(factors, [1 / 3, 3])


def test_a_graph_asks_every_value_and_gradient_but_the_seed() -> None:
    _, found = export("ng-computation-graph", "en")
    asked = {q.name.split(" · ")[2]: q for q in clozes(found)}
    # Andrew Ng's J = 3(a + bc) at a = 5, b = 3, c = 2: u = 6, v = 11, J = 33; dJ/da = 3, ...
    expected = {"u": 6, "v": 11, "J": 33, "∂J/∂v": 3, "∂J/∂u": 3, "∂J/∂a": 3, "∂J/∂b": 6}
    assert list(asked) == [*expected, "∂J/∂c"]  # no ∂J/∂J = 1
    for step, value in {**expected, "∂J/∂c": 9}.items():
        (sub,) = asked[step].subquestions
        assert sub.title == step and sub.correct.value == value
    assert "<p>Compute the value of u (3 decimals).</p>" in asked["u"].text
    sentence = slip_texts("en")[0]["forgot_upstream"]
    (sub,) = asked["∂J/∂b"].subquestions  # the local ∂u/∂b = c alone
    assert [a.value for a in sub.alternatives if a.shown == sentence] == [2]


def test_every_shipped_example_imports() -> None:
    for example in examples.all_examples():
        if example.name == "digits-64-15-10":
            continue  # 960 entries of ∂J/∂W⁽¹⁾: no one asks them in a quiz
        _, found = export(example.name, "es")
        assert found[0].kind == "category" and len(clozes(found)) >= 3, example.name
        assert all(q.subquestions for q in clozes(found)), example.name


# -- escaping ----------------------------------------------------------------------------------

TRICKY = "Tom & Jerry's <b>net</b> } # ~ \\ {1:SA:=x} {#1} ]]> a/b"


def reference_spec(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "input": [1.8, -3.4],
        "target": 5,
        "layers": [
            {"weights": [[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]], "bias": [0.1, 0.5, 0.8],
             "activation": "sigmoid"},
            {"weights": [[-0.4, 0.2, -0.5]], "bias": [0.7], "activation": "sigmoid"},
        ],
        "loss": "half_squared_error",
    }  # fmt: skip


def test_a_title_with_markup_braces_and_hashes_stays_text() -> None:
    _, found = export(reference_spec(TRICKY), "en")
    assert found[0].category == ("$course$", "backcalc", TRICKY, "v01")  # a/b: one name
    first = clozes(found)[0]
    assert len(first.subquestions) == 3  # z⁽¹⁾'s three entries, no SHORTANSWER from the title
    page = ET.fromstring("<div>" + re.sub(r"\{#\d+\}", "", first.text) + "</div>")
    heading = page.find("h3")
    assert heading is not None and "".join(heading.itertext()) == TRICKY


FEEDBACK = "a } b # c ~ d \\ e \" f < g & h ' i {1:SA:=x} \\} \\# &amp; ]]>"


def test_a_feedback_reaches_moodle_as_written() -> None:
    field = cloze.numerical([Answer(100, 1.5, 0.01, FEEDBACK), Answer(0, -2e-7, 1e-9, FEEDBACK)])
    text, (sub,) = moodlexml.extract(f'<p><span title="e">{field}</span></p>')
    assert text == '<p><span title="e">{#1}</span></p>'
    assert [a.shown for a in sub.alternatives] == [FEEDBACK, FEEDBACK]
    assert [(a.fraction, a.value, a.tolerance) for a in sub.alternatives] == [
        (1.0, 1.5, 0.01),
        (0.0, -2e-7, 1e-9),
    ]


# -- the reader fails where Moodle would import something else ---------------------------------

GOOD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
    '<question type="category"><category><text>$course$/x</text></category>'
    '<info format="html"><text>i</text></info></question>\n'
    '<question type="cloze"><name><text>q</text></name>'
    '<questiontext format="html"><text><![CDATA[<p><span title="e">{1:NUMERICAL:=1.5:0.01#ok~%0%2:0.01#no}</span></p>]]>'
    "</text></questiontext>"
    '<generalfeedback format="html"><text></text></generalfeedback>'
    "<defaultgrade>1</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden></question>\n"
    "</quiz>\n"
)
BROKEN = {
    "no 100 % answer": ("=1.5", "%50%1.5"),
    "not a number": ("=1.5", "=1,5.0"),
    "no tolerance": (":0.01#ok", "#ok"),
    "a brace in a feedback": ("#no}", "#n}o}"),
    "an escape Moodle keeps": ("#no}", "#n\\~o}"),
    "a mark that is not the weights'": ("<defaultgrade>1", "<defaultgrade>2"),
    "info with no format": ('<info format="html">', "<info>"),
    "HTML outside CDATA": ("<text>i</text>", "<text><b>i</b></text>"),
    "an element Moodle ignores": ("<hidden>0</hidden>", "<hidden>0</hidden><usecase>1</usecase>"),
    "a blank first line": ("<?xml", "\n<?xml"),
    "unclosed HTML": ("<p><span", "<p><b><span"),
}


def test_the_reader_takes_a_good_file() -> None:
    (category, question) = moodlexml.read(GOOD)
    assert category.category == ("$course$", "x")
    assert [a.shown for a in question.subquestions[0].alternatives] == ["ok", "no"]


@pytest.mark.parametrize("what", list(BROKEN))
def test_the_reader_refuses(what: str) -> None:
    old, new = BROKEN[what]
    assert old in GOOD
    with pytest.raises((AssertionError, ET.ParseError)):
        moodlexml.read(GOOD.replace(old, new, 1))


# -- every slip of the grader, planted (tests/slipref.py) --------------------------------------

CASES = 4
DECIMALS = 4


def planted_cases(code: str) -> list[tuple[slipref.Net, slipref.Slip]]:
    base = zlib.crc32(f"moodle {code}".encode()) % 100_000 * 1000
    found = []
    for seed in range(base, base + 60 * CASES):
        planted = slipref.PLANTERS[code](np.random.default_rng(seed))
        if planted is not None and planted[1].step[0] != "dJ_dx":  # ∂J/∂x is not asked
            found.append(planted)
        if len(found) == CASES:
            break
    return found


def named(sub: SubQuestion, code: str, value: float) -> str:
    """`named`, `accepted` (an accepted answer takes the value: the precision cannot tell it
    from the correct one) or what is wrong."""
    taken = sub.first(value)
    if taken is None:
        return f"no answer takes {value}"
    if taken.fraction == 1:
        return "accepted"
    sentences, names = slip_texts("en")
    if taken.shown == sentences[code]:  # its own answer: the planter's value
        return "named" if close(taken.value, value, rel=1e-9) else f"{taken.value} for {value}"
    return "named" if names[code] in taken.shown else f"named otherwise: {taken.shown}"


@pytest.mark.parametrize("code", list(slipref.PLANTERS))
def test_every_planted_slip_is_named_by_the_answer_moodle_takes(code: str) -> None:
    checked = 0
    for net, slip in planted_cases(code):
        exercise = backcalc.load(net.spec())
        result = backcalc.run(exercise)
        _, found = export(exercise, "en", DECIMALS)
        correct = slipref.solve(net)
        name, layer = slip.step
        shape = np.shape(result.quantity(name, layer))
        wrong = slipref.user_layout(net, slip.step, slip.value(net, correct), shape)
        right = slipref.user_layout(net, slip.step, correct[slip.step], shape)
        question = next(q for q in clozes(found) if q.name.endswith(" · " + label(name, layer)))
        subs = question.by_title()
        for index in np.ndindex(shape):
            sub = subs[label(name, layer) + entry(index)]
            value, expected = float(wrong[index]), float(right[index])
            assert close(sub.correct.value, expected, rel=1e-9), (slip, index)
            faint = value != 0 and abs(value) * 10**DECIMALS < 0.5  # no significant figure
            if close(value, expected, rel=1e-9) or faint:
                continue
            verdict = named(sub, code, value)
            assert verdict in ("named", "accepted"), (slip, net.spec(), index, verdict)
            checked += verdict == "named"
    assert checked, f"no planted {code} reached an answer of its own"
