"""What a layered network's drawing shows, before any geometry: its columns (the inputs, each
layer, the loss), the units in each with their lines of text, the edges with their labels and
the notes under the picture. The diagram (TikZ, SVG) and the DOT drawing both draw this.

- A unit shows its bias (given) and, with `values`, its z and a; with `gradients` also
  ∂J/∂b (b and ∂J/∂b without indices: the unit's a and z name it, and the boxes stay
  narrow). An edge is labelled with its weight and, with `gradients`, ∂J/∂w under it. The
  statement's figure (`values` False) shows only what the exercise gives.
- A batch: the picture follows observation 1 (its x, z, a and y), which a note says, so that
  it reads beside the first row (or column) of the tables; ∂J/∂w and ∂J/∂b are of J, over the
  whole batch, as the tables have them.
- A column of more than MAX_UNITS units shows the first HEAD, a ⋮ and the last TAIL, with the
  count in its header; the edges of such a layer are drawn between the units shown, not
  labelled (a note gives the size of W).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from backcalc.render.diagram.text import (
    Line,
    Numbers,
    Piece,
    equals,
    formula_tex,
    line,
    mark,
    math,
    mixed,
    plain_symbol,
    prose,
    symbol,
)
from backcalc.render.notation import layer_index
from backcalc.render.symbols import of as symbols_of

if TYPE_CHECKING:
    from backcalc.core.layer import Layer
    from backcalc.core.network import Trace
    from backcalc.render.style import Style

MAX_UNITS = 8
HEAD, TAIL = 3, 2
MAX_LABELS = 40  # a layer with more edges has them unlabelled (its W is too big to read so)


def shown_units(count: int) -> list[int | None]:
    """The units a column shows (None: the ⋮ standing for the others)."""
    if count <= MAX_UNITS:
        return list(range(count))
    return [*range(HEAD), None, *range(count - TAIL, count)]


@dataclass(frozen=True)
class Unit:
    key: str
    lines: tuple[Line, ...]
    ellipsis: bool = False


@dataclass(frozen=True)
class Column:
    header: tuple[Line, ...]
    units: tuple[Unit, ...]
    shape: str  # input, unit or loss


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    gap: int  # between column gap and gap + 1
    label: tuple[Line, ...] = ()
    prefer: float = 0.5  # where along the edge its label would best be


@dataclass(frozen=True)
class Table:
    """A matrix written out: its name, then rows of cells, each a weight (and its gradient)."""

    title: Line
    rows: tuple[tuple[tuple[Line, ...], ...], ...]


@dataclass(frozen=True)
class Content:
    columns: tuple[Column, ...]
    links: tuple[Link, ...]
    legend: Line | None  # what the edge labels say (drawn when some edge has one)
    notes: tuple[Line, ...]
    weights: tuple[Table, ...]  # per layer: its W (and ∂J/∂W), to write where labels do not fit
    title: str


def unit_key(layer: int, unit: int | None) -> str:
    where = "more" if unit is None else str(unit + 1)
    return f"x{where}" if layer == 0 else f"u{layer}_{where}"


class NetworkParts:
    def __init__(self, trace: Trace, style: Style, values: bool, gradients: bool) -> None:
        self.trace, self.style, self.t = trace, style, style.t
        self.values, self.gradients = values, gradients
        self.n = Numbers(style)
        self.exercise = trace.exercise
        self.network = trace.exercise.network
        self.column = self.network.convention == "column"
        self.symbols = symbols_of(self.exercise)  # the course's symbols (a spec's notation:)
        weights = self.of("weights")
        self.w = math("w", "w") if weights.plain == "W" else weights  # one weight: w
        self.db = self.dJ(self.of("bias"))
        self.sizes: list[int] = [int(self.exercise.x.shape[1])] + [
            layer.n_out(self.network.convention) for layer in self.network.layers
        ]

    def content(self) -> Content:
        columns = [self.inputs()]
        columns += [self.layer(number) for number in range(1, len(self.sizes))]
        columns.append(self.loss())
        links = [link for number in range(1, len(self.sizes)) for link in self.links(number)]
        last = len(self.sizes) - 1
        links += [
            Link(unit_key(last, j), "J", last) for j in shown_units(self.sizes[-1]) if j is not None
        ]
        weights = tuple(self.weight_table(number) for number in range(1, len(self.sizes)))
        title = self.exercise.title or ""
        notes = tuple(self.notes())
        return Content(tuple(columns), tuple(links), self.legend(), notes, weights, title)

    # -- columns -------------------------------------------------------------------------------

    def inputs(self) -> Column:
        count = self.sizes[0]
        header = [line(prose(self.t("diagram.inputs")))]
        if count > MAX_UNITS:
            header.append(line(prose(self.t("diagram.inputs_count", n=count))))
        x = self.exercise.x[0]
        units = [
            Unit(
                unit_key(0, i),
                (line(self.sym("input", i + 1), equals(), self.n.given(float(x[i]))),),
            )
            if i is not None
            else Unit(unit_key(0, None), (line(math("⋮", r"\vdots")),), ellipsis=True)
            for i in shown_units(count)
        ]
        return Column(tuple(header), tuple(units), "input")

    def layer(self, number: int) -> Column:
        layer = self.network.layers[number - 1]
        count = self.sizes[number]
        last = number == len(self.sizes) - 1
        title = self.t("diagram.output", n=number) if last else self.t("diagram.hidden", n=number)
        header = [line(prose(title)), self.activation_line(layer)]
        if count > MAX_UNITS:
            header.append(line(prose(self.t("diagram.units_count", n=count))))
        if self.shared(layer, count):
            header += self.bias_lines(layer, number, None)
        units = [
            self.unit(layer, number, j)
            if j is not None
            else Unit(unit_key(number, None), (line(math("⋮", r"\vdots")),), ellipsis=True)
            for j in shown_units(count)
        ]
        return Column(tuple(header), tuple(units), "unit")

    def dJ(self, by: Piece) -> Piece:
        """∂J/∂w, ∂J/∂b in the course's symbols."""
        J = self.of("loss")
        return math(f"∂{J.plain}/∂{by.plain}", rf"\partial {J.tex}/\partial {by.tex}")

    def of(self, role: str) -> Piece:
        """A role's symbol alone (J, y, b), as the course writes it."""
        return math(self.symbols.text(role), self.symbols.tex(role))

    def sym(self, role: str, index: int | None = None, layer: int | None = None) -> Piece:
        """z₁⁽¹⁾ in the course's symbols."""
        return symbol(self.symbols.text(role), index, layer, tex=self.symbols.tex(role))

    def activation_line(self, layer: Layer) -> Line:
        """a = σ(z): the activation's symbol (its options are in the document's text)."""
        activation = layer.activation
        a, z = self.of("activation"), self.of("preactivation")
        if activation.identity:
            return line(math(f"{a.plain} = {z.plain}", f"{a.tex} = {z.tex}"))
        g = activation.symbol()
        return line(math(f"{a.plain} = {plain_symbol(g)}({z.plain})", f"{a.tex} = {g}({z.tex})"))

    def unit(self, layer: Layer, number: int, j: int) -> Unit:
        lines = []
        if self.values:
            lines.append(
                line(
                    self.sym("preactivation", j + 1, number),
                    equals(),
                    self.computed("z", number, j),
                )
            )
            lines.append(
                line(self.sym("activation", j + 1, number), equals(), self.computed("a", number, j))
            )
        else:
            lines.append(line(self.sym("activation", j + 1, number)))
        if layer.bias is not None and not self.shared(layer, self.sizes[number]):
            lines += self.bias_lines(layer, number, j)
        return Unit(unit_key(number, j), tuple(lines))

    def computed(self, name: str, number: int, j: int) -> Piece:
        values = getattr(self.trace.layers[number - 1], name)
        return self.n.computed(float(values[0, j]))

    @staticmethod
    def shared(layer: Layer, count: int) -> bool:
        """One bias for the layer's units, written once above them (with one unit, on it)."""
        return layer.shared_bias and count > 1

    def bias_lines(self, layer: Layer, number: int, j: int | None) -> list[Line]:
        """The bias and ∂J/∂b: on a unit as b and ∂J/∂b (its z and a name it), or above the
        units as b⁽ˡ⁾, shared, and ∂J/∂b⁽ˡ⁾."""
        assert layer.bias is not None
        at = 0 if j is None or layer.shared_bias else j
        value = float(np.ravel(layer.bias)[at])
        layer_shown = number if j is None else None
        given = line(self.sym("bias", None, layer_shown), equals(), self.n.given(value))
        if j is None:
            given = mixed(self.t("diagram.shared_bias", bias=mark("b")), {"b": _joined(given)})
        lines = [given]
        db = self.trace.layers[number - 1].db
        if self.gradients and db is not None:
            gradient = self.n.computed(float(np.ravel(db)[at]))
            by = self.sym("bias", None, layer_shown)
            grad = line(self.dJ(by), equals(), gradient, tone="gradient")
            lines.append(grad)
        return lines

    def loss(self) -> Column:
        loss = self.network.loss
        head = line(self.of("loss"))
        if self.values:
            head = line(self.of("loss"), equals(), self.n.computed(self.trace.loss))
        formula = loss.describe(self.t, self.style.numbers.given)
        tex = formula_tex(formula) or loss.tex(self.style.numbers.for_math().given)
        # one observation: J is ℓ, written once (J = ½Σ(ŷ − y)²); a batch's J reduces the ℓᵢ
        if self.exercise.batched:
            lines = [head, line(math(f"ℓ = {formula}", rf"\ell = {tex}"))]
        elif self.values:
            lines = [
                line(
                    math(f"J = {formula}", rf"J = {tex}"),
                    equals(),
                    self.n.computed(self.trace.loss),
                )
            ]
        else:
            lines = [line(math(f"J = {formula}", rf"J = {tex}"))]
        target = self.exercise.target[0]
        if loss.classes and not loss.binary and target.size > 1:
            text = self.t("diagram.target_class", y=mark("y"), c=int(np.argmax(target)))
            lines.append(mixed(text, {"y": self.of("target")}))
        else:
            vector = self.n.vector([float(v) for v in target])
            lines.append(line(self.of("target"), equals(), vector))
        units = (Unit("J", tuple(lines)),)
        return Column((line(prose(self.t("diagram.loss"))),), units, "loss")

    # -- edges ---------------------------------------------------------------------------------

    def labelled(self, number: int) -> bool:
        n_in, n_out = self.sizes[number - 1], self.sizes[number]
        return max(n_in, n_out) <= MAX_UNITS and n_in * n_out <= MAX_LABELS

    def links(self, number: int) -> list[Link]:
        layer = self.network.layers[number - 1]
        dW = self.trace.layers[number - 1].dW
        sources = [i for i in shown_units(self.sizes[number - 1]) if i is not None]
        targets = [j for j in shown_units(self.sizes[number]) if j is not None]
        out = []
        for i in sources:
            for order, j in enumerate(targets):
                at = (j, i) if self.column else (i, j)
                label: tuple[Line, ...] = ()
                if self.labelled(number):
                    label = (line(self.n.given(float(layer.weights[at]))),)
                    if self.gradients:
                        label += (line(self.n.computed(float(dW[at])), tone="gradient"),)
                prefer = 0.15 + 0.3 * order / max(1, len(targets) - 1)
                link = Link(unit_key(number - 1, i), unit_key(number, j), number - 1, label, prefer)
                out.append(link)
        return out

    def weight_table(self, number: int) -> Table:
        """The layer's W as the spec writes it (and ∂J/∂W under each weight when asked), for a
        layer whose labels find no place on the edges."""
        layer = self.network.layers[number - 1]
        dW = self.trace.layers[number - 1].dW
        rows = []
        for r in range(layer.weights.shape[0]):
            row = []
            for c in range(layer.weights.shape[1]):
                cell: tuple[Line, ...] = (line(self.n.given(float(layer.weights[r, c]))),)
                if self.gradients:
                    cell += (line(self.n.computed(float(dW[r, c])), tone="gradient"),)
                row.append(cell)
            rows.append(tuple(row))
        return Table(line(self.sym("weights", None, number), equals()), tuple(rows))

    # -- notes -------------------------------------------------------------------------------

    def legend(self) -> Line | None:
        if not any(self.labelled(number) for number in range(1, len(self.sizes))):
            return None
        w, grad = self.w, self.dJ(self.w)
        if self.gradients:
            text = self.t("diagram.legend_gradients", w=mark("w"), grad=mark("g"))
            return mixed(text, {"w": w, "g": grad}, tone="note")
        return mixed(self.t("diagram.legend", w=mark("w")), {"w": w}, tone="note")

    def notes(self) -> list[Line]:
        notes = []
        labelled = [number for number in range(1, len(self.sizes)) if self.labelled(number)]
        m = self.exercise.x.shape[0]
        if m > 1:
            names = "x, z, a, y" if self.values else "x, y"
            text = self.t("diagram.observation", quantities=mark("q"), m=m)
            notes.append(mixed(text, {"q": math(names, names)}, tone="note"))
            if self.gradients:
                text = self.t("diagram.batch_gradients", gradients=mark("g"))
                dw, db = self.dJ(self.w), self.db
                grads = math(f"{dw.plain}, {db.plain}", rf"{dw.tex},\ {db.tex}")
                notes.append(mixed(text, {"g": grads}, tone="note"))
        for number in range(1, len(self.sizes)):
            if number not in labelled:
                rows, columns = self.network.layers[number - 1].weights.shape
                text = self.t("diagram.weights_omitted", W=mark("W"), rows=rows, columns=columns)
                piece = math(f"W{layer_index(number)}", f"W^{{({number})}}")
                notes.append(mixed(text, {"W": piece}, tone="note"))
        return notes


def _joined(given: Line) -> Piece:
    """A line's pieces as one math piece (to fill a placeholder)."""
    return math(given.plain, "".join(piece.tex for piece in given.pieces))
