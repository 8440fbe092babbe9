"""The teacher's combined key as a document: one table per final answer, a row per variant and
a column per entry (ŷ, J, ∂J/∂W⁽¹⁾₁₁ ...), as core.variantkey gives them; the markdown, latex
and html writers write it like any document."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from backcalc.core.variantkey import Answer, VariantKey, final_answers
from backcalc.render.document.blocks import Block, Document, Heading, Paragraph, Table
from backcalc.render.document.mathtex import MathWriter, sup
from backcalc.render.document.rename import in_prose, renamer
from backcalc.render.document.summary import step
from backcalc.render.gates import tex_name
from backcalc.render.symbols import of

if TYPE_CHECKING:
    from backcalc.render.style import Style

COLUMNS = 7  # entries of an answer in one table (the variant's column besides)
ROWS = 36  # variants in one table (a LaTeX table does not break across pages)
ENTRIES = 24  # an answer with more entries than this is left to each variant's solution


def label(answer: Answer, output: str = "") -> str:
    """The answer's symbol in math: \\hat{y}, J, \\partial J / \\partial W^{(1)}."""
    if answer.node is not None:
        if answer.name == "value":
            return tex_name(answer.node)
        return rf"\partial {tex_name(output)} / \partial {tex_name(answer.node)}"
    s = "" if answer.layer is None else sup(answer.layer)
    return {
        "prediction": r"\hat{y}",
        "loss": "J",
        "dJ_dW": rf"\partial J / \partial W{s}",
        "dJ_db": rf"\partial J / \partial b{s}",
        "dJ_dx": r"\partial J / \partial x",
        "weights_updated": step(f"W{s}")[0],
        "bias_updated": step(f"b{s}")[0],
    }[answer.name]


def _heading(symbol: str, index: tuple[int, ...]) -> str:
    """A column's header: the entry's index as an answers file names it ([1,2]: row 1, column
    2), under the answer's heading; a single number is its symbol."""
    if not index:
        return f"${symbol}$"
    return "[" + ",".join(str(i + 1) for i in index) + "]"


def document(key: VariantKey, style: Style) -> Document:
    t = style.t
    m = MathWriter(style.numbers)
    rows = key.rows
    named = any(row.student for row in rows)
    first = rows[0].trace
    output = first.graph.output if first.kind == "graph" else ""
    title = (
        t("variant_key.title", title=key.title) if key.title else t("variant_key.title_untitled")
    )
    head: list[Block] = [
        Heading(title, 1),
        Paragraph(t("variant_key.intro", n=len(rows), decimals=key.decimals, seed=f"`{key.seed}`")),
    ]
    blocks: list[Block] = []
    left_out = []
    for answer in final_answers(key):
        symbol = label(answer, output)
        shape = np.shape(answer.values[0])
        if int(np.prod(shape)) > ENTRIES:
            left_out.append(f"${symbol}$ ({int(np.prod(shape))})")
            continue
        indices = list(np.ndindex(shape)) or [()]
        blocks.append(Heading(f"${symbol}$", 2))
        for start in range(0, len(indices), COLUMNS):
            chosen = indices[start : start + COLUMNS]
            header = (t("variant_key.variant"), *((t("variant_key.student"),) if named else ()))
            header += tuple(_heading(symbol, index) for index in chosen)
            for top in range(0, len(rows), ROWS):
                cells = []
                for row, values in list(zip(rows, answer.values, strict=True))[top : top + ROWS]:
                    who = (row.student,) if named else ()
                    numbers = tuple(f"${m.number(float(values[i]))}$" for i in chosen)
                    cells.append((f"`{row.variant}`", *who, *numbers))
                blocks.append(Table(header, tuple(cells)))
    if left_out:
        blocks.append(Paragraph(t("variant_key.left_out", answers=", ".join(left_out))))
    symbols = of(first.exercise)
    if first.kind == "network" and symbols.renamed:  # the course's symbols, as its documents
        rename = renamer(symbols)

        def renamed(block: Block) -> Block:
            if isinstance(block, Heading):
                return Heading(in_prose(block.text, rename), block.level)
            if isinstance(block, Table):
                header = tuple(in_prose(cell, rename) for cell in block.header)
                return Table(header, block.rows)
            if isinstance(block, Paragraph):
                return Paragraph(in_prose(block.text, rename))
            return block

        blocks = [renamed(block) for block in blocks]
    return Document(title, tuple(head), (), tuple(blocks))
