"""The words and numbers of a graded answers report, shared by every format that writes one
(terminal, JSON, later the class feedback documents): where an entry is, the correct value at
the precision the student wrote, the slip's text, each remark, the first wrong entry worked out
with the student's numbers."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from backcalc.core.registry import fill
from backcalc.core.rounding import round_half_away
from backcalc.render.notation import activation_text, layer_index, quantity_label
from backcalc.render.style import Style
from backcalc.render.symbols import of as symbols_of

if TYPE_CHECKING:
    from backcalc.core.grading import AnswerSettings, Diagnosis, Grading, Judged, Step
    from backcalc.core.grading.worked import Factor, Worked
    from backcalc.core.graph import Graph
    from backcalc.core.network import Exercise


GIVEN = ("W", "b", "x", "y", "eta", "m", "1/m", "2λ")  # a network's given numbers, as written
WRONG_SHOWN = 40  # entries of wrong steps listed (the terminal without --full, the feedback)
STEP_SHOWN = 12  # a wrong step up to this size is listed whole; a larger one, its wrong entries
MOST_DECIMALS = 12  # a value is shown with one decimal more than written, up to this many
TERMS_SHOWN = 4  # terms of a long sum written out; the rest as "… (n terms)"


def entry_index(index: tuple[int, ...]) -> str:
    """[1, 2]: counted from 1, as everything a person reads."""
    return "[" + ", ".join(str(i + 1) for i in index) + "]" if index else ""


def graph_output(grading: Grading) -> str | None:
    """The output's name when the answers are a graph's (its gradients are ∂out/∂name)."""
    exercise = grading.exercise
    if exercise is None or exercise.kind != "graph":
        return None
    output: str = getattr(exercise, "output")  # noqa: B009  (a Graph, typed as the network's)
    return output


ROLE = {"W": "weights", "b": "bias", "x": "input", "y": "target"}  # a factor's symbol


class GradingText:
    """`output`: the graph's output, for answers to a graph (steps named by node)."""

    def __init__(
        self, style: Style | None = None, output: str | None = None, exercise: object = None
    ) -> None:
        self.style = style or Style()
        self.t = self.style.t
        self.numbers = self.style.numbers
        self.output = output
        self.symbols = symbols_of(exercise)  # the course's symbols (a spec's notation:)

    def step(self, name: str, layer: int | str | None) -> str:
        """δ⁽¹⁾; for a graph's step (layer: the node's name), q or ∂f/∂q."""
        if isinstance(layer, str):
            return f"∂{self.output or 'out'}/∂{layer}" if name == "gradient" else layer
        if name in ("weights_updated", "bias_updated") and layer is not None:
            # an updated parameter as the notes write it, so that an index reads as its own
            role = "weights" if name == "weights_updated" else "bias"
            return f"{self.symbols.text(role)}{layer_index(layer)}(t+1)"
        return quantity_label(name, layer, self.symbols)

    def label(self, item: Step | Judged) -> str:
        """The step of a step or of an entry, by its node in a graph."""
        return self.step(item.quantity, item.layer if item.node is None else item.node)

    def where(self, entry: Judged) -> str:
        return self.label(entry) + entry_index(entry.index)

    def status(self, status: str) -> str:
        return self.style.pick("grading.status", status)

    def written(self, entry: Judged) -> str:
        return self.numbers.written(entry.written)

    def value(self, value: float, decimals: int) -> str:
        """A computed value shown to one decimal more than the student wrote (6 significant
        digits beside a number with no written decimals)."""
        if self.numbers.fixed_only:  # --decimals asked for
            return self.numbers.fixed(value)
        if decimals < 0:
            return self.numbers.significant(value, 6)
        places = min(decimals + 1, MOST_DECIMALS)
        shown = dataclasses.replace(self.numbers, decimals=places, small_in_scientific=True)
        return shown.fixed(value)

    def correct(self, entry: Judged) -> str:
        if entry.quantity == "predicted_class":
            return str(int(entry.correct))
        return self.value(entry.correct, entry.decimals)

    def expected(self, entry: Judged) -> str:
        if entry.quantity == "predicted_class":
            return str(int(entry.expected))
        return self.value(entry.expected, entry.decimals)

    def rule(self, settings: AnswerSettings) -> list[str]:
        tolerance = settings.tolerance
        value = self.numbers.written(tolerance.text.partition(":")[2])  # 0,01 in Spanish
        lines = [self.style.pick("grading.rule", tolerance.rule, value=value)]
        if settings.required_decimals is not None:
            lines.append(self.t("grading.required", n=settings.required_decimals))
        carry = "grading.carry_forward" if settings.carry_forward else "grading.no_carry_forward"
        return [*lines, self.t(carry)]

    def slip(self, code: str) -> str:
        return self.style.pick("grading.slip", code)

    def slip_name(self, code: str) -> str:
        return self.style.pick("grading.slip_name", code)

    def diagnosis(self, diagnosis: Diagnosis) -> str:
        """The diagnosis in one sentence (an ambiguous one lists the slips by name)."""
        if diagnosis.code != "ambiguous":
            return self.slip(diagnosis.code)
        names = "; ".join(self.slip_name(code) for code in diagnosis.alternatives)
        return f"{self.slip_name('ambiguous')}: {names}"

    def remark(self, entry: Judged) -> str | None:
        remark = entry.remark
        if remark is None:
            return None
        values: dict[str, object] = {"where": self.where(entry), "claimed": self.written(entry)}
        if remark.code == "truncated":
            target = entry.correct if remark.value is None else remark.value
            places = max(entry.decimals, 0)
            values["value"] = self.value(target, entry.decimals)
            values["rounded"] = self.numbers.written(f"{round_half_away(target, places):f}")
        elif remark.code == "no_significant_figure":
            values["value"] = self.numbers.significant(entry.correct, 2)
        elif remark.code == "fewer_decimals":
            values["decimals"] = remark.decimals
        elif remark.code == "indistinct":
            values["decimals"] = max(entry.decimals, 0)
            values["slips"] = ", ".join(self.slip_name(code) for code in remark.slips)
        return self.style.pick("grading.remark", remark.code, **values)

    def verdict(self, grading: Grading) -> str:
        """All right, or how many steps are wrong (the first named), carried, imprecise."""
        n = len(grading.steps)
        if grading.passed:
            return self.t("grading.all_right", n=n)
        first = grading.first_wrong_step
        counts = {s: grading.count(s) for s in ("wrong", "carried_forward", "imprecise")}
        if first is None:
            return self.t(
                "grading.summary_no_wrong",
                n=n,
                imprecise=counts["imprecise"],
                carried=counts["carried_forward"],
            )
        return self.t(
            "grading.summary_wrong",
            n=n,
            wrong=counts["wrong"],
            first=self.label(first),
            carried=counts["carried_forward"],
            imprecise=counts["imprecise"],
        )

    def score(self, earned: float, possible: float) -> str:
        given = self.numbers.given
        return self.t("grading.score", earned=given(earned), possible=given(possible))

    @staticmethod
    def wrong_entries(grading: Grading) -> list[Judged]:
        """The entries of the wrong steps (of a large one, only its wrong entries), in order."""
        return [
            entry
            for step in grading.steps
            if step.status == "wrong"
            for entry in step.entries
            if len(step.entries) <= STEP_SHOWN or entry.status == "wrong"
        ]

    # -- the first wrong step, as every report words it -----------------------------------

    def first_lines(self, grading: Grading) -> list[tuple[int, str]]:
        """The first wrong step as (depth, sentence): its title (0); what was written and the
        correct value, the rule with the student's own numbers (1, the line worked out 2), the
        diagnosis (1; an ambiguous one's slips 2) and what follows from it (1). Empty when no
        step is wrong."""
        step, entry = grading.first_wrong_step, grading.first_wrong
        if step is None or entry is None:
            return []
        you_have = self.t(
            "grading.you_have",
            where=self.where(entry),
            claimed=self.written(entry),
            correct=self.correct(entry),
        )
        lines = [(0, self.t("grading.first_title", step=self.label(step))), (1, you_have)]
        if grading.worked is not None and grading.exercise is not None:
            lines.append((1, self.t("grading.from_yours")))
            lines.append((2, self.worked(grading.worked, grading.exercise)))
        return lines + self.diagnosis_lines(step, entry) + self.consequence_lines(grading)

    def diagnosis_lines(self, step: Step, entry: Judged) -> list[tuple[int, str]]:
        diagnosis = step.diagnosis or entry.diagnosis
        if diagnosis is None:
            return [(1, self.t("grading.undiagnosed"))]
        if diagnosis.code != "ambiguous":
            return [(1, self.t("grading.diagnosed", slip=self.slip(diagnosis.code)))]
        alternatives = [(2, f"– {self.slip(code)}") for code in diagnosis.alternatives]
        return [(1, self.t("grading.ambiguous")), *alternatives]

    def consequence_lines(self, grading: Grading) -> list[tuple[int, str]]:
        by_key = {step.key: step for step in grading.steps}
        later = [by_key[key] for key in grading.consequences]
        carried = [s for s in later if s.status == "carried_forward"]
        lines = []
        if carried:
            names = ", ".join(self.label(s) for s in carried)
            verb = self.style.pick("grading.verb", "single" if len(carried) == 1 else "several")
            lines.append((1, self.t("grading.consequences", steps=names, verb=verb)))
        others = [s for s in later if s.status == "wrong"]
        if others:
            names = ", ".join(self.label(s) for s in others)
            lines.append((1, self.t("grading.consequences_wrong", steps=names)))
        return lines

    # -- the first wrong entry, worked out -------------------------------------------------

    def factor_label(self, factor: Factor) -> str:
        if factor.node is not None:  # a graph's: a value by its name, or ∂node/∂by
            return f"∂{factor.node}/∂{factor.by}" if factor.name == "partial" else factor.node
        if factor.name in ("eta", "m", "1/m", "2λ"):
            return {"eta": "η"}.get(factor.name, factor.name)
        index = entry_index(factor.index)
        if factor.name in ROLE:
            symbol = self.symbols.text(ROLE[factor.name])
            if factor.name in ("W", "b"):
                assert factor.layer is not None
                return f"{symbol}{layer_index(factor.layer)}{index}"
            return symbol + index
        return self.step(factor.name, factor.layer) + index

    def factor_value(self, factor: Factor) -> str:
        if factor.name == "given" or (factor.node is None and factor.name in GIVEN):
            return self.numbers.given(factor.value)
        return self.numbers.significant(factor.value, 6)

    def worked(self, worked: Worked, exercise: Exercise | Graph) -> str:
        """`δ⁽¹⁾[1] = ∂J/∂a⁽¹⁾[1] · g'(z⁽¹⁾)[1] = 0.446 · 0.106 = 0.047276`; in a graph
        `∂f/∂x = ∂f/∂q · ∂q/∂x = (−4) · 1 = −4` or `q = x + y = (−2) + 5 = 3`: a negative
        factor of a product, or a negative term after the first, in parentheses."""
        name, layer = worked.key
        head = self.step(name, layer) + entry_index(worked.index)
        result = self.numbers.significant(worked.result, 6)
        factors = [f for _, term in worked.terms for f in term]
        node: object = layer  # a graph's step names its node
        if worked.kind == "node" and isinstance(node, str):
            return chain(head, self._node(exercise, node, factors), result)
        if worked.kind in ("activation", "derivative") and isinstance(layer, int) and factors:
            network: Exercise = exercise  # type: ignore[assignment]  # a layer: a network's
            activation = network.network.layers[layer - 1].activation
            factor = factors[0]
            if worked.kind == "derivative" and factor.name == "a":  # g' as written with a
                template = activation.derivative_numbers
                symbolic = fill(template, a=self.factor_label(factor))
                return chain(head, symbolic, fill(template, a=self.operand(factor)), result)
            derivative = worked.kind == "derivative"
            symbolic = activation_text(
                activation, self.factor_label(factor), derivative, self.style
            )
            numeric = activation_text(activation, self.factor_value(factor), derivative, self.style)
            return chain(head, symbolic, numeric, result)
        if worked.kind == "value":
            given = ", ".join(f"{self.factor_label(f)} = {self.factor_value(f)}" for f in factors)
            return f"{head} = {result}" + (f" ({given})" if given else "")
        symbolic = self._sum(worked, self.factor_label, labels=True)
        numeric = self._sum(worked, self.operand, labels=False)
        return chain(head, symbolic, numeric, result)

    def operand(self, factor: Factor) -> str:
        """A factor's number as an operand: in parentheses when negative (0.446 · (−0.106))."""
        shown = self.factor_value(factor)
        return f"({shown})" if factor.value < 0 else shown

    def _node(self, exercise: Exercise | Graph, name: str, factors: list[Factor]) -> str:
        """A graph node's formula, then with its inputs' values substituted."""
        from backcalc.core.expressions import text

        graph: Graph = exercise  # type: ignore[assignment]  # a node: a graph's
        expr = next(node.expr for node in graph.nodes if node.name == name)
        given = self.numbers.given
        shown = {f.node: self.factor_value(f) for f in factors}

        def value(used: str) -> str:
            number = shown[used]
            return f"({number})" if number.startswith(("-", "−")) else number

        separator = "; " if self.numbers.comma else ", "  # max(0,5; (-1)), not max(0,5, (-1))
        return f"{text(expr, given, None, separator)} = {text(expr, given, value, separator)}"

    def _sum(self, worked: Worked, show: object, labels: bool) -> str:
        assert callable(show)
        text = ""
        for position, (coefficient, term) in enumerate(worked.terms):
            if position == TERMS_SHOWN - 1 and len(worked.terms) > TERMS_SHOWN:
                return text + " + … " + self.t("grading.terms", n=len(worked.terms))
            parts = [str(show(factor)) for factor in term]
            if not labels and len(term) == 1 and position == 0 and coefficient > 0:
                parts = [self.factor_value(term[0])]  # a leading term alone: -0.16 + 0.10
            product = " · ".join(parts)
            if position == 0:
                text = ("−" if coefficient < 0 else "") + product
            else:
                text += (" − " if coefficient < 0 else " + ") + product
        return text


def chain(*parts: str) -> str:
    """`a = b = c`, a part equal to the one before it left out (∂J/∂b⁽¹⁾[1] = δ⁽¹⁾[1] = 0.047,
    not … = 0.047 = 0.047)."""
    kept = [part for k, part in enumerate(parts) if k == 0 or part != parts[k - 1]]
    return " = ".join(kept)
