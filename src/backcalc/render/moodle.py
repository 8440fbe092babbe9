"""Moodle XML (the question bank's import format, question/format/xml in Moodle's source): for
each variant a category `<category>/<title>/<variant>` and one embedded-answers (Cloze)
question per step of its hand solution, in the grader's order (core.grading.model and
graphmodel), each entry a NUMERICAL sub-question (backcalc.render.cloze):

- 100 %: the value, within the grader's decimals rule at `decimals` (0.51 of a unit in the last
  decimal); also, where they fall outside it, the computation rounded at every step (d ≥ 2)
  and the value cut instead of rounded, which the grader accepts too (with its remark);
- 0 %: the value of every buggy rule that can happen at the step (the grader's slips, from the
  correct values of every earlier step), its feedback the grader's sentence naming the slip;
  one an earlier answer already takes is left out, or named in that answer (ambiguous), and so
  is one with no significant figure at `decimals` (the grader never names those).

The question text is the variant's statement (the document's, as HTML with TeX for Moodle's
MathJax filter: backcalc.render.texhtml), the step asked for and its entries laid out as the
documents lay the quantity out; the general feedback works every entry out with the correct
numbers. Each entry is worth 1 mark (a step's default grade is its number of entries), the
penalty per retry is Moodle's default ⅓. Left out: ŷ (it is a⁽ᴸ⁾), the predicted class, ℓ per
observation (J is asked), ∂J/∂x, a graph's ∂out/∂out = 1, and a step with a non-finite value.
"""

from __future__ import annotations

import dataclasses
import math
from html import escape
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

import numpy as np

from backcalc.core.grading import Diagnosis, Judged, Remark, steps_for
from backcalc.core.grading.model import World
from backcalc.core.grading.tolerance import Tolerance, no_significant_figure
from backcalc.core.texts import in_language
from backcalc.errors import NumericalError
from backcalc.render import cloze, shapes, texhtml
from backcalc.render.cloze import Answer
from backcalc.render.document.build import document
from backcalc.render.grading import GradingText, entry_index
from backcalc.render.html import tag
from backcalc.render.mathml import xml_text
from backcalc.render.style import Style

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from backcalc.core.activations import Array
    from backcalc.core.grading.model import Key, Steps

    Cells = NDArray[np.object_]  # an entry's sub-question (str) in each cell

DEFAULT_CATEGORY = "$course$/backcalc"
PENALTY = "0.3333333"  # Moodle's default: a third of the marks lost per retry (adaptive modes)
LEFT_OUT = ("prediction", "predicted_class", "losses", "dJ_dx")
UPDATES = ("weights_updated", "bias_updated")
WEIGHTS, BIASES = ("dJ_dW", "weights_updated"), ("dJ_db", "bias_updated")
CUT_SHARE = 0.01  # of a unit: how near a cut number must be (tolerance.truncated's)
HOLE = "\x00"  # where an entry's sub-question goes, while the text around it is guarded


def questions(
    variants: Sequence[tuple[str, Any]],
    decimals: int,
    style: Style,
    category: str = DEFAULT_CATEGORY,
) -> str:
    """The Moodle XML `<quiz>` of `variants`, (variant id, trace) pairs (a network's Trace or a
    GraphTrace), asked at `decimals`, in the style's language; `category` is the path the
    exercises' categories go under."""
    lines = []
    for variant, trace in variants:
        lines += _Variant(variant, in_language(trace, style.lang), decimals, style).xml(category)
    skeleton = Path(__file__).with_name("moodle-quiz.xml").read_text(encoding="utf-8")
    return Template(skeleton).substitute(questions="\n".join(lines))


class _Variant:
    def __init__(self, variant: str, trace: Any, decimals: int, style: Style) -> None:
        self.variant, self.trace, self.decimals, self.style = variant, trace, decimals, style
        self.model: Steps = steps_for(trace)
        self.world = World(set(self.model.order))  # every step claimed, every value correct
        for key in self.model.order:
            self.world.set(key, self.model.correct(key), dirty=False)
        exercise = trace.exercise
        output = exercise.output if trace.kind == "graph" else None
        self.words = GradingText(style, output, exercise)
        self.tolerance = float(Tolerance().allowance(np.zeros(()), np.asarray(decimals)))
        self.hand = None
        if decimals >= 2:  # as the grader: a hand computation at 2 decimals or more
            try:
                self.hand = exercise.run(hand_rounding=decimals)
            except NumericalError:  # rounding can make a log meet 0
                self.hand = None
        statement = dataclasses.replace(style.doc, part="statement", diagram=False)
        sheet = document(trace, dataclasses.replace(style, doc=statement))
        self.statement = cloze.guard(texhtml.fragment(sheet.head + sheet.statement))

    def xml(self, category: str) -> list[str]:
        """The variant's category, then its questions."""
        title = self.trace.title
        path = [category, *([_path_name(title)] if title else []), _path_name(self.variant)]
        info = self.style.t("moodle.category_info", variant=self.variant, n=self.decimals)
        lines = [
            _element(
                "question",
                tag("category", _text("/".join(path))),
                tag("info", _cdata(texhtml.text(info)), format="html"),
                type="category",
            )
        ]
        for number, key in enumerate(self.steps(), start=1):
            lines.append(self.question(number, key))
        return lines

    def steps(self) -> list[Key]:
        """The steps asked, in the hand solution's order (see the module's docstring)."""
        model, kept = self.model, []
        for key in model.order:
            value = model.correct(key)
            name = key[0]
            yhat = ("prediction", None)
            same = name == "probabilities" and np.allclose(value, model.correct(yhat))
            seed = name == "gradient" and key[1] == getattr(self.trace.exercise, "output", None)
            if name not in LEFT_OUT and not same and not seed and np.all(np.isfinite(value)):
                kept.append(key)
        return kept

    # -- one question ------------------------------------------------------------------------

    def question(self, number: int, key: Key) -> str:
        """The step's Cloze question: an entry a NUMERICAL sub-question, a mark each."""
        model, label = self.model, self.words.step(*key)
        correct = model.user(key, model.correct(key))
        hand = None if self.hand is None else model.internal(self.hand, key)
        hand = None if hand is None else model.user(key, hand)
        slips = []
        for code, slipped in model.slip_values(key, self.world):
            slipped = np.asarray(slipped, dtype=np.float64)
            if slipped.shape == model.correct(key).shape:
                slips.append((code, model.user(key, slipped)))
        fields = np.empty(correct.shape, dtype=object)
        worked = []
        for index in np.ndindex(correct.shape):
            value = float(correct[index])
            entry = [(code, float(slipped[index])) for code, slipped in slips]
            near = None if hand is None else float(hand[index])
            answers = self.answers(key, index, value, near, entry)
            title = xml_text(label + entry_index(index))
            fields[index] = tag("span", cloze.numerical(answers), title=title)
            worked.append(tag("li", texhtml.text(self.worked(key, index, value))))
        text = self.statement + "\n" + self.task(key, label, fields)
        lead = tag("p", texhtml.text(self.style.t("moodle.worked")))
        feedback = "\n".join([lead, tag("ul", "\n" + "\n".join(worked) + "\n")])
        return _element(
            "question",
            tag("name", _text(f"{self.variant} · {number:02d} · {label}")),
            tag("questiontext", _cdata(text), format="html"),
            tag("generalfeedback", _cdata(feedback), format="html"),
            tag("defaultgrade", str(fields.size)),
            tag("penalty", PENALTY),
            tag("hidden", "0"),
            type="cloze",
        )

    def answers(
        self,
        key: Key,
        index: tuple[int, ...],
        value: float,
        hand: float | None,
        slips: list[tuple[str, float]],
    ) -> list[Answer]:
        """The entry's answers: the accepted ones, then each slip's (Moodle takes the first
        that holds a response)."""
        d, t = self.decimals, self.style.t
        found = [Answer(100, value, self.tolerance, t("moodle.correct"))]
        if hand is not None and math.isfinite(hand) and not _held(found, hand):
            found.append(Answer(100, hand, self.tolerance, t("moodle.hand", n=d)))
        cut = math.copysign(math.floor(abs(value) * 10.0**d + 1e-6) / 10.0**d, value)
        if not _held(found, cut):
            found.append(Answer(100, cut, CUT_SHARE * 10.0**-d, self.cut(key, index, value, cut)))
        accepted = len(found)
        for code, wrong in slips:
            faint = no_significant_figure(np.asarray(wrong), np.asarray(d))  # nothing to match
            if not math.isfinite(wrong) or faint or _held(found[:accepted], wrong):
                continue
            taken = next((a for a in found[accepted:] if a.holds(wrong)), None)
            if taken is None:
                found.append(Answer(0, wrong, self.tolerance, "", [code]))
            elif code not in taken.codes:
                taken.codes.append(code)
        for answer in found[accepted:]:
            answer.feedback = self.words.diagnosis(Diagnosis.of(tuple(answer.codes)))
        return found

    def cut(self, key: Key, index: tuple[int, ...], value: float, cut: float) -> str:
        """The grader's remark on a number cut, not rounded."""
        layer, node = (None, key[1]) if isinstance(key[1], str) else (key[1], None)
        written = f"{cut:.{self.decimals}f}"
        remark = Remark("truncated", value=value)
        entry = Judged(
            key[0], layer, index, cut, written, self.decimals, value, value, "correct", None,
            remark, None, None, node,
        )  # fmt: skip
        sentence = self.words.remark(entry)
        assert sentence is not None
        return sentence

    def worked(self, key: Key, index: tuple[int, ...], value: float) -> str:
        """The entry worked out with the correct numbers, and its value at `decimals`."""
        line = self.words.worked(self.model.worked(self.world, key, index), self.trace.exercise)
        scaled = value * 10.0**self.decimals
        if abs(scaled - round(scaled)) < 1e-9:  # no more decimals than asked: shown whole
            return line
        rounded = dataclasses.replace(self.style.numbers, decimals=self.decimals).fixed(value)
        return f"{line} ≈ {rounded}"

    def task(self, key: Key, label: str, fields: Cells) -> str:
        """What to compute, and the entries where the documents put them."""
        n, t = self.decimals, self.style.t
        if key[0] in UPDATES:
            eta = self.style.numbers.given(self.trace.exercise.learning_rate)
            asked = t("moodle.update", step=label, eta=eta, n=n)
        elif key[0] == "value":  # a graph's node
            asked = t("moodle.compute_value", step=label, n=n)
        else:
            asked = t("moodle.compute", step=label, n=n)
        html = [tag("h4", texhtml.text(t("document.task"))), tag("p", texhtml.text(asked))]
        grid = self.grid(key, fields.shape)
        shown = texhtml.text(label)
        if fields.ndim == 0:
            html.append(tag("p", f"{shown} = {HOLE}"))
        elif grid is None:  # a batch's softmax Jacobians: one entry a line
            html.append(tag("ul", tag("li", HOLE) * fields.size))
        else:
            head = tag("td", f"{shown} =", rowspan=str(len(grid)))  # beside the entries
            rows = "".join(
                tag("tr", (head if number == 0 else "") + tag("td", HOLE) * len(row))
                for number, row in enumerate(grid)
            )
            html.append(tag("table", rows, class_="backcalc-entries"))
        pieces = cloze.guard("\n".join(html)).split(HOLE)
        flat = [str(cell) for cell in fields.flat]
        ordered = flat if grid is None else [flat[int(at)] for at in grid.flat]
        return pieces[0] + "".join(f + rest for f, rest in zip(ordered, pieces[1:], strict=True))

    def grid(self, key: Key, shape: tuple[int, ...]) -> Array | None:
        """Where each entry (by its place in `shape`, row-major) goes as the documents lay the
        quantity out; None: one entry a line."""
        name, column = key[0], getattr(self.model, "conv", "column") == "column"
        places = np.arange(math.prod(shape), dtype=np.float64).reshape(shape)
        if name in WEIGHTS:
            return shapes.weights(places, shape)
        if name in BIASES or places.ndim == 0:
            return shapes.vector(places, column)
        internal = places.reshape(self.model.correct(key).shape)
        if internal.ndim == 2:  # per unit: (m, k)
            return shapes.units(internal, column)
        return places if places.ndim == 2 else None  # a softmax Jacobian


def _held(answers: list[Answer], value: float) -> bool:
    return any(answer.holds(value) for answer in answers)


def _path_name(name: str) -> str:
    """A category's name in a path, as Moodle writes it (qformat_default's
    assemble_category_path): `/` doubled, a space before a leading or after a trailing one."""
    escaped = name.replace("/", "//")
    if escaped.startswith("/"):
        escaped = " " + escaped
    return escaped + " " if escaped.endswith("/") else escaped


def _element(name: str, *children: str, **attributes: str) -> str:
    """An element of the XML, its children a line each (indented: their own text untouched)."""
    return tag(name, "".join(f"\n  {child}" for child in children) + "\n", **attributes)


def _text(plain: str) -> str:
    """A <text> of plain text."""
    return tag("text", escape(xml_text(plain), quote=False))


def _cdata(html: str) -> str:
    """A <text> of HTML, in a CDATA section (split where the HTML holds its end)."""
    return tag("text", "<![CDATA[" + xml_text(html).replace("]]>", "]]]]><![CDATA[>") + "]]>")
