"""Benchmark (run by hand, not by the tests): drawing and checking variants (issue 14).

Target: 200 good, distinct variants of reference-2-3-1 drawn and checked (every problem of
backcalc.core.variants.problems, the slip check included) at 3 decimals well under 3 s, in
process (the issue's 20 s are for 200 variants with all their documents). Also: each shipped
example's 30 variants, and the specs of the 200 written as YAML.

    PYTHONPATH=src .venv/bin/python benchmarks/variants_draw.py [--runs 3] [--count 200]
"""

from __future__ import annotations

import argparse
import statistics
import time

from backcalc.core.variants import VariantError, draw_all
from backcalc.io import examples
from backcalc.io.variants import dump, read_template, variant_document


def timed(name: str, count: int, seed: int, decimals: int) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, draws) for `count` variants of example `name`."""
    template = read_template(examples.resolve(name)[0])
    keys = [(f"v{i:03d}", f"v{i:03d}") for i in range(1, count + 1)]
    wall, cpu = time.perf_counter(), time.process_time()
    variants = draw_all(template.exercise, template.vary, keys, seed, decimals)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, sum(variant.attempts for variant in variants)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    runs = [timed("reference-2-3-1", args.count, seed, 3) for seed in range(1, args.runs + 1)]
    wall = statistics.median(run[0] for run in runs)
    cpu = statistics.median(run[1] for run in runs)
    draws = statistics.median(run[2] for run in runs)
    print(
        f"reference-2-3-1: {args.count} variants in {wall:.2f} s "
        f"(CPU {cpu:.2f} s, {draws:.0f} draws; median of {args.runs} seeds)"
    )
    template = read_template(examples.resolve("reference-2-3-1")[0])
    keys = [(f"v{i:03d}", f"v{i:03d}") for i in range(1, args.count + 1)]
    variants = draw_all(template.exercise, template.vary, keys, 1, 3)
    start = time.perf_counter()
    for variant in variants:
        dump(variant_document(template, variant, 3), f"variant {variant.id}")
    print(f"  their {args.count} specs as YAML: {time.perf_counter() - start:.2f} s")
    for example in examples.all_examples():
        try:
            wall, cpu, draws = timed(example.name, 30, 1, 3)
        except VariantError as error:
            print(f"{example.name}: {error.message[:90]}…")
            continue
        print(f"{example.name}: 30 variants in {wall:.2f} s ({draws} draws)")


if __name__ == "__main__":
    main()
