"""Per-student seeds and the hash of a variant's numbers."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backcalc.core.exercise import ExerciseKind


def student_seed(seed: int, key: str) -> int:
    """HMAC-SHA256 with key str(seed) of the message `key`: its first 8 bytes, big-endian. The
    same seed and key give the same number on every machine, whatever other keys there are."""
    digest = hmac.new(str(seed).encode(), key.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def numbers(exercise: ExerciseKind) -> dict[str, Any]:
    """Every number a variant draws, by group, as plain lists: a network's input, target and
    each layer's weights and bias (in the internal layout); a graph's values by name."""
    if exercise.kind == "graph":
        values: dict[str, float] = exercise.values  # type: ignore[attr-defined]
        return {"values": {name: float(v) for name, v in sorted(values.items())}}
    x, target = exercise.x, exercise.target  # type: ignore[attr-defined]
    layers = exercise.network.layers  # type: ignore[attr-defined]
    return {
        "input": x.tolist(),
        "target": target.tolist(),
        "layers": [
            [layer.weights.tolist(), None if layer.bias is None else layer.bias.tolist()]
            for layer in layers
        ],
    }


def numbers_hash(exercise: ExerciseKind) -> str:
    """The first 16 hex digits of the SHA-256 of the canonical text of `numbers` (JSON, keys
    sorted, floats as their shortest repr: the drawn 0.3 is "0.3")."""
    text = json.dumps(numbers(exercise), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
