"""A small class built by hand for the `backcalc grade` tests: eight variants of the course's 2-3-1
network (sigmoid, ½(ŷ − y)², column convention) with different numbers, written as YAML specs,
a manifest, and each student's answers solved by hand with tests/slipref.py (the independent
NumPy reference), a known slip planted at one step or none, every number written at three
decimals as a student writes it.

The plan: s01 all right; s02, s03, s04 forget g'(z) at δ⁽¹⁾ (the most common slip); s05 puts z in
place of ∂J/∂a at δ⁽¹⁾; s06 has the error's sign wrong at ∂J/∂ŷ and names another variant than
their own; s07 hands in nothing; s08 takes z⁽¹⁾ for a⁽¹⁾ in ∂J/∂W⁽²⁾; s99 is not in the manifest.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from tests import slipref

W2 = [[-0.4, 0.2, -0.5]]
B2 = [0.7]
X = [1.8, -3.4]
TARGET = 5.0
W1S = {  # the numbers that vary: W⁽¹⁾ and b⁽¹⁾ of each variant
    "v01": ([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]], [0.1, 0.5, 0.8]),
    "v02": ([[0.2, -0.4], [-0.1, -0.7], [0.6, 0.1]], [0.2, 0.3, 0.5]),
    "v03": ([[-0.2, -0.6], [0.3, -0.5], [0.4, 0.3]], [0.1, -0.2, 0.4]),
    "v04": ([[0.3, -0.2], [-0.4, -0.8], [0.7, -0.1]], [0.0, 0.6, 0.3]),
    "v05": ([[0.1, -0.3], [-0.2, -0.6], [0.5, 0.2]], [0.4, 0.1, 0.6]),
    "v06": ([[0.4, -0.1], [-0.3, -0.4], [0.2, 0.4]], [-0.1, 0.2, 0.7]),
    "v07": ([[0.2, -0.7], [-0.5, -0.3], [0.6, -0.2]], [0.3, 0.4, 0.2]),
    "v08": ([[-0.1, -0.4], [0.2, -0.9], [0.3, 0.1]], [0.5, 0.1, 0.1]),
}
STUDENTS = [  # id, name, email, section, variant
    ("s01", "Ana Pérez", "ana@uni.es", "A", "v01"),
    ("s02", "Bruno Díaz", "bruno@uni.es", "A", "v02"),
    ("s03", "Carla Núñez", "carla@uni.es", "B", "v03"),
    ("s04", "David Gil", "david@uni.es", "B", "v04"),
    ("s05", "Elena Ruiz", "elena@uni.es", "A", "v05"),
    ("s06", "Fabio Sanz", "fabio@uni.es", "B", "v06"),
    ("s07", "Gema Ortiz", "gema@uni.es", "A", "v07"),
    ("s08", "Hugo León", "hugo@uni.es", "B", "v08"),
]
FIRST, LAST = "student", "variant"


def slip(code: str) -> slipref.Slip:
    """The slips planted here, each at its step of the 2-3-1, as slipref's planters make them."""
    if code == "forgot_activation_derivative":
        return slipref.Slip(code, ("delta", 1), lambda n, v: v[("dJ_da", 1)])
    if code == "z_instead_of_upstream":
        return slipref.Slip(code, ("delta", 1), lambda n, v: v[("z", 1)] * v[("g_prime", 1)])
    if code == "error_sign":
        step = ("dJ_da", 2)
        return slipref.Slip(code, step, lambda n, v: -slipref.formula(n, v, step))
    if code == "wrong_upstream_activation":
        return slipref.Slip(
            code, ("dJ_dW", 2), lambda n, v: slipref.weight_gradient(v[("delta", 2)], v[("z", 1)])
        )
    raise KeyError(code)


PLAN: dict[str, tuple[str | None, str]] = {  # student -> (slip, the variant the answers name)
    "s01": (None, "v01"),
    "s02": ("forgot_activation_derivative", "v02"),
    "s03": ("forgot_activation_derivative", "v03"),
    "s04": ("forgot_activation_derivative", "v04"),
    "s05": ("z_instead_of_upstream", "v05"),
    "s06": ("error_sign", "v02"),  # their own is v06
    "s08": ("wrong_upstream_activation", "v08"),
}
UNKNOWN = "s99"  # answers v01 correctly, but no such student
STEPS = {  # where each slip is planted, as the JSON names the step
    "forgot_activation_derivative": ("delta", 1),
    "z_instead_of_upstream": ("delta", 1),
    "error_sign": ("dJ_da", 2),
    "wrong_upstream_activation": ("dJ_dW", 2),
}


def spec_text(variant: str) -> str:
    w1, b1 = W1S[variant]
    return (
        f"title: 2-3-1 sigmoid network\nconvention: column\ninput: {X}\ntarget: {TARGET}\n"
        f"answer_decimals: 3\nlayers:\n  - weights: {w1}\n    bias: {b1}\n"
        f"    activation: sigmoid\n  - weights: {W2}\n    bias: {B2}\n    activation: sigmoid\n"
        "loss: half_squared_error\n"
    )


def net(variant: str) -> slipref.Net:
    w1, b1 = W1S[variant]
    return slipref.Net(
        "column",
        (np.array(w1), np.array(W2)),
        (np.array(b1), np.array(B2)),
        ("sigmoid", "sigmoid"),
        np.array([X]),
        np.array([[TARGET]]),
        False,
        "half_squared_error",
    )


def solved(variant: str, code: str | None) -> slipref.Values:
    return slipref.solve(net(variant), None if code is None else slip(code))


def steps_of(variant: str) -> list[slipref.Step]:
    """Every step a student solves, as slipref counts them (a mark each)."""
    return slipref.claimed(net(variant))


def user_shape(step: slipref.Step) -> tuple[int, ...]:
    """The shape `run --format json` gives a step of this network (one observation)."""
    name, layer = step
    if name in ("dJ_dW",):
        return (3, 2) if layer == 1 else (1, 3)
    if name == "loss":
        return ()
    if name == "losses":
        return (1,)
    if name == "dJ_dx":
        return (2,)
    if name == "dJ_db":
        return (3,) if layer == 1 else (1,)
    return (3,) if layer == 1 else (1,)


def written(value: float, comma: bool) -> str:
    text = f"{value:.3f}"
    return text.replace(".", ",") if comma else text


def answers(variant: str, code: str | None, comma: bool = False) -> dict[str, Any]:
    """The answers-file layout of a student who solves `variant` with the slip `code`."""
    n = net(variant)
    values = solved(variant, code)
    shapes = {step: user_shape(step) for step in slipref.claimed(n)}
    doc = slipref.answers(n, values, shapes)

    def text(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: text(item) for key, item in value.items()}
        array = np.asarray(value, dtype=float)
        if array.ndim == 0:
            return written(float(array), comma)
        return [text(item) for item in array]

    return text(doc)


def columns_of(doc: dict[str, Any]) -> dict[str, str]:
    """The CSV cells of an answers document, named as the class CSV names its columns (written
    out here from the documented rule: name, layer, [row,column] counted from 1)."""
    cells: dict[str, str] = {}

    def put(prefix: str, value: Any) -> None:
        array = np.asarray(value, dtype=object)
        if array.ndim == 0:
            cells[prefix] = str(value)
            return
        for index in np.ndindex(array.shape):
            cells[prefix + "[" + ",".join(str(i + 1) for i in index) + "]"] = str(array[index])

    for layer, quantities in doc.get("layers", {}).items():
        for name, value in quantities.items():
            put(f"{name}{layer}", value)
    for name, value in doc.items():
        if name != "layers":
            put(name, value)
    return cells


@dataclass(frozen=True)
class Class:
    folder: Path
    manifest: Path
    answers: Path  # the folder of YAML answers
    csv: Path  # the same answers as one CSV


def build(folder: Path, comma_students: tuple[str, ...] = ("s02", "s05")) -> Class:
    """The class in `folder`: specs/, manifest.csv, answers/<id>.yaml and answers.csv."""
    from backcalc.io import manifest as manifest_file

    specs = folder / "class" / "specs"
    specs.mkdir(parents=True)
    entries = []
    for number, (sid, name, email, section, variant) in enumerate(STUDENTS, start=1):
        (specs / f"{variant}.yaml").write_text(spec_text(variant), encoding="utf-8")
        entries.append(
            manifest_file.Entry(
                sid,
                name,
                email,
                section,
                variant,
                number,
                f"{number:016x}",
                f"specs/{variant}.yaml",
            )
        )
    roll = manifest_file.Manifest(tuple(entries), folder / "class")
    manifest_file.write(roll, force=False)
    given = folder / "answers"
    given.mkdir()
    own = {sid: variant for sid, _, _, _, variant in STUDENTS}
    rows = []
    for sid, (code, named) in [*PLAN.items(), (UNKNOWN, (None, "v01"))]:
        doc = answers(own.get(sid, "v01"), code, comma=sid in comma_students)
        (given / f"{sid}.yaml").write_text(
            yaml.safe_dump({FIRST: sid, LAST: named, **doc}, allow_unicode=True),
            encoding="utf-8",
        )
        rows.append({FIRST: sid, LAST: named, **columns_of(doc)})
    names = [FIRST, LAST, *rows[0].keys() - {FIRST, LAST}]
    out = io.StringIO()
    writer = csv.DictWriter(out, names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    table = folder / "answers.csv"
    table.write_text(out.getvalue(), encoding="utf-8")
    return Class(folder, folder / "class" / "manifest.csv", given, table)
