"""The example specs shipped inside the package: listed by `backcalc examples`, and accepted by
name wherever a spec file is (`backcalc run reference-2-3-1`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Example:
    name: str
    path: Path

    @property
    def summary(self) -> str:
        """The first comment line of the file, without its `#`."""
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
        return ""


def _folder() -> Path:
    return Path(__file__).parent.parent / "examples"


def folder() -> Path:
    """Where the shipped examples are."""
    return _folder()


def all_examples() -> list[Example]:
    return [Example(p.stem, p) for p in sorted(_folder().glob("*.yaml"))]


def find(name: str) -> Example | None:
    """The example called `name` (with or without `.yaml`), or None."""
    path = _folder() / f"{name.removesuffix('.yaml')}.yaml"
    return Example(path.stem, path) if path.is_file() and "/" not in name else None


def resolve(name: str) -> tuple[Path, str]:
    """The file a command line (or the Python API) means by `name`: an existing path, else the
    shipped example of that name; (path, the name to show in messages). SpecError otherwise."""
    from backcalc.errors import Location, SpecError

    path = Path(name)
    if path.exists():
        return path, name
    example = find(name)
    if example is not None:
        return example.path, f"{example.name}.yaml"
    raise SpecError(
        "no such file, and no example of that name (`backcalc examples` lists them)",
        Location(name),
    )


def resolve_answers(name: str) -> tuple[Path, str]:
    """The answers file `name` means: an existing path, else a shipped answers file of that
    name, else the path as given (whose reading then reports that there is no such file)."""
    path = Path(name)
    if not path.exists() and (example := find_answers(name)) is not None:
        return example, f"{name.removesuffix('.yaml')}.yaml"
    return path, name


def find_answers(name: str) -> Path | None:
    """The shipped answers file called `name` (with or without `.yaml`), or None."""
    path = _folder() / "answers" / f"{name.removesuffix('.yaml')}.yaml"
    return path if path.is_file() else None
