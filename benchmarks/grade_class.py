"""Benchmark (run by hand, not by the tests): `backcalc grade` on a class of 200 (issue 14).

200 variants of the course's 2-3-1 network (its numbers drawn at one decimal), a manifest, and
200 full answer files (every entry of every step, 38 numbers, at 3 decimals; every fifth student
forgets g'(z) at δ⁽¹⁾), as YAML files and as one CSV. Each `backcalc grade` is a whole process
writing every output (gradebook, Canvas, JSON, report, 200 feedback documents); the median and
the best of `--runs` are reported. Target: under 10 s on a 2-core machine.

    .venv/bin/python benchmarks/grade_class.py [--students 200] [--runs 3] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

BACKCALC = [sys.executable, "-m", "backcalc"]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"COLUMNS": "80"}


def spec(rng: np.random.Generator) -> str:
    def drawn(*shape: int) -> list:
        return np.round(rng.uniform(-1, 1, shape), 1).tolist()

    return yaml.safe_dump(
        {
            "title": "2-3-1 sigmoid network",
            "convention": "column",
            "input": [1.8, -3.4],
            "target": 5,
            "answer_decimals": 3,
            "layers": [
                {"weights": drawn(3, 2), "bias": drawn(3), "activation": "sigmoid"},
                {"weights": drawn(1, 3), "bias": drawn(1), "activation": "sigmoid"},
            ],
            "loss": "half_squared_error",
        }
    )


def answers(spec_path: Path, slip: bool) -> dict:
    """Every step of the variant at 3 decimals (the engine's values: this is a benchmark)."""
    from backcalc.core.grading import steps_for
    from backcalc.core.quantities import quantity
    from backcalc.io.spec import read

    trace = read(spec_path).run()
    doc: dict = {"layers": {1: {}, 2: {}}}
    for name, layer in steps_for(trace).order:
        value = np.asarray(quantity(trace, name, layer))
        if slip and (name, layer) == ("delta", 1):
            value = np.asarray(quantity(trace, "dJ_da", 1))
        text = np.vectorize(lambda v: f"{v:.3f}")(value).tolist()
        if layer is None:
            doc[name] = text
        else:
            doc["layers"][layer][name] = text
    return doc


def build(folder: Path, students: int) -> tuple[Path, Path, Path]:
    from backcalc.io import manifest as manifest_file

    rng = np.random.default_rng(14)
    (folder / "class" / "specs").mkdir(parents=True)
    (folder / "answers").mkdir()
    entries, rows = [], []
    for n in range(1, students + 1):
        sid, variant = f"s{n:03d}", f"v{n:03d}"
        path = folder / "class" / "specs" / f"{variant}.yaml"
        path.write_text(spec(rng), encoding="utf-8")
        entries.append(
            manifest_file.Entry(
                sid,
                f"Student {n}",
                f"{sid}@uni.es",
                "A",
                variant,
                n,
                f"{n:016x}",
                f"specs/{variant}.yaml",
            )
        )
        doc = answers(path, slip=n % 5 == 0)
        labelled = {"student": sid, "variant": variant, **doc}
        (folder / "answers" / f"{sid}.yaml").write_text(yaml.safe_dump(labelled), "utf-8")
        rows.append((sid, variant, doc))
    manifest_file.write(manifest_file.Manifest(tuple(entries), folder / "class"), force=False)
    return folder / "class" / "manifest.csv", folder / "answers", _csv(folder, rows)


def _csv(folder: Path, rows: list) -> Path:
    from backcalc.io.answerscsv import columns
    from backcalc.io.spec import read

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: its tests
    from tests.classroom import columns_of

    names = columns(read(folder / "class" / "specs" / "v001.yaml").run())
    path = folder / "answers.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["student", "variant", *names])
        for sid, variant, doc in rows:
            cells = columns_of(doc)  # the tests' own writer of the documented column names
            writer.writerow([sid, variant, *(cells[n] for n in names)])
    return path


def timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, env=ENV, check=False)
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        manifest, yaml_folder, table = build(folder, args.students)
        for what, given in (("YAML files", yaml_folder), ("one CSV", table)):
            times = []
            for run in range(args.runs):
                out = folder / f"out-{what[:3]}-{run}"
                seconds, code = timed(
                    [*BACKCALC, "grade", str(given), "--manifest", str(manifest), "-o", str(out)]
                )
                assert code == 0, f"backcalc grade exited {code}"
                times.append(seconds)
            print(
                f"grade {args.students} students ({what}): median {statistics.median(times):.2f} s,"
                f" best {min(times):.2f} s"
            )


if __name__ == "__main__":
    main()
