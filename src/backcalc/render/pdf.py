"""The PDF format: the LaTeX document (backcalc.render.latex) compiled by pdflatex in a temporary
folder, as bytes. pdflatex runs without shell escape, with no input (nonstopmode, halt on the
first error), again while the log asks for a rerun; a missing pdflatex or a failed compilation
is a BackcalcError (the command exits 2 with it, having written nothing)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from backcalc.errors import BackcalcError

if TYPE_CHECKING:
    from backcalc.render.document.build import Documented
    from backcalc.render.style import Style

PDFLATEX = "pdflatex"
RUNS = 3  # at most: a second run settles references, a third is the rare second change
TIMEOUT = 300  # seconds for one run: a key of the largest example compiles in about 2
_LINE = re.compile(r"l\.(\d+)")
_RERUN = re.compile(r"\b[Rr]erun\b")  # LaTeX's "Label(s) may have changed. Rerun to get ..."


def network(trace: Documented, style: Style | None = None) -> bytes:
    """Any document's PDF: a solution, a set of variants' key (render.document.build)."""
    from backcalc.render import latex

    command = pdflatex_command()  # before the document is written: nothing to do without it
    return compile_latex(latex.network(trace, style), command)


graph = key = network


def pdflatex_command() -> str:
    found = shutil.which(PDFLATEX)
    if found is None:
        raise BackcalcError(
            "--format pdf needs pdflatex, which is not installed: install it (Debian: "
            "texlive-latex-base) or write the LaTeX with --format latex"
        )
    return found


def compile_latex(source: str, command: str | None = None) -> bytes:
    """The PDF of a LaTeX document, or a BackcalcError with the log's first error line."""
    command = command or pdflatex_command()
    with tempfile.TemporaryDirectory(prefix="backcalc-pdf-") as folder:
        work = Path(folder)
        (work / "key.tex").write_text(source, encoding="utf-8")
        for _ in range(RUNS):
            log = _run(command, work)
            if not _RERUN.search(log):
                break
        return (work / "key.pdf").read_bytes()


def _run(command: str, work: Path) -> str:
    arguments = [
        command,
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-no-shell-escape",
        "-no-file-line-error",  # errors as `! message` lines, whatever texmf.cnf says
        "key.tex",
    ]
    try:
        result = subprocess.run(
            arguments,
            cwd=work,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackcalcError(f"pdflatex took more than {TIMEOUT} s") from None
    except OSError as error:
        raise BackcalcError(f"pdflatex could not be run: {error.strerror}") from None
    log_file = work / "key.log"
    log = log_file.read_text(encoding="utf-8", errors="replace") if log_file.exists() else ""
    if result.returncode == 0 and (work / "key.pdf").exists():
        return log
    message, line = first_error(log)
    if message is None:
        raise BackcalcError("pdflatex could not compile the document, and its log names no error")
    if line is None:
        raise BackcalcError(f"pdflatex could not compile the document: {message}")
    raise BackcalcError(
        f"pdflatex could not compile the document: {message} "
        f"(line {line} of what --format latex writes)"
    )


def first_error(log: str) -> tuple[str | None, int | None]:
    """The log's first `! ...` message, and the line of the LaTeX it stopped at (`l.42`)."""
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("!"):
            message = line.lstrip("! ").strip()
            where = next((m for m in map(_LINE.match, lines[index + 1 :]) if m), None)
            return message, int(where.group(1)) if where is not None else None
    return None, None
