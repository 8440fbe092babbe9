"""Benchmark (run by hand, not by the tests): a whole class (issue 14).

Targets, as whole processes on the 2-core machine:
- `backcalc variants reference-2-3-1 --count 200 -f markdown -f latex`: 200 variants, each with
  its spec, statement and solution in Markdown and LaTeX, the key, manifest and answer sheet,
  in under 20 s;
- `backcalc grade` of 200 students' full answer files (every step of the hand solution claimed,
  some with a slip) against their variants in under 10 s.

    .venv/bin/python benchmarks/class_loop.py [--students 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BACKCALC = [sys.executable, "-m", "backcalc"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
    return elapsed


def written(values: object) -> object:
    """Numbers as a student writes them: with exactly 3 decimals (as text, so that 0.250 keeps
    its zero)."""
    import numpy as np

    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        return f"{float(array):.3f}"
    return [written(row) for row in array]


def answer_files(folder: Path, out: Path) -> list[Path]:
    """Every student's full answers, from their variant's exact values at the answers'
    decimals (a third of them with δ⁽¹⁾ computed without g'(z⁽¹⁾), carried forward)."""
    import yaml

    import backcalc
    from backcalc.io import manifest

    files = []
    for number, entry in enumerate(manifest.read(folder / "manifest.csv").entries):
        exercise = backcalc.load(folder / entry.spec)
        result = backcalc.run(exercise).to_dict()
        layers = {}
        for index, layer in enumerate(result["layers"], start=1):
            layers[index] = {
                name: written(layer[name])
                for name in ("z", "a", "dJ_da", "g_prime", "delta", "dJ_dW", "dJ_db")
                if layer.get(name) is not None
            }
        if number % 3 == 0:  # δ⁽¹⁾ = ∂J/∂a⁽¹⁾ (the earlier layers then from it)
            layers[1]["delta"] = layers[1]["dJ_da"]
        document = {
            "student": entry.id,
            "variant": entry.variant,
            "prediction": written(result["prediction"]),
            "loss": written(result["loss"]),
            "layers": layers,
        }
        path = out / f"{entry.id}.yaml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    draws, grades = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as work:
            folder = Path(work) / "class"
            draws.append(
                timed(
                    [
                        *BACKCALC,
                        "variants",
                        "reference-2-3-1",
                        "--count",
                        str(args.students),
                        "--seed",
                        str(run),
                        "-f",
                        "markdown",
                        "-f",
                        "latex",
                        "-o",
                        str(folder),
                    ]
                )
            )
            answers = Path(work) / "answers"
            answers.mkdir()
            answer_files(folder, answers)
            grades.append(
                timed(
                    [
                        *BACKCALC,
                        "grade",
                        str(answers),
                        "--manifest",
                        str(folder / "manifest.csv"),
                        "-o",
                        str(Path(work) / "graded"),
                    ]
                )
            )
    print(
        f"variants: {args.students} variants, md + latex: median {statistics.median(draws):.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in draws)}; target < 20 s)"
    )
    print(
        f"grade: {args.students} students: median {statistics.median(grades):.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in grades)}; target < 10 s)"
    )


if __name__ == "__main__":
    main()
