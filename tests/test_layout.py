"""The terminal's string-work layout at sizes a --full solution reaches (without timing
anything): wide matrices split in one pass, and the fast path of number formatting agreeing with
hand rounding everywhere."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcalc.core.rounding import round_half_away
from backcalc.render.numbers import NumberFormat
from backcalc.render.terminal.layout import Block, ColumnsLabel, Flow, plain_text


def columns(first: int, last: int) -> str:
    return f"columns {first}–{last}"


def test_a_wide_matrix_is_split_building_each_piece_once(monkeypatch: pytest.MonkeyPatch) -> None:
    block = Block.matrix("∂J/∂x", [[f"{j}.0000" for j in range(3000)]])
    built = []
    piece = Block._piece

    def counted(self: Block, start: int, stop: int, label: ColumnsLabel) -> Block:
        built.append((start, stop))
        return piece(self, start, stop, label)

    monkeypatch.setattr(Block, "_piece", counted)
    pieces = block.split(80, columns)
    assert len(built) == len(pieces)  # trying every candidate piece whole was quadratic
    assert [cell for p in pieces for cell in p.cells[0]] == list(block.cells[0])
    assert all(p.width <= 80 for p in pieces)
    assert all(p.width == max(len(p.label), *(len(line) for line in p.lines)) for p in pieces)


def test_a_flow_of_pieces_reads_as_drawn() -> None:
    text = plain_text(Flow([Block.matrix("A", [["1", "22"], ["333", "4"]])], columns), 80)
    assert text == "A\n┌          ┐\n│   1   22 │\n│ 333    4 │\n└          ┘\n"


@given(
    st.floats(allow_nan=True, allow_infinity=True, width=64)
    | st.integers(-(10**6), 10**6).map(lambda k: k / 2000)  # half-way points at 3 decimals
    | st.integers(-(10**8), 10**8).map(lambda k: k / 20000 + 1e-13),
    st.integers(0, 8),
)
def test_fixed_is_hand_rounding(value: float, decimals: int) -> None:
    numbers = NumberFormat(decimals)
    if not math.isfinite(value):
        assert numbers.fixed(value) in {"NaN", "∞", "−∞"}
        return
    if abs(value) >= 1e15:  # past float64's digits: scientific notation, `decimals` decimals
        assert numbers.fixed(value) == f"{value:.{decimals}e}"
        return
    expected = f"{round_half_away(value, decimals):f}"
    if expected.startswith("-") and not any(c in "123456789" for c in expected):
        expected = expected[1:]
    assert numbers.fixed(value) == expected
