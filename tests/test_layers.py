"""The layering rule (CONTRIBUTING.md), one line per package, checked on what each package's
modules really import at run time (ruff's banned-api checks the import statements)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "backcalc"

# package -> the libraries none of its modules may bring in
LAYERS = {
    "core": ("typer", "rich", "yaml"),  # the math: no CLI, no terminal, no file formats
    "io": ("typer", "rich"),  # reading and writing files: the only YAML
    "locales": ("typer", "rich", "yaml", "numpy"),  # text only: the CLI lists languages cheaply
    "render": ("typer", "yaml"),  # renderers: rich only in render/terminal (below)
}
NO_RICH_RENDERERS = ("json", "markdown", "latex", "dot", "notation", "numbers", "shapes", "style")


def modules(package: str) -> list[str]:
    folder = SRC / package
    found = [f"backcalc.{package}"]
    for path in sorted(folder.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        found.append("backcalc." + ".".join(path.relative_to(SRC).with_suffix("").parts))
    return found


def imported_after(names: list[str]) -> set[str]:
    code = "import sys\n" + "".join(f"import {name}\n" for name in names)
    code += "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


@pytest.mark.parametrize("package", list(LAYERS))
def test_a_package_never_imports_what_its_layer_forbids(package: str) -> None:
    names = modules(package) if package != "render" else ["backcalc.render"]
    if package == "render":
        names += [f"backcalc.render.{name}" for name in NO_RICH_RENDERERS]
        names.append("backcalc.render.document.network")
        names.append("backcalc.render.document.graph")
    forbidden = set(LAYERS[package]) | ({"rich"} if package == "render" else set())
    assert not forbidden & imported_after(names), names


def test_every_module_is_in_a_layer() -> None:
    top = {p.stem for p in SRC.glob("*.py")} - {"__init__", "__main__"}
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    # the public extension API, the Python API and the exception family sit at the top
    assert top == {"activations", "losses", "api", "errors"}
    assert packages == {"core", "io", "render", "cli", "locales"}


# package -> the backcalc packages its modules may import (the arrows of CONTRIBUTING.md)
ARROWS = {
    "core": {"core", "errors"},
    "io": {"io", "core", "errors"},
    "locales": set(),
    "render": {"render", "core", "errors", "locales"},
    "cli": {"cli", "core", "io", "render", "locales", "errors"},
}


def backcalc_imports(path: Path) -> set[str]:
    """The backcalc packages (or top modules) a file imports, at any level of the file."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "backcalc" and len(parts) > 1:
                found.add(parts[1])
    return found - {"__version__"}


@pytest.mark.parametrize("package", list(ARROWS))
def test_imports_follow_the_arrows(package: str) -> None:
    wrong = {}
    for path in sorted((SRC / package).rglob("*.py")):
        imported = backcalc_imports(path) - ARROWS[package]
        if imported:
            wrong[str(path.relative_to(SRC))] = sorted(imported)
    assert not wrong, f"imports against the arrows: {wrong}"
