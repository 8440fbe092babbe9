"""`--format pdf -o key.pdf`: the LaTeX compiled by pdflatex (skipped where it is missing), the
bytes written by the same rules as every output file; without pdflatex, or when it fails, exit
2 with one line and nothing written."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backcalc.errors import BackcalcError
from backcalc.io.examples import find
from backcalc.io.files import OutputError, write_output
from backcalc.render import pdf
from tests.helpers import child_environment, invoke

PDFLATEX = shutil.which("pdflatex")
ES_PDF = ("--format", "pdf", "--lang", "es")
needs_pdflatex = pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed")


def spec_copy(folder: Path) -> Path:
    path = folder / "net.yaml"
    shutil.copy(find("reference-2-3-1").path, path)  # type: ignore[union-attr]
    return path


def fake_pdflatex(folder: Path, script: str) -> dict[str, str]:
    """A `pdflatex` on PATH that runs `script` (sh) in the compilation folder."""
    bin_folder = folder / "bin"
    bin_folder.mkdir()
    program = bin_folder / "pdflatex"
    program.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    program.chmod(0o755)
    return {"PATH": f"{bin_folder}{os.pathsep}/usr/bin:/bin"}


@needs_pdflatex
def test_a_pdf_is_written_with_numpys_numbers_in_it(tmp_path: Path) -> None:
    out = tmp_path / "key.pdf"
    code, stdout, stderr = invoke("run", "reference-2-3-1", "--format", "pdf", "-o", str(out))
    assert (code, stdout, stderr) == (0, "", "")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask  # an ordinary file's
    assert not [p for p in tmp_path.iterdir() if p != out]  # no temporary file left beside it
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        w1 = np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]])
        z1 = w1 @ np.array([1.8, -3.4]) + np.array([0.1, 0.5, 0.8])
        for value in z1:
            assert f"{value:.4f}" in text


@needs_pdflatex
def test_a_graph_in_spanish_compiles_and_dash_o_dash_writes_the_bytes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backcalc", "run", "cs231n-circuit", *ES_PDF, "-o", "-"],
        cwd=tmp_path,
        env=child_environment(),
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"%PDF-") and result.stderr == b""


def test_pdf_needs_an_output_file_and_never_writes_to_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "network", lambda trace, style: b"%PDF-1.5 stand-in")
    code, stdout, stderr = invoke("run", "reference-2-3-1", "--format", "pdf")
    assert (code, stdout) == (2, "")
    assert stderr == (
        "reference-2-3-1: --format pdf writes a file: give -o FILE (or -o - for stdout)\n"
    )
    from backcalc.cli import common

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    with pytest.raises(BackcalcError, match="to the terminal"):
        common.emit(b"%PDF", Path("-"), False, ())


def test_the_rules_of_every_output_file_hold_for_a_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "network", lambda trace, style: b"%PDF-1.5 new")
    spec = spec_copy(tmp_path)
    out = tmp_path / "key.pdf"
    out.write_bytes(b"old")
    code, _, stderr = invoke("run", str(spec), "-f", "pdf", "-o", str(out))
    assert code == 2 and stderr == f"{out}: already exists; use --force to overwrite it\n"
    assert out.read_bytes() == b"old"
    assert invoke("run", str(spec), "-f", "pdf", "-o", str(out), "--force")[0] == 0
    assert out.read_bytes() == b"%PDF-1.5 new"
    code, _, stderr = invoke("run", str(spec), "-f", "pdf", "-o", str(spec), "--force")
    assert code == 2 and "never overwrites an input" in stderr
    assert spec.read_bytes() == find("reference-2-3-1").path.read_bytes()  # type: ignore[union-attr]


def test_write_output_writes_bytes_exactly_and_atomically(tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    data = bytes(range(256)) * 3
    write_output(out, data, force=False)
    assert out.read_bytes() == data
    with pytest.raises(OutputError, match="already exists"):
        write_output(out, b"other", force=False)
    assert out.read_bytes() == data


def test_without_pdflatex_the_message_says_what_to_install(tmp_path: Path) -> None:
    out = tmp_path / "key.pdf"
    empty = {"PATH": str(tmp_path)}
    code, stdout, stderr = invoke("run", "reference-2-3-1", "-f", "pdf", "-o", str(out), env=empty)
    assert (code, stdout) == (2, "")
    assert stderr == (
        "reference-2-3-1: --format pdf needs pdflatex, which is not installed: install it "
        "(Debian: texlive-latex-base) or write the LaTeX with --format latex\n"
    )
    assert not out.exists()
    code, _, stderr = invoke(
        "run", "cs231n-circuit", "-f", "pdf", "-o", str(out), "--lang", "es", env=empty
    )
    assert code == 2 and "no está instalado" in stderr and "texlive-latex-base" in stderr
    assert not out.exists()


def test_a_failed_compilation_gives_the_logs_first_error(tmp_path: Path) -> None:
    log = r"This is pdfTeX\n! Undefined control sequence.\nl.42 \\foo\n! Emergency stop.\n"
    env = fake_pdflatex(tmp_path, f"printf '{log}' > key.log; exit 1")
    out = tmp_path / "key.pdf"
    code, stdout, stderr = invoke("run", "reference-2-3-1", "-f", "pdf", "-o", str(out), env=env)
    assert (code, stdout, out.exists()) == (2, "", False)
    assert stderr == (
        "reference-2-3-1: pdflatex could not compile the document: Undefined control "
        "sequence. (line 42 of what --format latex writes)\n"
    )
    code, _, stderr = invoke(
        "run", "reference-2-3-1", "-f", "pdf", "-o", str(out), "--lang", "es", env=env
    )
    assert code == 2 and stderr == (
        "reference-2-3-1: pdflatex no pudo compilar el documento: Undefined control "
        "sequence. (línea 42 de lo que escribe --format latex)\n"
    )


def test_pdflatex_runs_again_while_the_log_asks_for_it(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    script = (
        f"echo run >> {runs}; printf '%%PDF-1.5' > key.pdf; "
        f'if [ $(wc -l < {runs}) -lt 2 ]; then echo "LaTeX Warning: Label(s) may have changed. '
        f'Rerun to get cross-references right." > key.log; else echo done > key.log; fi'
    )
    env = fake_pdflatex(tmp_path, script)
    program = env["PATH"].split(os.pathsep)[0] + "/pdflatex"
    assert pdf.compile_latex("\\documentclass{article}", program) == b"%PDF-1.5"
    assert runs.read_text().split() == ["run", "run"]


@needs_pdflatex
def test_a_real_latex_error_is_reported_with_its_line() -> None:
    source = "\\documentclass{article}\n\\begin{document}\nok\n\\nosuchmacro\n\\end{document}\n"
    with pytest.raises(BackcalcError, match=r"Undefined control sequence\. \(line 4 of"):
        pdf.compile_latex(source)
