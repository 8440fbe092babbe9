"""Output safety: no output replaces a file the command reads (the spec, its data files, the
answers) or anything but a regular file; two writers never both create one name; `train -o
--force` killed at any point leaves a spec that refers to complete files of its own run; SIGINT
and SIGTERM leave no temporary file; the trained spec refers to the data files it was read from
when they lie in its folder. Races and kills are simulated deterministically (a patched call, a
child process stopped at a known point), never tried in loops."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from backcalc.core.network import Exercise
from backcalc.io import files, specwriter
from backcalc.io.spec import read
from tests.helpers import child_environment, invoke

CASE_24 = Path(__file__).parent / "reliability" / "24-train-overwrites-input-data"
SPEC = """convention: row
input: {file: X.npy}
target: {file: y.npy}
layers:
  - weights: {file: W1.npy}
    bias: 0
    activation: tanh
  - weights: {file: W2.npy}
loss: softmax_cross_entropy
learning_rate: 0.1
"""


def make_spec(folder: Path, spec: str = SPEC) -> Path:
    """A 4-20-5 network on 30 observations, every array in a file (X, W1, W2 over 64 numbers)."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "X.npy", rng.normal(size=(30, 4)))
    np.save(folder / "y.npy", rng.integers(0, 5, size=30).astype(float))
    np.save(folder / "W1.npy", rng.normal(size=(4, 20)) * 0.5)
    np.save(folder / "W2.npy", rng.normal(size=(20, 5)) * 0.5)
    (folder / "s.yaml").write_text(spec, encoding="utf-8")
    return folder / "s.yaml"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def parameters(spec: Path) -> list[np.ndarray]:
    """The weights and biases of the trained spec at `spec`, read back from its files."""
    exercise = read(spec)
    assert isinstance(exercise, Exercise)
    return [np.asarray(p) for layer in exercise.network.layers for p in (layer.weights, layer.bias)]


def referenced(spec: Path) -> list[str]:
    """Every `file:` the spec at `spec` names."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(spec.read_text(encoding="utf-8")))
    return found


# -- never a file the command reads -------------------------------------------------------------


@pytest.fixture
def case_24(tmp_path: Path) -> Path:
    folder = tmp_path / "24"
    shutil.copytree(CASE_24, folder)
    for file in folder.iterdir():
        file.chmod(0o644)
    return folder


def _sums_hold(folder: Path) -> bool:
    for line in (folder / "original.sha256").read_text().splitlines():
        digest, name = line.split()
        if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest:
            return False
    return True


def test_reproducer_24_train_keeps_the_input_named_like_its_output(
    case_24: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(case_24)
    code, _, err = invoke("train", "s.yaml", "--steps", "3", "-o", "t.yaml", "--force")
    assert (code, err) == (0, "")
    assert _sums_hold(case_24)  # t.W1.npy, the spec's own weights, untouched
    trained = yaml.safe_load((case_24 / "t.yaml").read_text(encoding="utf-8"))
    assert trained["input"] == {"file": "X.npy"}  # the data referred to, not copied
    weights = trained["layers"][0]["weights"]["file"]
    assert weights != "t.W1.npy" and (case_24 / weights).is_file()
    before = np.load(case_24 / "t.W1.npy")
    assert not np.array_equal(np.load(case_24 / weights), before)  # trained, so it moved


@pytest.mark.parametrize("command", ["run", "check", "train"])
def test_reproducer_24_no_output_over_a_data_file(
    case_24: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(case_24)
    extra = ["--steps", "1"] if command == "train" else ["-f", "json"]
    for target in ("X.npy", "t.W1.npy", "s.yaml"):
        code, out, err = invoke(command, "s.yaml", *extra, "-o", target, "--force")
        assert (code, out) == (2, "")
        assert err == (
            f"{target}: this is a file the command reads; backcalc never overwrites an input\n"
        )
    assert _sums_hold(case_24)
    assert sorted(p.name for p in case_24.iterdir()) == [
        "X.npy",
        "original.sha256",
        "s.yaml",
        "t.W1.npy",
    ]


def test_no_output_over_a_data_file_by_another_name(tmp_path: Path) -> None:
    spec = make_spec(tmp_path)
    (tmp_path / "link.npy").symlink_to(tmp_path / "X.npy")  # a symlink to a data file
    os.link(tmp_path / "W1.npy", tmp_path / "hard.npy")  # a second name of one
    before = snapshot(tmp_path)
    for name in ("link.npy", "hard.npy"):
        code, _, err = invoke("run", str(spec), "-o", str(tmp_path / name), "--force")
        assert code == 2 and "backcalc never overwrites an input" in err
    assert snapshot(tmp_path) == before


def test_no_output_over_the_answers_file(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text("input: 1\ntarget: 1\nlayers: [{weights: 2}]\nloss: squared_error\n")
    answers = tmp_path / "answers.yaml"
    answers.write_text("layers: {1: {z: 2}}\n")
    code, _, err = invoke("check", str(spec), "-a", str(answers), "-o", str(answers), "--force")
    assert code == 2 and "backcalc never overwrites an input" in err
    assert answers.read_text() == "layers: {1: {z: 2}}\n"


# -- only regular files ------------------------------------------------------------------------


def test_train_never_replaces_what_is_not_a_regular_file(tmp_path: Path) -> None:
    spec = make_spec(tmp_path)
    os.mkfifo(tmp_path / "t.W1.npy")  # where the trained W1 would go
    os.mkfifo(tmp_path / "fifo.yaml")
    code, out, err = invoke("train", str(spec), "--steps", "1", "-o", str(tmp_path / "fifo.yaml"))
    assert (code, out) == (2, "") and "already exists" in err
    code, out, err = invoke(
        "train", str(spec), "--steps", "1", "-o", str(tmp_path / "fifo.yaml"), "--force"
    )
    assert (code, out) == (2, "")
    assert err == (
        f"{tmp_path / 'fifo.yaml'}: is not a regular file; backcalc only replaces regular files\n"
    )
    code, _, err = invoke("train", str(spec), "--steps", "1", "-o", str(tmp_path / "t.yaml"))
    assert (code, err) == (0, "")
    for name in ("t.W1.npy", "fifo.yaml"):
        assert (tmp_path / name).exists() and not (tmp_path / name).is_file()  # still FIFOs
    for file in referenced(tmp_path / "t.yaml"):
        assert (tmp_path / file).is_file()


# -- exclusive creation ------------------------------------------------------------------------


def _competitor_appears(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Another writer creates `target` after the command checked it, before it is created."""
    real = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if kwargs.get("prefix") == f".{target.name}." and not target.exists():
            target.write_text("the other writer's\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def test_two_writers_never_both_create_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.md"
    _competitor_appears(monkeypatch, target)
    code, out, err = invoke("run", "reference-2-3-1", "-f", "markdown", "-o", str(target))
    assert (code, out) == (2, "")
    assert err == f"{target}: already exists; use --force to overwrite it\n"
    assert target.read_text() == "the other writer's\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_two_trainers_never_both_create_a_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = make_spec(tmp_path)
    before = snapshot(tmp_path)
    _competitor_appears(monkeypatch, tmp_path / "t.yaml")
    code, _, err = invoke("train", str(spec), "--steps", "1", "-o", str(tmp_path / "t.yaml"))
    assert (
        code == 2 and err == f"{tmp_path / 't.yaml'}: already exists; use --force to overwrite it\n"
    )
    assert snapshot(tmp_path) == before | {"t.yaml": b"the other writer's\n"}  # no arrays left


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP])
def test_without_hard_links_the_name_is_still_created_exclusively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(code, os.strerror(code))  # as FAT or some network file systems say

    monkeypatch.setattr(os, "link", no_links)
    old = os.umask(0o022)
    try:
        target = tmp_path / "out.md"
        assert invoke("run", "reference-2-3-1", "-f", "markdown", "-o", str(target))[0] == 0
        assert target.read_text(encoding="utf-8").startswith("# 2-3-1 sigmoid network")
        assert target.stat().st_mode & 0o777 == 0o644
        second = tmp_path / "second.md"
        _competitor_appears(monkeypatch, second)
        code_, _, err = invoke("run", "reference-2-3-1", "-f", "markdown", "-o", str(second))
        assert code_ == 2 and "already exists" in err
        assert second.read_text() == "the other writer's\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md", "second.md"]
    finally:
        os.umask(old)


# -- train -o --force: arrays first, the spec last, the old run's own arrays removed -----------


def test_a_replaced_trained_spec_takes_its_own_arrays_and_never_an_input(tmp_path: Path) -> None:
    spec = make_spec(tmp_path)
    target = tmp_path / "t.yaml"
    inputs = snapshot(tmp_path)
    owned = []
    for steps in ("1", "2", "3"):
        code, _, err = invoke("train", str(spec), "--steps", steps, "-o", str(target), "--force")
        assert (code, err) == (0, "")
        own = sorted(f for f in referenced(target) if f.startswith("t."))
        assert len(own) == 2  # W1 and W2; X, y referred to where they are
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*inputs, "t.yaml", *own])
        owned.append(own)
    assert owned[0] != owned[1] != owned[2]  # each run its own names, the previous ones removed
    assert {name: data for name, data in snapshot(tmp_path).items() if name in inputs} == inputs


def test_a_replaced_spec_never_takes_files_backcalc_did_not_write(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, SPEC.replace("W1.npy", "t.data.npy"))
    os.rename(tmp_path / "W1.npy", tmp_path / "t.data.npy")
    target = tmp_path / "t.yaml"
    np.save(tmp_path / "t.mine.npy", np.zeros(3))
    target.write_text(  # a hand-made spec listing files as backcalc's own
        specwriter.OWNED + '["t.data.npy", "t.mine.npy", "../t.x.npy", "X.npy"]\ninput: 1\n'
    )
    (tmp_path.parent / "t.x.npy").write_text("outside")
    code, _, err = invoke("train", str(spec), "--steps", "1", "-o", str(target), "--force")
    assert (code, err) == (0, "")
    assert (tmp_path / "t.data.npy").is_file()  # an input of this run
    assert (tmp_path / "X.npy").is_file() and (tmp_path.parent / "t.x.npy").is_file()
    assert not (tmp_path / "t.mine.npy").exists()  # listed, named after the spec, beside it


KILL = """
import os, sys
stop, calls = int(sys.argv[1]), [0]
def dying(real):
    def call(*args, **kwargs):
        calls[0] += 1
        if calls[0] == stop:
            os._exit(137)  # as SIGKILL: no clean-up at all
        return real(*args, **kwargs)
    return call
from backcalc.cli import app
for name in ("link", "replace", "unlink"):
    setattr(os, name, dying(getattr(os, name)))
app(args=sys.argv[2:], prog_name="backcalc")
"""


def test_a_kill_at_any_point_of_train_force_leaves_a_consistent_spec(tmp_path: Path) -> None:
    new = tmp_path / "new"
    spec = make_spec(new)
    assert invoke("train", str(spec), "--steps", "2", "-o", str(new / "t.yaml"))[0] == 0
    new_run = parameters(new / "t.yaml")  # what an uninterrupted second run writes
    folder = tmp_path / "killed"
    spec = make_spec(folder)
    assert invoke("train", str(spec), "--steps", "1", "-o", str(folder / "t.yaml"))[0] == 0
    old_run = parameters(folder / "t.yaml")
    assert not all(np.array_equal(a, b) for a, b in zip(old_run, new_run, strict=True))
    outcomes = []
    for stop in range(1, 50):  # every link, rename and unlink of the write, in turn
        work = tmp_path / f"at-{stop}"
        shutil.copytree(folder, work)
        args = ["train", "s.yaml", "--steps", "2", "-o", "t.yaml", "--force"]
        done = subprocess.run(
            [sys.executable, "-c", KILL, str(stop), *args],
            cwd=work,
            env=child_environment(),
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert done.returncode in (0, 137), done.stderr
        for file in referenced(work / "t.yaml"):
            assert (work / file).is_file()
        got = parameters(work / "t.yaml")
        same = [
            all(np.array_equal(a, b) for a, b in zip(got, run, strict=True))
            for run in (old_run, new_run)
        ]
        assert same in ([True, False], [False, True]), f"killed at call {stop}: a mixed spec"
        outcomes.append(same[1])
        if done.returncode == 0:
            break
    assert outcomes[0] is False and outcomes[-1] is True and len(outcomes) >= 5


def test_an_interrupted_write_removes_this_runs_arrays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = make_spec(tmp_path)
    target = tmp_path / "t.yaml"
    assert invoke("train", str(spec), "--steps", "1", "-o", str(target))[0] == 0
    before = snapshot(tmp_path)
    real, calls = files.create_new, []

    def second_fails(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C between the two arrays
        real(path, data)

    monkeypatch.setattr(specwriter, "create_new", second_fails)
    code, _, _ = invoke("train", str(spec), "--steps", "2", "-o", str(target), "--force")
    assert code != 0 and len(calls) == 2
    assert snapshot(tmp_path) == before and hidden(tmp_path) == []


def test_ctrl_c_while_writing_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.fdopen

    class Interrupting:
        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def __enter__(self) -> Interrupting:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()

        def write(self, data: bytes) -> int:
            raise KeyboardInterrupt

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: Interrupting(real(*a, **k)))
    target = tmp_path / "out.md"
    code, _, _ = invoke("run", "reference-2-3-1", "-f", "markdown", "-o", str(target))
    assert code != 0
    assert list(tmp_path.iterdir()) == []


BLOCK = """
import os, sys
import numpy as np
point, calls = sys.argv[1], [0]
def blocking(real):
    def call(*args, **kwargs):
        calls[0] += 1
        if calls[0] == 2:  # the second array
            print("ready", flush=True)
            sys.stdin.readline()  # until the parent has sent SIGTERM and closed our stdin
        return real(*args, **kwargs)
    return call
from backcalc.cli import app
if point == "between":  # np.save runs between the writes of two files
    np.save = blocking(np.save)
else:  # os.link runs inside the write of a file
    os.link = blocking(os.link)
app(args=sys.argv[2:], prog_name="backcalc")
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("point", ["between", "inside"])
def test_a_signal_while_train_writes_leaves_the_old_spec_and_no_temporaries(
    tmp_path: Path, point: str, signum: signal.Signals
) -> None:
    spec = make_spec(tmp_path)
    target = tmp_path / "t.yaml"
    assert invoke("train", str(spec), "--steps", "1", "-o", str(target))[0] == 0
    before = snapshot(tmp_path)
    args = ["train", "s.yaml", "--steps", "2", "-o", "t.yaml", "--force"]
    with subprocess.Popen(
        [sys.executable, "-c", BLOCK, point, *args],
        cwd=tmp_path,
        env=child_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None and child.stdin is not None and child.stderr is not None
        try:
            assert child.stdout.readline() == "ready\n"
            child.send_signal(signum)
            child.stdin.close()  # "inside": the signal waits until the file is written
            err = child.stderr.read()
            child.wait(timeout=300)
        finally:
            if child.poll() is None:  # pragma: no cover - only if the test fails
                child.kill()
    ended = {signal.SIGTERM: (-signal.SIGTERM,), signal.SIGINT: (-signal.SIGINT, 130)}
    assert child.returncode in ended[signum], err  # ended by the signal, as without backcalc
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before and hidden(tmp_path) == []


# -- the trained spec refers to its data files -------------------------------------------------


def test_the_trained_spec_refers_to_data_files_in_its_folder(tmp_path: Path) -> None:
    spec = make_spec(tmp_path / "data")
    spec = spec.rename(tmp_path / "s.yaml")
    spec.write_text(SPEC.replace("{file: ", "{file: data/"), encoding="utf-8")
    target = tmp_path / "trained.yaml"
    code, _, err = invoke("train", str(spec), "--steps", "1", "-o", str(target))
    assert (code, err) == (0, "")
    trained = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert trained["input"] == {"file": "data/X.npy"}
    assert trained["target"] == {"file": "data/y.npy"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "data",
        "s.yaml",
        "trained.W1.npy",
        "trained.W2.npy",
        "trained.yaml",
    ]
    exercise = read(target)
    assert isinstance(exercise, Exercise)
    assert np.array_equal(exercise.x, np.load(tmp_path / "data" / "X.npy"))


@pytest.mark.parametrize("where", ["elsewhere/trained.yaml", "data/sub/trained.yaml"])
def test_data_outside_the_new_specs_folder_are_copied(tmp_path: Path, where: str) -> None:
    spec = make_spec(tmp_path / "data")
    target = tmp_path / where
    target.parent.mkdir(parents=True)
    code, _, err = invoke("train", str(spec), "--steps", "1", "-o", str(target))
    assert (code, err) == (0, "")
    trained = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert trained["input"] == {"file": "trained.input.npy"}
    assert np.array_equal(
        np.load(target.parent / "trained.input.npy"), np.load(spec.parent / "X.npy")
    )
    assert all(not f.startswith("..") and "/" not in f for f in referenced(target))


def test_an_npz_key_and_a_symlinked_file_are_referred_to_where_they_really_are(
    tmp_path: Path,
) -> None:
    spec = make_spec(tmp_path)
    rng = np.random.default_rng(1)
    np.savez(tmp_path / "data.npz", X=np.load(tmp_path / "X.npy"), other=rng.normal(size=3))
    (tmp_path / "real").mkdir()
    shutil.move(tmp_path / "y.npy", tmp_path / "real" / "y.npy")
    (tmp_path / "y.npy").symlink_to(tmp_path / "real" / "y.npy")
    spec.write_text(SPEC.replace("{file: X.npy}", "{file: data.npz, key: X}"), encoding="utf-8")
    assert invoke("train", str(spec), "--steps", "1", "-o", str(tmp_path / "t.yaml"))[0] == 0
    trained = yaml.safe_load((tmp_path / "t.yaml").read_text(encoding="utf-8"))
    assert trained["input"] == {"file": "data.npz", "key": "X"}
    assert trained["target"] == {"file": "real/y.npy"}


def test_a_data_file_changed_during_training_is_copied_as_it_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backcalc.core import training

    spec = make_spec(tmp_path)
    read_as = np.load(tmp_path / "X.npy")
    real = training.train

    def train_meanwhile_changing_x(*args: Any, **kwargs: Any) -> Any:
        np.save(tmp_path / "X.npy", np.zeros((30, 4)))
        return real(*args, **kwargs)

    monkeypatch.setattr(training, "train", train_meanwhile_changing_x)
    assert invoke("train", str(spec), "--steps", "1", "-o", str(tmp_path / "t.yaml"))[0] == 0
    trained = yaml.safe_load((tmp_path / "t.yaml").read_text(encoding="utf-8"))
    assert trained["input"] == {"file": "t.input.npy"}
    assert np.array_equal(np.load(tmp_path / "t.input.npy"), read_as)


def test_a_spec_on_stdin_refers_to_data_files_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = make_spec(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(
        "train", "-", "--steps", "1", "-o", "t.yaml", stdin=spec.read_text(encoding="utf-8")
    )
    assert (code, err) == (0, "")
    trained = yaml.safe_load((tmp_path / "t.yaml").read_text(encoding="utf-8"))
    assert trained["input"] == {"file": "X.npy"} and trained["target"] == {"file": "y.npy"}
    code, _, err = invoke("run", "-", "-o", "X.npy", "--force", stdin=spec.read_text())
    assert code == 2 and "backcalc never overwrites an input" in err
