"""`-` as the spec reads it from standard input (messages name `<stdin>`, data files are read
from the current folder); `-o -` writes to standard output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backcalc.io import examples
from tests.helpers import invoke

REFERENCE = examples.find("reference-2-3-1").path  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_a_spec_on_stdin_is_the_same_exercise(fmt: str) -> None:
    expected = invoke("run", str(REFERENCE), "--format", fmt)
    got = invoke("run", "-", "--format", fmt, stdin=REFERENCE.read_text(encoding="utf-8"))
    assert got == expected and got[0] == 0


def test_dash_o_writes_to_stdout() -> None:
    expected = invoke("run", "reference-2-3-1", "--format", "latex")
    assert invoke("run", "reference-2-3-1", "--format", "latex", "-o", "-") == expected
    check = invoke("check", "reference-2-3-1", "-f", "json", "-o", "-")
    assert check[0] == 0 and check[1].startswith("{")


def test_a_bad_spec_on_stdin_is_named_stdin() -> None:
    code, out, err = invoke("run", "-", stdin="layers: 3\n")
    assert (code, out) == (2, "")
    assert err.startswith("<stdin>:1:1: missing key 'input'")


def test_data_files_of_a_spec_on_stdin_are_read_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    np.save(tmp_path / "W1.npy", np.array([[2.0, -1.0]]))
    monkeypatch.chdir(tmp_path)
    spec = "input: [1, 3]\ntarget: 0\nlayers: [{weights: {file: W1.npy}}]\nloss: squared_error\n"
    code, out, err = invoke("run", "-", "-f", "json", stdin=spec)
    assert (code, err) == (0, "")
    assert '"loss": 1.0' in out  # z = 2·1 − 1·3 = −1, J = (−1 − 0)²


def test_train_needs_a_file_for_its_spec() -> None:
    args = ("train", "reference-2-3-1", "--steps", "1", "--learning-rate", "0.5")
    code, out, err = invoke(*args, "-o", "-", "-f", "json")
    assert (code, out) == (2, "")
    assert "train -o needs a file" in err
