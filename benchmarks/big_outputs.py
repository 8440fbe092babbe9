"""Benchmark (run by hand, not by the tests): the two big jobs of issue 11.

`run digits-64-15-10 --full` (every matrix whole: about 5 MB of text), and `check
digits-64-15-10 --answers` on an answers file holding every quantity of that run (every entry
of every layer and of ŷ, J, ∂J/∂x and the update step: about 120,000 numbers at 4 decimals).
Each is a whole process; wall time and the process's peak memory (maximum resident set) are
reported, the median and the best of `--runs`. Targets: seconds, not minutes, and memory
linear in the file.

    .venv/bin/python benchmarks/big_outputs.py [--runs 3] [--keep FOLDER]
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

BACKCALC = [sys.executable, "-m", "backcalc"]
# As on a user's machine, bytecode is cached (some sandboxes set PYTHONDONTWRITEBYTECODE, which
# would make every run compile backcalc from source while numpy and rich load compiled code).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"COLUMNS": "80"}


def measured(command: list[str]) -> tuple[float, float, int]:
    """(seconds, peak resident megabytes, exit code) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, process.returncode


def answers_file(folder: Path, example: str = "digits-64-15-10") -> tuple[Path, int]:
    """Every quantity of a run of `example`, written as an answers file at 4 decimals."""
    from backcalc.core.network import run
    from backcalc.core.quantities import quantity
    from backcalc.io import examples
    from backcalc.io.spec import read

    found = examples.find(example)
    assert found is not None
    trace = run(read(found.path))  # type: ignore[arg-type]
    top: list[str] = []
    layers: dict[int, list[str]] = {}
    count = 0
    for name, layer in trace.names():
        values = quantity(trace, name, layer)
        if values is None:
            continue
        count += values.size
        text = f"{name}: {_yaml(values.tolist())}"
        (top if layer is None else layers.setdefault(layer, [])).append(text)
    lines = [*top, "layers:"]
    for layer, entries in layers.items():
        lines += [f"  {layer}:", *(f"    {entry}" for entry in entries)]
    path = folder / f"{example}-every-entry.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, count


def _yaml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    return f"{float(value):.4f}"  # type: ignore[arg-type]


def report(name: str, command: list[str], runs: int) -> None:
    samples = [measured(command) for _ in range(runs)]
    times = [s for s, _, _ in samples]
    memory = max(m for _, m, _ in samples)
    codes = sorted({c for _, _, c in samples})
    print(
        f"  {name:<44} median {statistics.median(times):6.2f} s  best {min(times):6.2f} s  "
        f"peak {memory:5.0f} MB  exit {codes}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the answers file here and keep it")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = options.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        answers, count = answers_file(folder)
        size = answers.stat().st_size / 1e6
        print(f"{options.runs} runs each; answers file: {count:,} entries, {size:.1f} MB")
        report(
            "run digits-64-15-10 --full",
            [*BACKCALC, "run", "digits-64-15-10", "--full"],
            options.runs,
        )
        check = [*BACKCALC, "check", "digits-64-15-10", "--answers", str(answers)]
        report("check digits-64-15-10 --answers (every entry)", check, options.runs)
        report("  the same, --format json", [*check, "--format", "json"], options.runs)


if __name__ == "__main__":
    main()
