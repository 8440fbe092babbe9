"""Benchmark (run by hand, not by the tests): whole-process time of `backcalc run` on the
reference example against the bare imports it cannot avoid.

Target (issue 3): `backcalc run reference-2-3-1` within 1.3x the median time of
`python -c "import numpy, yaml, typer, rich.console, rich.table"`; `backcalc --help` never
imports numpy.

    .venv/bin/python benchmarks/startup.py [--runs 21]
    .venv/bin/python benchmarks/startup.py --instructions   # valgrind: the same count every run

Wall time on a shared machine moves by ±20 %; `--instructions` counts the instructions each
process executes under valgrind's callgrind instead (slow, ~10 s a command, but repeatable to
0.1 %), for comparing two versions of the code.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = [sys.executable, "-c", "import numpy, yaml, typer, rich.console, rich.table"]
COMMANDS = {
    "baseline imports": BASELINE,
    "backcalc run (example name)": [sys.executable, "-m", "backcalc", "run", "reference-2-3-1"],
    "backcalc run (file)": [
        sys.executable,
        "-m",
        "backcalc",
        "run",
        str(ROOT / "src" / "backcalc" / "examples" / "reference-2-3-1.yaml"),
    ],
    "backcalc run --format json": [
        sys.executable,
        "-m",
        "backcalc",
        "run",
        "reference-2-3-1",
        "--format",
        "json",
    ],
    "backcalc --help": [sys.executable, "-m", "backcalc", "--help"],
}
# As on a user's machine, bytecode is cached (some sandboxes set PYTHONDONTWRITEBYTECODE, which
# would make every run compile backcalc from source while numpy and rich load compiled code).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
    )
    return time.perf_counter() - start


def instructions(command: list[str]) -> int:
    """Instructions the process executes, counted by valgrind's callgrind."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        capture_output=True,
        text=True,
        env=ENV | {"PYTHONHASHSEED": "0"},  # the same dict layouts, so the same count
        check=True,
    )
    line = next(line for line in result.stderr.splitlines() if "Collected" in line)
    return int(line.split()[-1])


def count_instructions() -> None:
    counts = {name: instructions(command) for name, command in COMMANDS.items()}
    base = counts["baseline imports"]
    print("instructions per process (valgrind callgrind)")
    for name, count in counts.items():
        print(f"  {name:<30} {count / 1e6:7.0f} M  {count / base:5.2f}x baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--instructions", action="store_true", help="count, do not time")
    arguments = parser.parse_args()
    for command in COMMANDS.values():  # warm the file cache and the bytecode
        once(command)
    if arguments.instructions:
        count_instructions()
        return
    runs = arguments.runs
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):  # interleaved, so machine noise hits every command alike
        for name, command in COMMANDS.items():
            times[name].append(once(command))
    base = statistics.median(times["baseline imports"])
    print(f"{runs} runs each, interleaved; median wall time per process")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  {name:<30} {median * 1000:7.1f} ms  {median / base:5.2f}x baseline")
    probe = "import sys, backcalc.cli as c\ntry: c.app(['--help'])\nexcept SystemExit: pass\n"
    probe += "print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    imported = out.stdout.strip().splitlines()[-1]
    print(f"  backcalc --help imports numpy: {imported}")
    ratio = statistics.median(times["backcalc run (example name)"]) / base
    print(f"target run <= 1.30x baseline: {'met' if ratio <= 1.3 else 'NOT met'} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
