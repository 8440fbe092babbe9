"""A step-by-step solution as format-neutral blocks; backcalc.render.markdown, .latex and .html
write it.

Prose may hold inline math between `$` signs; equations are LaTeX math (see mathtex). A document
has two parts, the statement (what the exercise gives and asks, no computed number) and the
solution; `--part` chooses which are written. A `Figure` is the diagram of the exercise (drawn by
backcalc.render.diagram: TikZ in LaTeX, SVG in HTML); a `Table` is a small table whose cells are
prose (inline math allowed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 title, 2 section, 3 subsection


@dataclass(frozen=True)
class Paragraph:
    text: str  # prose, with inline math between $ signs
    user: bool = False  # written by the user (a description): see the writers for the rules


@dataclass(frozen=True)
class Equation:
    math: str  # display math; matrices span several lines


@dataclass(frozen=True)
class Summary:
    items: tuple[str, ...]  # display math, one result each (boxed in LaTeX)


@dataclass(frozen=True)
class Table:
    """A small table: a header row and rows of cells, each prose with inline math."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    """The exercise's diagram: `trace` (a network's or a graph's) as backcalc.render.diagram
    draws it. The statement's figure shows only what is given (`values` False: weights, inputs);
    the solution's also each unit's z and a (each node's value) and, with `gradients`, ∂J/∂W on
    the edges (each node's gradient)."""

    trace: Any
    values: bool = False
    gradients: bool = False
    caption: str = ""


Block = Heading | Paragraph | Equation | Summary | Table | Figure

PARTS = ("statement", "solution", "both")


@dataclass(frozen=True)
class Document:
    """A solution document. `head` is the title and description; `statement` what the exercise
    gives (network, parameters, data, loss: no computed number); `task` what it asks;
    `steps` the worked solution; `header` the course, author and date lines."""

    title: str
    head: tuple[Block, ...]
    statement: tuple[Block, ...]
    steps: tuple[Block, ...]
    task: tuple[Block, ...] = ()
    header: tuple[tuple[str, str], ...] = field(default=())  # (key, value): course, author, date
    solution_title: str = ""  # the heading of the solution's first page in `both`

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The solution as one sequence (the default part)."""
        return self.parts("solution")[0]

    def parts(self, part: str = "solution") -> list[tuple[Block, ...]]:
        """What `--part` writes, as pieces each starting on a new page: the exercise sheet
        (head, statement, task), the solution (head, statement, steps: as a key reads on its
        own), or both (the sheet, then the steps on a new page)."""
        if part == "statement":
            return [self.head + self.statement + self.task]
        if part == "both":
            title = (Heading(self.solution_title, 1),) if self.solution_title else ()
            return [self.head + self.statement + self.task, title + self.steps]
        return [self.head + self.statement + self.steps]
