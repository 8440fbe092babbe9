r"""Registers a user-defined activation (swish) and loss (huber) through the public extension
API, from outside backcalc's own code, then runs the backcalc command line.

    python tests/extension/register_and_run.py run spec.yaml --format json

Several command lines may be given at once, separated by `--next`: each runs in turn in this
process, and after each one the line `\x1eEXIT <code>\x1e` (\x1e is the record separator) is
written to stdout and to stderr, so a caller can split both streams into one (code, stdout,
stderr) per command line.
"""

from __future__ import annotations

import sys
import traceback

import numpy as np

import backcalc.activations as activations
import backcalc.losses as losses
from backcalc.cli import main

SEPARATOR = "--next"
MARKER = "\x1eEXIT {code}\x1e\n"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z), stable: only e^(−|z|) is taken."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@activations.register
class Swish(activations.Activation):
    name = "swish"
    formula = "{z}·σ({z})"
    formula_tex = r"{z}\,\sigma({z})"
    derivative_formula = "σ({z}) + {z}·σ({z})(1 − σ({z}))"
    derivative_formula_tex = r"\sigma({z}) + {z}\,\sigma({z})\,(1 - \sigma({z}))"

    def value(self, z: np.ndarray) -> np.ndarray:
        return z * _sigmoid(z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        s = _sigmoid(z)
        return s + z * s * (1.0 - s)


@losses.register
class Huber(losses.Loss):
    name = "huber"
    delta: float = 1.0
    formula = "Σ huber_δ({yhat} − {y})"
    formula_tex = r"\sum_k \mathrm{huber}_\delta({yhat}_k - {y}_k)"
    gradient_formula = "clip({yhat} − {y}, −δ, δ)"
    gradient_formula_tex = r"\operatorname{clip}({yhat} - {y}, -\delta, \delta)"

    def __post_init__(self) -> None:
        if not self.delta > 0:
            raise ValueError(f"huber needs delta > 0, found {self.delta:g}")

    def value(self, yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
        r = np.abs(yhat - y)
        d = self.delta
        return np.sum(np.where(r <= d, 0.5 * r**2, d * (r - 0.5 * d)), axis=1)

    def gradient(self, yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.clip(yhat - y, -self.delta, self.delta)


def _run(argv: list[str]) -> int:
    """`backcalc ARGV...` in this process; its exit code (1 with the traceback on stderr for an
    uncaught exception, as the interpreter would)."""
    sys.argv = [sys.argv[0], *argv]
    try:
        main()
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Exception:
        traceback.print_exc()
        return 1
    return 0


def _run_all(argv: list[str]) -> None:
    command: list[str] = []
    lines: list[list[str]] = []
    for word in [*argv, SEPARATOR]:
        if word == SEPARATOR:
            lines.append(command)
            command = []
        else:
            command.append(word)
    for line in lines:
        code = _run(line)
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout.write(MARKER.format(code=code))
        sys.stderr.write(MARKER.format(code=code))
        sys.stdout.flush()
        sys.stderr.flush()


if __name__ == "__main__":
    if SEPARATOR in sys.argv[1:]:
        _run_all(sys.argv[1:])
    else:
        main()
