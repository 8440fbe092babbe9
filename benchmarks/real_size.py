"""Benchmark (run by hand, not by the tests): real-size networks and training (issue 7).

Targets: `run` on a 784-30-10 network with a batch of 100, parameters from .npy files, under
0.5 s as a whole process; `check` on it (sampled) under 2 s. `train`: 10,000 full-batch steps of
the 2-2-2 sigmoid network (Mazur's) and one epoch of mini-batch SGD (batch 10) of a 784-30-10
network over 10,000 observations, against the same loops in PyTorch on the CPU when torch is
installed (`pip install torch==2.13.0`, only for this benchmark): backcalc as a whole process,
start-up included, against torch's loop alone.

    .venv/bin/python benchmarks/real_size.py [--runs 5]
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

BACKCALC = [sys.executable, "-m", "backcalc"]
# As on a user's machine, bytecode is cached (some sandboxes set PYTHONDONTWRITEBYTECODE, which
# would make every run compile backcalc from source while numpy and rich load compiled code).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENV)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def mnist_like(folder: Path, m: int, name: str) -> Path:
    """A 784-30-10 sigmoid network with softmax cross-entropy, data of MNIST's shape."""
    rng = np.random.default_rng(0)
    np.save(folder / "W1.npy", rng.normal(0, 0.05, (784, 30)))
    np.save(folder / "W2.npy", rng.normal(0, 0.2, (30, 10)))
    np.save(folder / f"{name}_x.npy", rng.uniform(0, 1, (m, 784)))
    np.save(folder / f"{name}_y.npy", rng.integers(0, 10, m))
    spec = folder / f"{name}.yaml"
    spec.write_text(
        f"convention: row\ninput: {{file: {name}_x.npy}}\ntarget: {{file: {name}_y.npy}}\n"
        "layers:\n  - {weights: {file: W1.npy}, bias: {init: zeros}, activation: sigmoid}\n"
        "  - {weights: {file: W2.npy}, bias: {init: zeros}}\n"
        "loss: softmax_cross_entropy\nlearning_rate: 0.1\n"
    )
    return spec


def torch_loops() -> tuple[float, float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    # Mazur's 2-2-2: 10,000 full-batch steps of SGD, MSE/2 summed
    x = torch.tensor([[0.05, 0.10]], dtype=torch.float64)
    y = torch.tensor([[0.01, 0.99]], dtype=torch.float64)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 2), torch.nn.Sigmoid()
    ).double()
    optimiser = torch.optim.SGD(net.parameters(), lr=0.5)
    start = time.perf_counter()
    for _ in range(10_000):
        optimiser.zero_grad()
        loss = 0.5 * ((net(x) - y) ** 2).sum()
        loss.backward()
        optimiser.step()
    small = time.perf_counter() - start
    # 784-30-10, one epoch of mini-batches of 10 over 10,000 observations
    rng = np.random.default_rng(0)
    X = torch.tensor(rng.uniform(0, 1, (10_000, 784)))
    Y = torch.tensor(rng.integers(0, 10, 10_000))
    net = torch.nn.Sequential(
        torch.nn.Linear(784, 30), torch.nn.Sigmoid(), torch.nn.Linear(30, 10)
    ).double()
    optimiser = torch.optim.SGD(net.parameters(), lr=0.1)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(X, Y), batch_size=10, shuffle=True
    )
    start = time.perf_counter()
    for xb, yb in loader:
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(net(xb), yb).backward()
        optimiser.step()
    return small, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        spec = mnist_like(folder, 100, "batch100")
        run_time = timed([*BACKCALC, "run", str(spec), "--format", "json"], runs)
        table_time = timed([*BACKCALC, "run", str(spec)], runs)
        check_time = timed([*BACKCALC, "check", str(spec)], runs)
        print(f"784-30-10, batch 100, .npy parameters (median of {runs}):")
        print(f"  run --format json {run_time:6.2f} s   run (tables) {table_time:6.2f} s")
        print("  target < 0.5 s")
        print(f"  check (sampled)   {check_time:6.2f} s   target < 2 s")
        small = timed(
            [*BACKCALC, "train", "mazur-shared-bias", "--steps", "10000", "-f", "json"], runs
        )
        big_spec = mnist_like(folder, 10_000, "epoch")
        big = timed(
            [
                *BACKCALC,
                "train",
                str(big_spec),
                "--epochs",
                "1",
                "--batch-size",
                "10",
                "-f",
                "json",
            ],
            runs,
        )
        print("train, whole process (start-up included):")
        print(f"  2-2-2, 10,000 full-batch steps      {small:6.2f} s")
        print(
            f"  784-30-10, 1 epoch, batch 10 (1,000 updates over 10,000 observations) {big:6.2f} s"
        )
        torch_times = torch_loops()
        if torch_times is None:
            print("torch is not installed: no comparison (pip install torch==2.13.0)")
            return
        print("PyTorch 2.13 CPU, the loop alone (1 thread):")
        print(f"  2-2-2 {torch_times[0]:6.2f} s  -> backcalc/torch {small / torch_times[0]:.2f}")
        ratio = big / torch_times[1]
        print(f"  784-30-10 epoch {torch_times[1]:6.2f} s  -> backcalc/torch {ratio:.2f}")


if __name__ == "__main__":
    main()
