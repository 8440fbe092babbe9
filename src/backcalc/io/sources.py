"""The files a command reads: the spec and every data file it names, noted as they are read, so
that no output ever replaces one of them and `train -o` can refer to the data files instead of
copying them."""

from __future__ import annotations

import contextlib
import os
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@dataclass(frozen=True)
class DataRead:
    """One `{file: ..., key: ...}` of a spec: where it stands (`input`, `layers[0].weights`),
    the file as the spec names it, the key in an .npz, the file's real path (symlinks resolved)
    and its identity when read (device, inode, size, modification time)."""

    at: str
    file: str
    key: str | None
    path: Path
    identity: tuple[int, ...]

    def unchanged(self) -> bool:
        """The file still holds what was read (same inode, size and modification time)."""
        try:
            return _identity(self.path) == self.identity
        except OSError:
            return False


@dataclass
class Sources:
    """The spec file (None for standard input) and the data files read with it."""

    spec: Path | None = None
    data: list[DataRead] = field(default_factory=list)

    def paths(self) -> tuple[Path, ...]:
        """Every file read, spec first: none of them may ever be replaced."""
        spec = () if self.spec is None else (self.spec,)
        return (*spec, *(read.path for read in self.data))

    def at(self, where: str) -> DataRead | None:
        """The data file read at key path `where`, if the spec gave one there."""
        return next((read for read in self.data if read.at == where), None)


_reading: ContextVar[Sources | None] = ContextVar("backcalc_sources", default=None)


@contextlib.contextmanager
def recording(spec: Path | None) -> Iterator[Sources]:
    """Note every data file read inside the block into the Sources it yields."""
    sources = Sources(spec)
    token = _reading.set(sources)
    try:
        yield sources
    finally:
        _reading.reset(token)


def note(at: str, file: str, key: str | None, base: Path) -> None:
    """A data file was read (at key path `at`, named `file` relative to `base`)."""
    sources = _reading.get()
    if sources is None:
        return
    path = (base / file).resolve()  # an absolute `file` stays itself
    with contextlib.suppress(OSError):
        sources.data.append(DataRead(at, file, key, path, _identity(path)))


def _identity(path: Path) -> tuple[int, ...]:
    status = os.stat(path)
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)
