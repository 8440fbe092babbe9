"""Benchmark (run by hand, not by the tests): `backcalc check`.

Targets (issue 4): `check` on the 2-3-1 example within 1.5x the time of `run` on it, both as
whole processes (median of interleaved runs); `check --all` on a 100-50-10 network with a batch
of 10, written as YAML (every entry, about 6,560 with x), in under 2 s.

    .venv/bin/python benchmarks/check.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

# As on a user's machine, bytecode is cached (some sandboxes set PYTHONDONTWRITEBYTECODE, which
# would make every run compile backcalc from source while numpy and rich load compiled code).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV
    )
    return time.perf_counter() - start


def big_spec(folder: Path) -> Path:
    """A 100-50-10 network (tanh, softmax cross-entropy) on a batch of 10, as plain YAML."""
    rng = np.random.default_rng(0)
    w1 = rng.normal(0, 0.1, (50, 100)).round(6).tolist()
    w2 = rng.normal(0, 0.1, (10, 50)).round(6).tolist()
    x = rng.normal(0, 1, (10, 100)).round(6).tolist()
    text = (
        f"title: 100-50-10 benchmark\ninput: {x}\ntarget: {rng.integers(0, 10, 10).tolist()}\n"
        f"layers:\n  - weights: {w1}\n    bias: {[0.0] * 50}\n    activation: tanh\n"
        f"  - weights: {w2}\n    bias: {[0.0] * 10}\n"
        "loss: softmax_cross_entropy\n"
    )
    path = folder / "big.yaml"
    path.write_text(text)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    backcalc = [sys.executable, "-m", "backcalc"]
    commands = {
        "run reference-2-3-1": [*backcalc, "run", "reference-2-3-1"],
        "check reference-2-3-1": [*backcalc, "check", "reference-2-3-1"],
    }
    for command in commands.values():
        once(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(once(command))
    run_time = statistics.median(times["run reference-2-3-1"])
    print(f"{runs} runs each, interleaved; median wall time per process")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  {name:<28} {median * 1000:7.1f} ms  {median / run_time:5.2f}x run")
    ratio = statistics.median(times["check reference-2-3-1"]) / run_time
    print(f"target check <= 1.5x run: {'met' if ratio <= 1.5 else 'NOT met'} ({ratio:.2f}x)")
    with tempfile.TemporaryDirectory() as folder:
        spec = big_spec(Path(folder))
        command = [*backcalc, "check", str(spec), "--all", "--format", "json"]
        samples = [once(command) for _ in range(max(3, runs // 5))]
        best, median = min(samples), statistics.median(samples)
        print(f"  check --all 100-50-10, batch 10: median {median:.2f} s, best {best:.2f} s")
        print(f"target under 2 s: {'met' if median < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
