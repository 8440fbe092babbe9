"""Labelled matrices in brackets, laid out side by side and wrapped to the terminal's width.

A rich Table per matrix costs a measurement pass per cell, and a solution shows dozens of small
matrices; these blocks know their size up front, so laying them out is string work, and the
whole `run` stays within its start-up budget (benchmarks/startup.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

ColumnsLabel = Callable[[int, int], str]  # (first, last) -> "columns 1–8"


@dataclass(frozen=True)
class Block:
    """A bold label above a matrix in brackets; `cells` are formatted numbers, row by row."""

    label: str
    cells: tuple[tuple[str, ...], ...]
    footer: str = ""  # a line under the matrix (the summary figures of a large one)

    @classmethod
    def matrix(cls, label: str, cells: Sequence[Sequence[str]], footer: str = "") -> Block:
        return cls(label, tuple(tuple(row) for row in cells), footer)

    @cached_property
    def lines(self) -> tuple[str, ...]:
        cells = self.cells
        widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]
        rows = ["   ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
        inner = len(rows[0]) + 2
        box = (f"┌{' ' * inner}┐", *(f"│ {row} │" for row in rows), f"└{' ' * inner}┘")
        return (*box, self.footer) if self.footer else box

    @property
    def width(self) -> int:
        return max(cell_len(self.label), *(cell_len(line) for line in self.lines))

    def split(self, width: int, columns: ColumnsLabel) -> list[Block]:
        """This block, or its columns in consecutive pieces no wider than `width`."""
        if self.width <= width or len(self.cells[0]) == 1 or self.footer:
            return [self]
        pieces: list[Block] = []
        start, total = 0, len(self.cells[0])
        while start < total:
            stop = start + 1
            while stop < total and self._piece(start, stop + 1, columns).width <= width:
                stop += 1
            pieces.append(self._piece(start, stop, columns))
            start = stop
        return pieces

    def _piece(self, start: int, stop: int, columns: ColumnsLabel) -> Block:
        label = f"{self.label} ({columns(start + 1, stop)})"
        return Block(label, tuple(row[start:stop] for row in self.cells))


class Flow:
    """Blocks side by side, top-aligned, wrapping to a new line when the width runs out."""

    def __init__(self, blocks: Sequence[Block], columns: ColumnsLabel, gap: int = 3) -> None:
        self.blocks = blocks
        self.columns = columns
        self.gap = gap

    def lines_of(self, width: int) -> list[list[Block]]:
        lines: list[list[Block]] = [[]] if self.blocks else []
        used = 0
        for block in (piece for b in self.blocks for piece in b.split(width, self.columns)):
            if lines[-1] and used + self.gap + block.width > width:
                lines.append([])
                used = 0
            used += block.width + (self.gap if lines[-1] else 0)
            lines[-1].append(block)
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = Text(no_wrap=True, end="")
        for group in self.lines_of(options.max_width):
            height = max(len(block.lines) for block in group) + 1
            for row in range(height):
                for index, block in enumerate(group):
                    pad = " " * self.gap if index else ""
                    if row == 0:
                        text.append(pad + block.label, style="bold")
                        text.append(" " * (block.width - cell_len(block.label)))
                    else:
                        piece = block.lines[row - 1] if row <= len(block.lines) else ""
                        text.append(pad + piece.ljust(block.width))
                text.rstrip()
                text.append("\n")
        yield text


def plain_text(content: RenderableType, width: int = 100) -> str:
    """A renderable as plain text at `width` columns (no colour, no trailing spaces): what a
    file, or a notebook, gets."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, color_system=None, highlight=False, emoji=False, markup=False
    )
    console.print(content)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def report_table(
    title: str, columns: Sequence[str], right: Sequence[str], underline: bool = False
) -> Table:
    """A plain report table (a rule under the header, no edges): `right` columns right-aligned."""
    table = Table(
        title=title or None,
        title_justify="left",
        title_style="bold underline" if underline else "bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left")
    return table
