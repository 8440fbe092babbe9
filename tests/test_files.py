"""Files backcalc writes behave like every other tool's: an ordinary new file's permissions, a
replaced file's kept, never anything but a regular file replaced, a clear message where the
folder cannot be written; and YAML that expands exponentially is refused at once."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.helpers import invoke

CASES = Path(__file__).parent / "reliability"


@pytest.fixture
def umask_022() -> object:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_file_has_ordinary_permissions_and_a_replaced_one_keeps_its_own(
    tmp_path: Path, umask_022: object
) -> None:
    target = tmp_path / "key.md"
    assert invoke("run", "reference-2-3-1", "-f", "markdown", "-o", str(target))[0] == 0
    assert target.stat().st_mode & 0o777 == 0o644  # readable by a shared folder, as cp's
    target.chmod(0o640)
    assert invoke("run", "reference-2-3-1", "-f", "latex", "-o", str(target), "--force")[0] == 0
    assert target.stat().st_mode & 0o777 == 0o640
    assert target.read_text(encoding="utf-8").startswith("\\documentclass")


def test_never_replaces_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, out, err = invoke("run", "reference-2-3-1", "-o", str(fifo), "--force")
    assert (code, out) == (2, "")
    assert err == f"{fifo}: is not a regular file; backcalc only replaces regular files\n"
    assert fifo.exists() and not fifo.is_file()


def test_a_folder_that_cannot_be_written_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")  # as a read-only folder does, not as root

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    target = tmp_path / "out.md"
    code, out, err = invoke("run", "reference-2-3-1", "-f", "markdown", "-o", str(target))
    assert (code, out) == (2, "")
    assert err == f"{target}: cannot write it: Permission denied\n"
    assert not target.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["run", "11-billion-laughs.yaml"],
        ["check", "ref.yaml", "--answers", "11b-billion-laughs-answers.yaml"],
    ],
)
def test_exponential_yaml_aliases_are_refused_at_once(args: list[str], tmp_path: Path) -> None:
    for name in ("11-billion-laughs.yaml", "11b-billion-laughs-answers.yaml", "ref.yaml"):
        shutil.copy(CASES / name, tmp_path / name)
    paths = [str(tmp_path / a) if a.endswith(".yaml") else a for a in args]
    code, out, err = invoke(*paths)
    assert (code, out) == (2, "")
    assert "too many uses of YAML anchors (more than 1000)" in err and err.count("\n") == 1


def test_an_output_under_a_file_says_the_file_is_not_a_folder(tmp_path: Path) -> None:
    spec = tmp_path / "ref.yaml"
    spec.write_text("x", encoding="utf-8")
    code, out, err = invoke("run", "reference-2-3-1", "-o", str(spec / "x.md"))
    assert (code, out) == (2, "")
    assert err == f"{spec / 'x.md'}: {spec} is a file, not a directory\n"
    assert spec.read_text(encoding="utf-8") == "x"
