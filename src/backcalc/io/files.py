"""Writing output files without ever losing a user's work: never over an input, never over an
existing file unless forced, and atomically (a temporary file in the same folder, then a rename),
so a failure midway leaves the old file or nothing, never half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from backcalc.errors import BackcalcError, Location


class OutputError(BackcalcError):
    """The output file cannot or may not be written."""


def write_output(path: Path, text: str | bytes, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Write `text` to `path` atomically; refuse inputs, existing files (unless `force`),
    folders and missing directories, with nothing written."""
    where = Location(str(path))
    target = path.resolve()
    if any(target == source.resolve() for source in inputs):
        raise OutputError(
            "this is an input of the command; backcalc never overwrites an input", where
        )
    if path.is_dir():
        raise OutputError("is a directory; give a file name", where)
    if not path.parent.is_dir():
        raise OutputError(f"the directory {path.parent} does not exist", where)
    if path.exists() and not force:
        raise OutputError("already exists; use --force to overwrite it", where)
    if path.exists() and not path.is_file():  # a device, a FIFO: never replaced by a file
        raise OutputError("is not a regular file; backcalc only replaces regular files", where)
    mode = _mode(path)
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:  # a read-only folder
        raise OutputError(f"cannot write it: {error.strerror}", where) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"cannot write it: {error.strerror}", where) from None


def _mode(path: Path) -> int:
    """The permissions the written file gets: those of the file it replaces, else an ordinary
    new file's (0o666 less the umask: 0644 under umask 022; mkstemp alone would give 0600)."""
    if path.is_file():
        return path.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
