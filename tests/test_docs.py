"""Every Python example in the README and CONTRIBUTING.md runs as written (in a new process:
the recipes register classes), and the registered recipe works through the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import ROOT, python

BLOCKS = re.compile(r"```python\n(.*?)```", re.S)


def blocks(name: str) -> list[str]:
    return BLOCKS.findall((ROOT / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["README.md", "CONTRIBUTING.md"])
def test_python_examples_run(name: str) -> None:
    code = "\n\n".join(blocks(name))
    assert code, f"{name} has no Python example"
    result = python("-c", code)
    assert result.returncode == 0, result.stderr


def test_the_contributing_recipe_works_from_the_command_line(tmp_path: Path) -> None:
    spec = (
        "input: [0.5, -1.5]\ntarget: [0.2, 3]\nlayers:\n"
        "  - {weights: [[0.4, -0.3], [0.2, 0.9]], bias: [0.1, -0.2], activation: swish}\n"
        "  - {weights: [[1.0, -0.5], [0.3, 0.8]]}\nloss: {name: huber, delta: 0.5}\n"
    )
    code = "\n\n".join(blocks("CONTRIBUTING.md"))
    code += "\nimport sys\nfrom backcalc.cli import main\nsys.argv = ['backcalc', 'check', sys.argv[1]]\nmain()"
    path = tmp_path / "net.yaml"
    path.write_text(spec, encoding="utf-8")
    result = python("-c", code, str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED" in result.stdout


TEXT_BLOCKS = re.compile(r"```text\n(.*?)```", re.S)


def test_the_readme_grading_example_is_what_check_prints() -> None:
    """The README's worked grading example, in English and Spanish, is the command's output at
    80 columns (lines compared without their trailing padding)."""
    from tests.helpers import invoke

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### How hand-worked answers are graded") :]
    english, spanish = TEXT_BLOCKS.findall(section)[:2]
    for lang, block in (("en", english), ("es", spanish)):
        out = invoke(
            "check", "reference-2-3-1", "--answers", "reference-2-3-1-hand", "--lang", lang,
            columns=80,
        )[1]  # fmt: skip
        shown = "\n".join(line.rstrip() for line in out.splitlines())
        assert "\n".join(line.rstrip() for line in block.strip().splitlines()) in shown, lang
