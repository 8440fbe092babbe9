"""Resource limits and data-file containment (issue 11, reliability cases 20, 21, 22, 28 and 28b):
a spec that declares more numbers than the budget is refused before anything is allocated, a spec
reads data files only from its own folder, and no message quotes what a file holds."""

from __future__ import annotations

import os
import shutil
import tracemalloc
from pathlib import Path

import numpy as np
import numpy.lib.format as npy
import pytest

import backcalc
from backcalc.io.datafiles import DataFileError, load_array
from backcalc.io.limits import Budget, LimitError, Limits
from tests.helpers import invoke, refused_option

CASES = Path(__file__).parent / "reliability"
TINY = "target: 1\nlayers:\n  - weights: [[1]]\nloss: half_squared_error\n"


def one_line(err: str) -> str:
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err.rstrip("\n")


def header_only(path: Path, shape: tuple[int, ...], descr: str = "<f8") -> None:
    """A .npy file of just a header declaring `shape` (reliability case 20: no data)."""
    with path.open("wb") as stream:
        npy.write_array_header_1_0(stream, {"descr": descr, "fortran_order": False, "shape": shape})


# -- declared sizes, refused before reading ------------------------------------------------------


def test_a_npy_header_declaring_10_gb_is_refused_before_allocating(tmp_path: Path) -> None:
    header_only(tmp_path / "big.npy", (1_250_000_000,))
    spec = tmp_path / "spec.yaml"
    spec.write_text("input: {file: big.npy}\n" + TINY)
    tracemalloc.start()
    code, out, err = invoke("run", str(spec))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert (code, out) == (2, "")
    assert one_line(err) == (
        f"{spec}:1:9: input.file: big.npy declares 1 250 000 000 numbers (shape 1250000000), "
        "more than the limit of 100 000 000 (--max-elements raises it)"
    )
    assert peak < 50_000_000  # nothing near the 10 GB (nor the 800 MB of the limit) was allocated


def test_a_npz_bomb_is_refused_from_its_member_header(tmp_path: Path) -> None:
    np.savez_compressed(tmp_path / "bomb.npz", X=np.zeros((600_000, 1000)))  # 4.66 GB loaded
    assert (tmp_path / "bomb.npz").stat().st_size < 10_000_000
    spec = tmp_path / "spec.yaml"
    spec.write_text("input: {file: bomb.npz}\n" + TINY)
    tracemalloc.start()
    code, out, err = invoke("run", str(spec))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert (code, out) == (2, "")
    assert one_line(err).endswith(
        "input.file: bomb.npz[X] declares 600 000 000 numbers (shape 600000×1000), more than "
        "the limit of 100 000 000 (--max-elements raises it)"
    )
    assert peak < 50_000_000


def test_max_elements_raises_and_lowers_the_limit(tmp_path: Path) -> None:
    np.save(tmp_path / "X.npy", np.ones((4, 1)))
    spec = tmp_path / "spec.yaml"
    spec.write_text("input: {file: X.npy}\n" + TINY.replace("target: 1", "target: [1, 1, 1, 1]"))
    code, _, err = invoke("run", str(spec), "--max-elements", "3")
    assert code == 2 and "X.npy declares 4 numbers (shape 4×1), more than the limit of 3" in err
    for command in ("run", "check", "train"):
        extra = ("--steps", "1", "--learning-rate", "0.1") if command == "train" else ()
        code, _, err = invoke(command, str(spec), "--max-elements", "100", *extra)
        assert (code, err) == (0, ""), (command, err)


def test_a_header_larger_than_its_data_is_refused_before_reading(tmp_path: Path) -> None:
    header_only(tmp_path / "short.npy", (1000,))
    with pytest.raises(DataFileError, match="shorter than its header declares"):
        load_array("short.npy", None, tmp_path)


def test_the_budget_counts_every_array_of_a_spec_together(tmp_path: Path) -> None:
    np.save(tmp_path / "X.npy", np.ones((6, 1)))  # 6 numbers, and 6 outputs of the layer
    spec = tmp_path / "spec.yaml"
    spec.write_text("input: {file: X.npy}\n" + TINY.replace("target: 1", "target: [1,1,1,1,1,1]"))
    assert invoke("run", str(spec), "--max-elements", "12")[0] == 0
    code, _, err = invoke("run", str(spec), "--max-elements", "11")
    assert code == 2
    assert one_line(err).startswith(f"{spec}:4:5: layers[1].weights: layer 1's outputs for 6 ")
    assert "; with the spec's other 6, more than the limit of 11" in err


def test_a_csv_is_read_no_further_than_the_budget(tmp_path: Path) -> None:
    (tmp_path / "X.csv").write_text("1, 2\n3, 4\n5, 6\n")
    budget = Budget(limit=5)
    with pytest.raises(LimitError, match=r"X\.csv: 6 numbers by line 3, more than the limit of 5 "):
        load_array("X.csv", None, tmp_path, budget=budget)
    budget = Budget(limit=6)
    np.testing.assert_array_equal(
        load_array("X.csv", None, tmp_path, budget=budget), [[1, 2], [3, 4], [5, 6]]
    )
    assert budget.used == 6


@pytest.mark.parametrize(
    ("units", "fmt", "expected"),
    [
        (
            "1000000000",
            "table",
            "4:5: layers[1].units: 1 000 000 000 units of 2 inputs take 2 000 000 000 weights, "
            "more than the limit of 100 000 000 (--max-elements raises it)",
        ),
        (
            "1e300",
            "table",
            "4:5: layers[1].units: 1.0e+300 units of 2 inputs take 2.0e+300 weights",
        ),
    ],
)
def test_units_beyond_the_limit_are_refused_at_the_key(
    units: str, fmt: str, expected: str, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.yaml"
    text = (CASES / "28-units-1e9-memoryerror.yaml").read_text()
    spec.write_text(text.replace("1000000000", units))
    code, out, err = invoke("run", str(spec), "-f", fmt)
    assert (code, out) == (2, "")
    assert one_line(err).startswith(f"{spec}:{expected}")


def test_json_of_a_million_units_is_refused_and_allowed_with_a_higher_limit(
    tmp_path: Path,
) -> None:
    """Case 28b: 3·10⁶ weights fit the budget, and the table is drawn in seconds; its JSON would
    hold every intermediate, 289 MB written in 55 s, so JSON stops at a tenth of the budget."""
    spec = tmp_path / "spec.yaml"
    shutil.copy(CASES / "28b-units-1e6-timeout.yaml", spec)
    code, out, err = invoke("run", str(spec), "-f", "json")
    assert (code, out) == (2, "")
    # layer 1: z, a, g', ∂J/∂a, δ, W·a (6·10⁶), W and ∂J/∂W (2·10⁶ each); layer 2: 6 numbers of
    # one unit, W and ∂J/∂W (10⁶ each)
    assert one_line(err).startswith(f"{spec}: --format json would write about 12 000 006 numbers")
    small = spec.read_text().replace("1000000", "10")
    spec.write_text(small)
    code, out, err = invoke("run", str(spec), "-f", "json", "--max-elements", "300")
    assert code == 2 and "more than 30 (a tenth of --max-elements" in err
    assert invoke("run", str(spec), "-f", "json", "--max-elements", "2000")[0] == 0


def test_the_python_api_takes_the_limits(tmp_path: Path) -> None:
    np.save(tmp_path / "X.npy", np.ones((4, 1)))
    spec = tmp_path / "spec.yaml"
    spec.write_text("input: {file: X.npy}\n" + TINY.replace("target: 1", "target: [1, 1, 1, 1]"))
    with pytest.raises(backcalc.SpecError, match="more than the limit of 3"):
        backcalc.load(spec, max_elements=3)
    assert backcalc.load(spec, max_elements=8).kind == "network"


# -- options that could run for ever -------------------------------------------------------------


@pytest.mark.parametrize("option", ["--steps", "--epochs"])
def test_train_refuses_more_than_ten_million_steps(option: str) -> None:
    args = ("train", "reference-2-3-1", "--learning-rate", "0.1", option)
    code, out, err = invoke(*args, "99999999999999999999")
    assert (code, out) == (2, "") and refused_option(err, "train", option)
    assert "1<=x<=10000000" in err or "less than or equal to 10000000" in err


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("train", "reference-2-3-1", "--steps", "1", "--learning-rate", "nan"), "learning-rate"),
        (("train", "reference-2-3-1", "--steps", "1", "--learning-rate", "inf"), "learning-rate"),
        (("train", "reference-2-3-1", "--steps", "1", "--lr-gamma", "inf"), "lr-gamma"),
        (("train", "reference-2-3-1", "--steps", "1", "--lr-gamma", "nan"), "lr-gamma"),
        (("train", "reference-2-3-1", "--steps", "1", "--momentum", "nan"), "momentum"),
        (("train", "reference-2-3-1", "--steps", "1", "--momentum", "inf"), "momentum"),
        (
            ("train", "digits-64-15-10", "--epochs", "1", "--validation-split", "nan"),
            "validation-split",
        ),
        (("check", "reference-2-3-1", "--eps", "nan"), "eps"),
        (("check", "reference-2-3-1", "--eps", "inf"), "eps"),
        (("check", "reference-2-3-1", "--rtol", "nan"), "rtol"),
        (("check", "reference-2-3-1", "--rtol", "inf"), "rtol"),
        (("check", "reference-2-3-1", "--atol", "inf"), "atol"),
    ],
)
def test_non_finite_settings_are_refused(args: tuple[str, ...], option: str) -> None:
    code, out, err = invoke(*args)
    assert (code, out) == (2, "") and refused_option(err, args[0], f"--{option}")
    value = args[-1]
    # typer ≤ 0.28 lets nan and inf through its range check, and backcalc refuses them; typer
    # 0.29 refuses them itself against the range
    assert f"expected a finite number, found {value}" in err or "Input should be" in err


def test_an_eta_schedule_that_overflows_is_refused_before_training() -> None:
    args = ("train", "reference-2-3-1", "--steps", "3", "--learning-rate", "0.1")
    code, out, err = invoke(*args, "--lr-step", "1", "--lr-gamma", "1e300")
    assert (code, out) == (2, "")
    assert one_line(err) == (
        "reference-2-3-1: --lr-gamma 1e+300 makes η overflow float64 within the run (η·γ^2): "
        "give a smaller --lr-gamma or a larger --lr-step"
    )
    # 1e150² = 1e300 stays finite: allowed (η grows, the loss then says what happened)
    assert "--lr-gamma" not in invoke(*args, "--lr-step", "2", "--lr-gamma", "1e150")[2]


# -- data files: inside the spec's folder, never quoted ------------------------------------------


@pytest.fixture
def leak(tmp_path: Path) -> Path:
    """Case 22: a submission folder whose specs point at the teacher's private folder."""
    shutil.copytree(CASES / "22-file-leak", tmp_path / "case")
    return tmp_path / "case"


def test_a_spec_cannot_read_files_outside_its_folder(leak: Path) -> None:
    spec = leak / "submission" / "leak-numbers.yaml"
    code, out, err = invoke("run", str(spec))
    assert (code, out) == (2, "")
    assert one_line(err) == (
        f"{spec}:1:9: input.file: ../private/grades.csv lies outside the spec's folder, "
        "where data files must be (--allow-outside-files allows it)"
    )
    assert "91.5" not in err
    code, out, err = invoke("run", str(spec), "--allow-outside-files", "-f", "json")
    assert (code, err) == (0, "") and "91.5" in out


@pytest.mark.parametrize("how", ["absolute", "symlink", "symlinked folder", "missing"])
def test_absolute_paths_and_symlinks_out_are_refused(how: str, leak: Path) -> None:
    submission = leak / "submission"
    target = leak / "private" / ("nothing.csv" if how == "missing" else "grades.csv")
    if how == "symlink":
        (submission / "grades.csv").symlink_to(target)
        name = "grades.csv"
    elif how == "symlinked folder":
        (submission / "data").symlink_to(leak / "private")
        name = "data/grades.csv"
    else:
        name = str(target)
    spec = submission / "spec.yaml"
    spec.write_text(f"input: {{file: {name}}}\n" + TINY)
    code, out, err = invoke("run", str(spec))
    assert (code, out) == (2, "")
    # a missing file outside is refused the same way: the message tells nothing of what exists
    assert one_line(err).endswith(
        f"{name} lies outside the spec's folder, where data files must "
        "be (--allow-outside-files allows it)"
    )


def test_files_inside_the_folder_and_symlinks_within_it_are_read(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    np.save(tmp_path / "data" / "X.npy", np.array([2.0]))
    (tmp_path / "X.npy").symlink_to(tmp_path / "data" / "X.npy")
    for name in ("data/X.npy", "X.npy", "./data/../X.npy", str(tmp_path / "data" / "X.npy")):
        spec = tmp_path / "spec.yaml"
        spec.write_text(f"input: {{file: {name}}}\n" + TINY)
        code, out, err = invoke("run", str(spec), "-f", "json")
        assert (code, err) == (0, ""), name
        assert '"loss": 0.5' in out  # ½(1·2 − 1)²


def test_a_spec_on_stdin_reads_only_the_current_folder(
    leak: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(leak / "submission")
    spec = (leak / "submission" / "leak-numbers.yaml").read_text()
    code, out, err = invoke("run", "-", stdin=spec)
    assert (code, out) == (2, "")
    assert one_line(err).startswith("<stdin>:1:9: input.file: ../private/grades.csv lies outside")


def test_a_non_numeric_file_is_never_quoted(leak: Path) -> None:
    spec = leak / "submission" / "leak-token.yaml"
    code, out, err = invoke("run", str(spec), "--allow-outside-files")
    assert (code, out) == (2, "")
    token = (leak / "private" / "token.txt").read_text().split()[0]
    assert token not in err
    assert one_line(err) == (
        f"{spec}:4:15: layers[1].weights.file: ../private/token.txt:1: column 1 is not a number"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xffSECRET\n", "not UTF-8 text"),
        (b"\x93NUMPY\x01\x00\x10\x00{'SECRET': 1}   \n", "not a valid .npy file"),
        (b"SECRET-TOKEN, not numpy at all\n", "not a valid .npy file"),
    ],
)
def test_unreadable_files_are_described_not_quoted(
    content: bytes, expected: str, tmp_path: Path
) -> None:
    name = "x.csv" if expected == "not UTF-8 text" else "x.npy"
    (tmp_path / name).write_bytes(content)
    with pytest.raises(DataFileError) as caught:
        load_array(name, None, tmp_path)
    assert caught.value.message == f"{name}: {expected}"
    assert "SECRET" not in str(caught.value)


def test_a_npy_of_text_is_refused_from_its_header(tmp_path: Path) -> None:
    header_only(tmp_path / "names.npy", (2,), descr="<U6")
    with pytest.raises(DataFileError, match=r"names.npy: expected numbers, found <U6"):
        load_array("names.npy", None, tmp_path)


def test_answers_read_data_files_from_their_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relative to the answers file, as a spec's are to the spec (they were read from the
    current folder), and inside it."""
    (tmp_path / "mine").mkdir()
    dJ_dW = np.array([[0.0857, -0.1619], [-0.0178, 0.0337], [0.0923, -0.1744]])  # any 3×2
    np.save(tmp_path / "mine" / "dW1.npy", dJ_dW)
    answers = tmp_path / "mine" / "answers.yaml"
    answers.write_text("layers:\n  1:\n    dJ_dW: {file: dW1.npy}\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke("check", "reference-2-3-1", "--answers", str(answers), "-f", "json")
    assert "no such file" not in err and code in (0, 1), err
    answers.write_text("layers:\n  1:\n    dJ_dW: {file: ../elsewhere.npy}\n")
    code, _, err = invoke("check", "reference-2-3-1", "--answers", str(answers))
    assert code == 2 and "../elsewhere.npy lies outside the spec's folder" in err


def test_shipped_examples_with_data_files_still_load(tmp_path: Path) -> None:
    """digits-64-15-10 reads data/digits.npz beside it, inside the package folder; also when
    the package folder is reached through a symlink (the repository's root `examples`)."""
    code, _, err = invoke("train", "digits-64-15-10", "--epochs", "1", "-f", "json")
    assert (code, err) == (0, "")
    from backcalc.io import examples

    linked = tmp_path / "examples"
    os.symlink(examples.folder(), linked)
    assert backcalc.load(linked / "digits-64-15-10.yaml").kind == "network"


def test_limits_defaults() -> None:
    assert Limits() == Limits(max_elements=10**8, allow_outside_files=False)
