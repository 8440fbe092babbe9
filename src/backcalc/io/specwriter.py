"""Writing a spec back out (a trained network): the YAML with its parameters, large arrays to
`.npy` files beside it.

The data keep referring to the files they were read from when those lie in the new spec's
folder (a relative path, as the containment rule wants), and are copied otherwise; the
parameters training changed are always written. Crash consistency: every array goes to a name
that no file has (`t.W1.npy`, or `t.W1.<run>.npy` when that one exists), created exclusively,
and the spec comes last, atomically, so a spec only ever refers to complete files of its own
run. A spec replaced with --force then has the arrays it listed as backcalc's own removed (never
a file the command read); an interrupted write removes this run's arrays again."""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from backcalc.core.registry import option_values
from backcalc.core.texts import Localized
from backcalc.errors import Location
from backcalc.io.files import (
    OutputError,
    check_target,
    create_new,
    is_input,
    signals_held,
    signals_interrupt,
    write_output,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from backcalc.core.activations import Array
    from backcalc.core.network import Exercise
    from backcalc.io.sources import DataRead, Sources

    Value = Callable[[str, Array, str | None], Any]

INLINE = 64  # arrays with more numbers than this go to .npy files
OWNED = "# backcalc train wrote this spec and these files beside it: "  # the spec's first line
_ATTEMPTS = 100  # fresh names tried for one array before giving up (each a random one)


def trained_document(exercise: Exercise, value: Value) -> dict[str, Any]:
    """The spec of `exercise` as YAML-ready data; `value(name, array, at)` gives each array's
    entry (a list, or a file reference), `at` the key path of data the spec may have read from
    a file."""
    net = exercise.network
    layers = []
    for number, layer in enumerate(net.layers, start=1):
        spec: dict[str, Any] = {
            "weights": value(f"W{number}", layer.weights.reshape(layer.weights_shape), None)
        }
        if layer.bias is not None:
            bias = layer.bias.reshape(layer.bias_shape or layer.bias.shape)
            spec["bias"] = value(f"b{number}", bias, None)
        spec["activation"] = {"name": layer.activation.name, **option_values(layer.activation)}
        if layer.frozen:
            spec["freeze"] = list(layer.frozen)
        layers.append(spec)
    x = exercise.x if exercise.batched else exercise.x[0]
    target = exercise.target if exercise.batched else exercise.target[0]
    document: dict[str, Any] = {
        "title": _as_written(exercise.title),
        "convention": net.convention,
        "input": value("input", x, "input"),
        "target": value("target", target, "target"),
        "layers": layers,
        "loss": {"name": net.loss.name, "reduction": net.reduction, **option_values(net.loss)},
    }
    if exercise.validation is not None:  # kept as read, like the input and the target
        vx, vy = exercise.validation
        document["validation"] = {
            "input": value("validation.input", vx, "validation.input"),
            "target": value("validation.target", vy, "validation.target"),
        }
    if net.l2:
        document["l2"] = net.l2
    if exercise.learning_rate is not None:
        document["learning_rate"] = exercise.learning_rate
    if exercise.answer_decimals is not None:
        document["answer_decimals"] = exercise.answer_decimals
    return {k: v for k, v in document.items() if v is not None}


def _as_written(text: str | None) -> str | dict[str, str] | None:
    """A text as the spec wrote it: one per language (a mapping) or plain."""
    return dict(text.versions) if isinstance(text, Localized) else text


def write_spec(exercise: Exercise, path: Path, force: bool, sources: Sources) -> list[Path]:
    """Write the trained spec to `path` and its arrays beside it, never over a file the command
    read (`sources`); the files written, spec first. Nothing is left behind if this fails."""
    inputs = sources.paths()
    check_target(path, force, inputs)
    previous = owned_files(path) if force else []
    arrays = _Arrays(path)

    def value(name: str, array: Array, at: str | None) -> Any:
        read = sources.at(at) if at is not None else None
        reference = _reference(read, path) if read is not None else None
        if reference is not None:
            return reference
        return array.tolist() if array.size <= INLINE else arrays.add(name, array)

    document = trained_document(exercise, value)
    with signals_interrupt():
        try:
            arrays.write()
            body = yaml.safe_dump(
                document, sort_keys=False, allow_unicode=True, default_flow_style=None
            )
            names = [file.name for file in arrays.written]
            write_output(path, OWNED + json.dumps(names) + "\n" + body, force, inputs)
        except BaseException:
            with signals_held():
                arrays.remove()
            raise
    for file in previous:  # the replaced spec's own arrays, now referred to by nothing
        if file not in arrays.written and not is_input(file, inputs) and not file.is_symlink():
            with contextlib.suppress(OSError):
                os.unlink(file)
    return [path, *arrays.written]


def owned_files(spec: Path) -> list[Path]:
    """The arrays that backcalc wrote for the spec at `spec`, as its first line lists them:
    plain names beside it, named after it, nothing else."""
    try:
        with open(spec, "rb") as stream:
            first = stream.readline(65536).decode("utf-8", errors="replace")
    except OSError:
        return []
    if not first.startswith(OWNED):
        return []
    try:
        names = json.loads(first[len(OWNED) :])
    except ValueError:
        return []
    if not isinstance(names, list):
        return []
    return [
        spec.with_name(name)
        for name in names
        if isinstance(name, str)
        and name == os.path.basename(name)
        and name.startswith(f"{spec.stem}.")
        and name.endswith(".npy")
    ]


def _reference(read: DataRead, path: Path) -> dict[str, str] | None:
    """`{file: ..., key: ...}` for data read from a file that still holds it and lies inside
    the new spec's folder (symlinks resolved), relative to that folder; None otherwise."""
    try:
        relative = read.path.relative_to(path.parent.resolve())
    except ValueError:
        return None
    if not read.unchanged():
        return None
    reference = {"file": relative.as_posix()}
    if read.key is not None:
        reference["key"] = read.key
    return reference


class _Arrays:
    """The arrays a spec puts in files: their entries in the document filled in as they are
    created, each under a name no file has."""

    def __init__(self, spec: Path) -> None:
        self.spec = spec
        self.pending: list[tuple[dict[str, str], str, Array]] = []
        self.written: list[Path] = []

    def add(self, name: str, array: Array) -> dict[str, str]:
        entry = {"file": ""}
        self.pending.append((entry, name, array))
        return entry

    def write(self) -> None:
        """Create every file; plain names (`t.W1.npy`) if all are free, else with a tag unique
        to this run (`t.W1.3f9a2c.npy`)."""
        plain = [self._name(name, None) for _, name, _ in self.pending]
        tag = None if not any(os.path.lexists(file) for file in plain) else secrets.token_hex(3)
        for entry, name, array in self.pending:
            buffer = io.BytesIO()
            np.save(buffer, array)
            entry["file"] = self._create(name, buffer.getvalue(), tag).name

    def _create(self, name: str, data: bytes, tag: str | None) -> Path:
        for _ in range(_ATTEMPTS):
            file = self._name(name, tag)
            with signals_held():  # created and noted as this run's, or neither
                try:
                    create_new(file, data)
                except FileExistsError:
                    tag = secrets.token_hex(3)
                    continue
                self.written.append(file)
            return file
        raise OutputError("cannot write it: no free file name", Location(str(file)))

    def _name(self, name: str, tag: str | None) -> Path:
        middle = name if tag is None else f"{name}.{tag}"
        return self.spec.with_name(f"{self.spec.stem}.{middle}.npy")

    def remove(self) -> None:
        for file in self.written:
            with contextlib.suppress(OSError):
                os.unlink(file)
        self.written = []
