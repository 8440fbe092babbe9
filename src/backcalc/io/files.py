"""Writing output files without ever losing a user's work: never over a file the command reads,
never over anything but a regular file, never over an existing file unless forced, and
atomically: a temporary file in the same folder, then a hard link to the final name (which
fails if the name exists, so two writers never both win) or, forced, a rename over it. A
failure midway, Ctrl-C or SIGTERM leaves the old file or nothing, never half a file and never
a temporary one."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import tempfile
import threading
from typing import TYPE_CHECKING, Any

from backcalc.errors import BackcalcError, Location

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from types import FrameType

# link(2) errors that mean "no hard links here" (FAT, some network file systems), not "exists"
_NO_HARD_LINKS = {
    errno.EPERM,
    errno.ENOTSUP,
    errno.EOPNOTSUPP,
    errno.EXDEV,
    errno.EMLINK,
    errno.ENOSYS,
}


class OutputError(BackcalcError):
    """The output file cannot or may not be written."""


def check_target(path: Path, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse, before anything is written, a path that `write_output` would refuse."""
    where = Location(str(path))
    if is_input(path, inputs):
        raise OutputError(
            "this is a file the command reads; backcalc never overwrites an input", where
        )
    if path.is_dir():
        raise OutputError("is a directory; give a file name", where)
    if path.parent.exists() and not path.parent.is_dir():
        raise OutputError(f"{path.parent} is a file, not a directory", where)
    if not path.parent.is_dir():
        raise OutputError(f"the directory {path.parent} does not exist", where)
    if path.exists() and not force:
        raise exists_error(path)
    if path.exists() and not path.is_file():  # a device, a FIFO: never replaced by a file
        raise OutputError("is not a regular file; backcalc only replaces regular files", where)


def is_input(path: Path, inputs: tuple[Path, ...]) -> bool:
    """`path` is (after resolving symlinks, or as the same file) one of `inputs`."""
    target = path.resolve()
    for source in inputs:
        if target == source.resolve():
            return True
        with contextlib.suppress(OSError):
            if path.exists() and os.path.samefile(path, source):
                return True
    return False


def write_output(path: Path, text: str | bytes, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Write `text` to `path` atomically; refuse inputs, existing files (unless `force`),
    anything but a regular file, folders and missing directories, with nothing written."""
    check_target(path, force, inputs)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        _write(path, data, _mode(path) if force else new_file_mode(), replace=force)
    except FileExistsError:  # it appeared since the check: another writer was first
        raise exists_error(path) from None


def create_new(path: Path, data: bytes) -> None:
    """Write `data` to `path`, which must not exist (FileExistsError if it does or appears
    meanwhile), atomically and with an ordinary new file's permissions."""
    _write(path, data, new_file_mode(), replace=False)


def _write(path: Path, data: bytes, mode: int, replace: bool) -> None:
    where = Location(str(path))
    temporary: str | None = None
    with signals_held():  # a signal meanwhile waits: never a temporary file left behind
        try:
            handle, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
            )
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, mode)
            if replace:
                os.replace(temporary, path)
                temporary = None  # it is the output now
            else:
                _link(temporary, path)
        except FileExistsError:
            raise
        except OSError as error:  # a read-only folder, a full disk
            raise OutputError(f"cannot write it: {error.strerror}", where) from None
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def _link(temporary: str, path: Path) -> None:
    """Give the complete file `temporary` the name `path` if, and only if, no file has it."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        # no hard links on this file system: claim the name exclusively, then rename over it
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(path)  # the empty file claimed just above
            raise


def exists_error(path: Path) -> OutputError:
    return OutputError("already exists; use --force to overwrite it", Location(str(path)))


def _mode(path: Path) -> int:
    """The permissions the written file gets: those of the file it replaces, else an ordinary
    new file's."""
    if path.is_file():
        return path.stat().st_mode & 0o7777
    return new_file_mode()


def new_file_mode() -> int:
    """An ordinary new file's permissions: 0o666 less the umask (0644 under umask 022;
    mkstemp alone would give 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived while files were being written."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_SIGNALS = (signal.SIGINT, signal.SIGTERM)


_held: list[int] = []  # the signals that arrived inside the outermost signals_held block
_depth = [0]  # how many signals_held blocks are open


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the end of the block (in the main thread), so that the
    steps inside it happen all or none; then they are delivered as they would have been.

    Python-level handlers, not a signal mask: numpy's threads (OpenBLAS) do not block what the
    main thread blocks, so a signal sent to the process could still run its handler anywhere."""
    if not _main_thread():
        yield
        return
    previous: dict[signal.Signals, Any] = {}
    if _depth[0] == 0:
        for signum in _SIGNALS:
            handler = signal.getsignal(signum)
            if handler is not None and handler is not signal.SIG_IGN:  # nohup's ignored stay so
                previous[signum] = signal.signal(signum, _hold)
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
        if _depth[0] == 0:
            _restore(previous)
            arrived, _held[:] = list(_held), []
            for number in arrived:
                signal.raise_signal(number)  # to the handler outside, or the default


def _hold(signum: int, frame: FrameType | None) -> None:
    _held.append(signum)


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """Within the block SIGINT and SIGTERM raise Interrupted, so that the clean-up of partial
    writes runs; the signal is then delivered again as it would have been (SIGTERM ends the
    process, SIGINT raises KeyboardInterrupt). Blocks nest; outside the main thread this does
    nothing."""
    if not _main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous: dict[signal.Signals, Any] = {}
    for signum in _SIGNALS:
        handler = signal.getsignal(signum)
        if handler is not None and handler is not signal.SIG_IGN:  # nohup's ignored stay so
            previous[signum] = signal.signal(signum, interrupt)
    try:
        yield
    except Interrupted as caught:
        _restore(previous)
        previous = {}
        signal.raise_signal(caught.signum)  # the handler outside: an outer block's, or the default
        raise KeyboardInterrupt from None  # a handler that returned: the writes stopped anyway
    finally:
        _restore(previous)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _restore(handlers: dict[signal.Signals, Any]) -> None:
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
