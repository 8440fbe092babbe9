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
from rich.segment import Segment
from rich.style import Style
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
    def widths(self) -> tuple[int, ...]:
        """The width of each column of numbers."""
        return tuple(max(len(cell) for cell in column) for column in zip(*self.cells, strict=True))

    @cached_property
    def lines(self) -> tuple[str, ...]:
        cells, widths = self.cells, self.widths
        rows = ["   ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
        inner = len(rows[0]) + 2
        box = (f"┌{' ' * inner}┐", *(f"│ {row} │" for row in rows), f"└{' ' * inner}┘")
        return (*box, self.footer) if self.footer else box

    @cached_property
    def width(self) -> int:  # from the column widths, without drawing the lines
        box = sum(self.widths) + 3 * (len(self.widths) - 1) + 4  # "│ ", the gaps and " │"
        return max(cell_len(self.label), box, cell_len(self.footer))

    def split(self, width: int, columns: ColumnsLabel) -> list[Block]:
        """This block, or its columns in consecutive pieces no wider than `width`."""
        if self.width <= width or len(self.cells[0]) == 1 or self.footer:
            return [self]
        # a piece's width from the column widths, known before any piece is built: trying
        # each candidate piece whole made a wide matrix (a batch's ∂J/∂x) quadratic
        pieces: list[Block] = []
        start, total = 0, len(self.cells[0])
        while start < total:
            stop = start + 1
            while stop < total and self._piece_width(start, stop + 1, columns) <= width:
                stop += 1
            pieces.append(self._piece(start, stop, columns))
            start = stop
        return pieces

    def _piece_width(self, start: int, stop: int, columns: ColumnsLabel) -> int:
        box = sum(self.widths[start:stop]) + 3 * (stop - start - 1) + 4
        return max(cell_len(f"{self.label} ({columns(start + 1, stop)})"), box)

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
        # plain segments, a line at a time: a Text of a --full solution (megabytes) would be
        # measured and split again by rich, and Text.rstrip per line made it quadratic
        bold, newline = Style(bold=True), Segment.line()
        for group in self.lines_of(options.max_width):
            for index, block in enumerate(group):
                if index:
                    before = group[index - 1]
                    yield Segment(" " * (self.gap + before.width - cell_len(before.label)))
                yield Segment(block.label, bold)
            yield newline
            for row in range(max(len(block.lines) for block in group)):
                pieces = [
                    (" " * self.gap if index else "")
                    + (block.lines[row] if row < len(block.lines) else "").ljust(block.width)
                    for index, block in enumerate(group)
                ]
                yield Segment("".join(pieces).rstrip())
                yield newline


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


def pack(pieces: Sequence[str], width: int, indent: int = 0) -> list[str]:
    """`pieces` joined by spaces on lines no wider than `width`, broken only between pieces (a
    piece wider than the line stands alone); lines after the first indented by `indent`."""
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and cell_len(line) + 1 + cell_len(piece) > width:
            lines.append(line)
            line = " " * indent + piece
        else:
            line = f"{line} {piece}" if line else piece
    return [*lines, line] if line else lines


OPERATORS = {"=", "+", "−", "-", "·", "×"}


class Paragraph:
    """A sentence broken at the console's width only between words, and never on either side
    of an operator: `x = 3,` or the terms of a sum stay on one line."""

    def __init__(self, sentence: str, style: str = "", indent: int = 0) -> None:
        self.pieces: list[str] = []
        glue = False
        for word in sentence.split(" "):
            if self.pieces and (glue or word in OPERATORS):
                self.pieces[-1] += " " + word
            else:
                self.pieces.append(word)
            glue = word in OPERATORS
        self.style = style
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = Text(no_wrap=True, end="", style=self.style)
        for line in pack(self.pieces, options.max_width, self.indent):
            text.append(line + "\n")
        yield text


@dataclass(frozen=True)
class Row:
    """A row of one line per cell; `note` (a gate's rule) follows the cells and runs to the
    right edge of the table instead of filling the columns after them."""

    cells: tuple[str, ...]
    note: str = ""


class RowTable:
    """A report table of one-line rows in groups (a blank line between groups), drawn as string
    work: a row is never wrapped. When the columns are wider than the console, the last column
    goes under the one before it, after an arrow (`stacked`)."""

    def __init__(self, title: str, headers: Sequence[str], groups: Sequence[Sequence[Row]]):
        self.title = title
        self.headers = tuple(headers)
        self.groups = groups
        self.gap = 3

    def widths(self, headers: Sequence[str], rows: Sequence[Row]) -> list[int]:
        widths = [cell_len(header) for header in headers]
        for row in rows:  # a note does not widen the columns it runs over
            for j, cell in enumerate(row.cells):
                widths[j] = max(widths[j], cell_len(cell))
        return widths

    def stacked(self) -> tuple[tuple[str, ...], list[list[Row]]]:
        *first, before, last = self.headers
        headers = (*first, f"{before} → {last}")
        groups = []
        for group in self.groups:
            rows = []
            for row in group:
                if row.note or len(row.cells) < len(self.headers):
                    rows.append(row)
                    continue
                rows.append(Row(row.cells[:-1]))
                blank = ("",) * (len(self.headers) - 2)
                rows.append(Row((*blank, f"→ {row.cells[-1]}")))
            groups.append(rows)
        return headers, groups

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        headers, groups = self.headers, [list(group) for group in self.groups]
        widths = self.widths(headers, [row for group in groups for row in group])
        if sum(widths) + self.gap * (len(widths) - 1) > options.max_width:
            headers, groups = self.stacked()
            widths = self.widths(headers, [row for group in groups for row in group])
        lines: list[tuple[str, str]] = []  # (cells, the note after them in italics)
        for number, group in enumerate(groups):
            if number:
                lines.append(("", ""))
            for row in group:
                lines += self.row_lines(row, widths, options.max_width)
        header = self.join(headers, widths)
        width = max(cell_len(header), *(cell_len(a) + cell_len(b) for a, b in lines))
        text = Text(no_wrap=True, end="")
        if self.title:
            text.append(self.title, style="bold underline")
            text.append("\n")
        text.append(header, style="bold")
        text.append("\n" + "─" * width + "\n")
        for cells, note in lines:
            text.append(cells)
            text.append(note, style="italic")
            text.append("\n")
        yield text

    def join(self, cells: Sequence[str], widths: Sequence[int]) -> str:
        padded = [cell + " " * (w - cell_len(cell)) for cell, w in zip(cells, widths, strict=False)]
        return (" " * self.gap).join(padded).rstrip()

    def row_lines(self, row: Row, widths: Sequence[int], width: int) -> list[tuple[str, str]]:
        if not row.note:
            return [(self.join(row.cells, widths), "")]
        start = self.join((*row.cells, "x"), widths)[:-1]  # the note starts at the next column
        room = max(width - cell_len(start), 20)
        noted = pack(row.note.split(" "), room)
        lead = " " * cell_len(start)
        return [(start, noted[0])] + [(lead, line) for line in noted[1:]]
