"""Benchmark (run by hand, not by the tests): `backcalc check --answers` (issue 12).

Targets: grading a full answers file of a 784-30-10 network with a batch of 10 (every quantity
of every layer, the outputs, ∂J/∂x and the updates; about 58,000 entries written with 6
decimals) in under 2 s as a whole process; grading the notes' hand solution of the 2-3-1 example
within 1.5x the time of `run` on it (median of interleaved runs).

    .venv/bin/python benchmarks/grading.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from check import ENV, once  # the same timing as the check benchmark (run from the repo)

BACKCALC = [sys.executable, "-m", "backcalc"]


def mnist_spec(folder: Path) -> Path:
    """A 784-30-10 network (sigmoid, softmax cross-entropy) on a batch of 10, with a learning
    rate, as plain YAML."""
    rng = np.random.default_rng(0)
    w1 = rng.normal(0, 0.05, (30, 784)).round(4).tolist()
    w2 = rng.normal(0, 0.2, (10, 30)).round(4).tolist()
    x = rng.uniform(0, 1, (10, 784)).round(3).tolist()
    text = (
        f"title: 784-30-10 benchmark\ninput: {x}\ntarget: {rng.integers(0, 10, 10).tolist()}\n"
        f"learning_rate: 0.5\n"
        f"layers:\n  - weights: {w1}\n    bias: {[0.1] * 30}\n    activation: sigmoid\n"
        f"  - weights: {w2}\n    bias: {[0.0] * 10}\n    activation: softmax\n"
        "loss: cross_entropy\n"
    )
    path = folder / "mnist.yaml"
    path.write_text(text)
    return path


def full_answers(spec: Path, folder: Path) -> tuple[Path, int]:
    """Every quantity `run --format json` gives, written with 6 decimals (as strings, so each
    number carries its written decimals)."""
    out = subprocess.run(
        [*BACKCALC, "run", str(spec), "-f", "json"], capture_output=True, text=True, env=ENV
    ).stdout
    doc = json.loads(out)

    def written(value: object) -> object:
        if isinstance(value, list):
            return [written(v) for v in value]
        return f"{value:.6f}" if isinstance(value, float) else value

    names = ("z", "a", "g_prime", "dJ_da", "delta", "dJ_dW", "dJ_db")
    layers = {
        layer["layer"]: {
            name: written(layer[name])
            for name in (*names, "weights_updated", "bias_updated")
            if layer.get(name) is not None
        }
        for layer in doc["layers"]
    }
    answers = {"layers": layers, "loss": written(doc["loss"]), "dJ_dx": written(doc["dJ_dx"])}
    for name in ("prediction", "probabilities", "losses"):
        if doc.get(name) is not None:
            answers[name] = written(doc[name])
    path = folder / "answers.yaml"
    path.write_text(json.dumps(answers))
    count = sum(np.size(np.asarray(v, dtype=object)) for v in _leaves(answers))
    return path, count


def _leaves(data: object) -> list[object]:
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in _leaves(value)]
    return [data]


def median(command: list[str], runs: int) -> float:
    return statistics.median(once(command) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        spec = mnist_spec(Path(folder))
        answers, entries = full_answers(spec, Path(folder))
        big = [*BACKCALC, "check", str(spec), "--answers", str(answers)]
        for fmt in ("table", "json"):
            seconds = median([*big, "-f", fmt], max(3, runs // 3))
            print(
                f"784-30-10, batch 10, {entries:,} claimed entries, -f {fmt}: {seconds:.2f} s"
                " (target < 2 s)"
            )
    run = [*BACKCALC, "run", "reference-2-3-1"]
    grade = [*BACKCALC, "check", "reference-2-3-1", "--answers", "reference-2-3-1-hand"]
    times: dict[str, list[float]] = {"run": [], "grade": []}
    for _ in range(runs):
        times["run"].append(once(run))
        times["grade"].append(once(grade))
    t_run, t_grade = statistics.median(times["run"]), statistics.median(times["grade"])
    print(
        f"2-3-1: run {t_run:.3f} s, check --answers {t_grade:.3f} s: "
        f"{t_grade / t_run:.2f}x (target < 1.5x)"
    )


if __name__ == "__main__":
    main()
