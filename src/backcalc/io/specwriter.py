"""Writing a spec back out (a trained network): the YAML with its parameters, large arrays to
`.npy` files beside it, each file written atomically, none over an existing one unless forced."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from backcalc.core.registry import option_values
from backcalc.io.files import OutputError, write_output

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.network import Exercise

INLINE = 64  # arrays with more numbers than this go to .npy files


def trained_spec(exercise: Exercise, path: Path) -> tuple[str, dict[Path, Array]]:
    """The YAML text of `exercise` and the arrays to save beside it, by path."""
    files: dict[Path, Array] = {}

    def value(name: str, array: Array) -> Any:
        if array.size <= INLINE:
            return array.tolist()
        file = path.with_name(f"{path.stem}.{name}.npy")
        files[file] = array
        return {"file": file.name}

    net = exercise.network
    layers = []
    for number, layer in enumerate(net.layers, start=1):
        spec: dict[str, Any] = {
            "weights": value(f"W{number}", layer.weights.reshape(layer.weights_shape))
        }
        if layer.bias is not None:
            spec["bias"] = value(
                f"b{number}", layer.bias.reshape(layer.bias_shape or layer.bias.shape)
            )
        spec["activation"] = {"name": layer.activation.name, **option_values(layer.activation)}
        if layer.frozen:
            spec["freeze"] = list(layer.frozen)
        layers.append(spec)
    x = exercise.x if exercise.batched else exercise.x[0]
    target = exercise.target if exercise.batched else exercise.target[0]
    document: dict[str, Any] = {
        "title": exercise.title,
        "convention": net.convention,
        "input": value("input", x),
        "target": value("target", target),
        "layers": layers,
        "loss": {"name": net.loss.name, "reduction": net.reduction, **option_values(net.loss)},
    }
    if net.l2:
        document["l2"] = net.l2
    if exercise.learning_rate is not None:
        document["learning_rate"] = exercise.learning_rate
    document = {k: v for k, v in document.items() if v is not None}
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=None)
    return text, files


def write_spec(exercise: Exercise, path: Path, force: bool, inputs: tuple[Path, ...]) -> list[Path]:
    """Write the spec and its .npy files; nothing is written if any of them may not be."""
    text, files = trained_spec(exercise, path)
    for target in [path, *files]:
        if target.exists() and not force:
            raise OutputError("already exists; use --force to overwrite it", _where(target))
    for file, array in files.items():
        buffer = io.BytesIO()
        np.save(buffer, array)
        write_output(file, buffer.getvalue(), force=True, inputs=inputs)
    write_output(path, text, force, inputs)
    return [path, *files]


def _where(path: Path) -> Any:
    from backcalc.errors import Location

    return Location(str(path))
