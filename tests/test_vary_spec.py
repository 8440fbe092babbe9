"""A template's `vary:` section (io/vary.py) and the variant specs written from a template
(io/variants.py): located errors (exit 2 from `run` too, in English and Spanish), the rules
read, the defaults' decimals read from the text, and every variant's spec an ordinary spec that
loads to the variant's own numbers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import backcalc
from backcalc.core.variants import FIXED, Choice, LayerVary, Range, Variant, draw_all
from backcalc.errors import SpecError
from backcalc.io import examples, spec
from backcalc.io.variants import dump, read_template, variant_document
from tests.helpers import invoke
from tests.test_messages import ENGLISH, without_quotes

NET = """\
title: {en: a 2-2-1 template, es: una plantilla 2-2-1}
input: [1.0, -0.5]
target: [0.8]
layers:
  - weights: [[0.25, -0.5], [0.75, 1.0]]
    bias: [0.1, -0.2]
    activation: tanh
  - weights: [[1.5, -1.25]]
    activation: sigmoid
loss: half_squared_error
vary:
  weights: {range: [-1, 1], decimals: 1}
"""
VARY_LINE = 12  # the line of `weights:` under vary


def write(tmp_path: Path, text: str, name: str = "net.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def with_vary(section: str) -> str:
    """NET with its vary: section replaced by `section` (indented lines under vary:)."""
    return NET.split("vary:\n")[0] + "vary:\n" + section


BAD = [
    (
        "  weights: {range: [1, -1], decimals: 1}\n",
        "12:13: vary.weights.range: expected [low, high] with low < high, found [1, -1]",
    ),
    (
        "  weights: {range: [0.5], decimals: 1}\n",
        "12:13: vary.weights.range: expected [low, high] with low < high, found [0.5]",
    ),
    (
        "  wieghts: fixed\n",
        "12:3: vary.wieghts: unknown key 'wieghts'; did you mean 'weights'? "
        "(expected: input, target, weights, bias, layers)",
    ),
    (
        "  weights: {rnage: [0, 1]}\n",
        "12:13: vary.weights.rnage: unknown key 'rnage'; did you mean 'range'? "
        "(expected: range, decimals, values)",
    ),
    (
        "  layers: {3: {weights: fixed}}\n",
        "12:12: vary.layers.3: expected a layer number from 1 to 2 (the network has 2 layers), "
        "found 3",
    ),
    (
        "  layers:\n    first: {weights: fixed}\n",
        "13:5: vary.layers.first: expected a layer number from 1 to 2 (the network has 2 "
        "layers), found first",
    ),
    ("  layers: {2: {bias: fixed}}\n", "12:16: vary.layers.2.bias: layer 2 has no bias to vary"),
    (
        "  layers: {2: {bais: fixed}}\n",
        "12:16: vary.layers.2.bais: unknown key 'bais'; did you mean 'bias'? "
        "(expected: weights, bias)",
    ),
    (
        "  input: {values: []}\n",
        "12:11: vary.input.values: expected a list of numbers to draw from, found an empty list",
    ),
    (
        "  input: {values: [1, two]}\n",
        "12:23: vary.input.values[2]: expected a number, found 'two'",
    ),
    (
        "  input: {range: [0, 1], values: [1]}\n",
        "12:26: vary.input.values: give either a range or values, not both",
    ),
    (
        "  bias: {values: [0.1], decimals: 2}\n",
        "12:25: vary.bias.decimals: values are drawn as written: decimals go with a range",
    ),
    (
        "  bias: 3\n",
        "12:3: vary.bias: expected {range: [low, high], decimals: d}, {values: [...]} or "
        "fixed, found 3",
    ),
    (
        "  bias: {decimals: 2}\n",
        "12:3: vary.bias: expected {range: [low, high], decimals: d}, {values: [...]} or "
        "fixed, found a mapping without range or values",
    ),
    (
        "  weights: {range: [0, 1], decimals: 1.5}\n",
        "12:28: vary.weights.decimals: expected a whole number from 0 to 12, found 1.5",
    ),
    (
        "  weights: {range: [0.2, 0.4], decimals: 0}\n",
        "12:13: vary.weights.range: no number with 0 decimals lies in [0.2, 0.4]",
    ),
]


@pytest.mark.parametrize(("section", "message"), BAD)
def test_a_bad_vary_section_is_one_located_line_and_exit_2(
    tmp_path: Path, section: str, message: str
) -> None:
    path = write(tmp_path, with_vary(section))
    code, out, err = invoke("run", str(path))
    assert (code, out) == (2, "")
    assert err == f"{path}:{message}\n"
    with pytest.raises(SpecError) as raised:
        read_template(path, str(path))
    assert str(raised.value) == f"{path}:{message}"
    code, _, spanish = invoke("run", str(path), "--lang", "es")
    assert code == 2 and spanish.split(": ")[0] == err.split(": ")[0]
    assert not ENGLISH.search(without_quotes(spanish.split(": ", 2)[-1])), spanish


CLASSES = """\
input: [0.5, -1.0]
target: 1
layers:
  - weights: [[1.0, -1.0], [0.5, 0.5], [-0.3, 0.8]]
    bias: [0.0, 0.2, -0.1]
    activation: softmax
loss: cross_entropy
"""
BINARY = """\
input: [[2.0, -1.0], [-1.5, 0.5]]
target: [1, 0]
layers:
  - weights: [[1.2, -0.7]]
    bias: [-0.2]
    activation: sigmoid
loss: binary_cross_entropy
"""
GRAPH = """\
steps:
  - q = x + y
  - f = q * z
values: {x: -2, y: 5, z: -4}
"""


@pytest.mark.parametrize(
    ("text", "section", "message"),
    [
        (
            CLASSES,
            "  target: {values: [0, 3]}\n",
            "9:12: vary.target.values: cross_entropy targets are classes, whole numbers from 0 "
            "to 2: found 3",
        ),
        (
            CLASSES,
            "  target: {range: [3, 5]}\n",
            "9:12: vary.target.range: cross_entropy targets are classes, whole numbers from 0 "
            "to 2: none lies in [3, 5]",
        ),
        (
            BINARY,
            "  target: {values: [0, 2]}\n",
            "9:12: vary.target.values: binary_cross_entropy needs targets between 0 and 1",
        ),
        (
            GRAPH,
            "  w: {range: [0, 1]}\n",
            "6:3: vary.w: unknown value 'w' (values: x, y, z)",
        ),
        (
            GRAPH,
            "  X: fixed\n",
            "6:3: vary.X: unknown value 'X'; did you mean 'x'? (values: x, y, z)",
        ),
        (GRAPH, "  q: fixed\n", "6:3: vary.q: 'q' is a step, not a value: only values vary"),
        (
            GRAPH,
            "  x: {range: [3, 0], decimals: 1}\n",
            "6:7: vary.x.range: expected [low, high] with low < high, found [3, 0]",
        ),
        (GRAPH, "  - x\n", "5:1: vary: expected a mapping of value names, found a list"),
        (
            CLASSES,
            "  - weights\n",
            "8:1: vary: expected the numbers to vary (a mapping of keys), found a list",
        ),
    ],
)
def test_bad_rules_for_classes_binary_targets_and_graphs_are_located(
    tmp_path: Path, text: str, section: str, message: str
) -> None:
    path = write(tmp_path, text + "vary:\n" + section)
    code, out, err = invoke("run", str(path))
    assert (code, out, err) == (2, "", f"{path}:{message}\n")
    code, _, spanish = invoke("run", str(path), "--lang", "es")
    assert code == 2 and not ENGLISH.search(without_quotes(spanish.split(": ", 2)[-1])), spanish


# -- the rules read ----------------------------------------------------------------------------


def test_the_section_overrides_the_defaults_group_by_group_and_layer_by_layer(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        with_vary(
            "  weights: {range: [-1, 1], decimals: 1}\n"
            "  input: {values: [-2, -1, 1, 2]}\n"
            "  target: fixed\n"
            "  layers:\n"
            "    2: {weights: {range: [-2, 2]}}\n"
        ),
    )
    vary = read_template(path).vary
    assert vary.weights == Range(-1, 1, 1)
    assert vary.input == Choice((-2.0, -1.0, 1.0, 2.0))
    assert vary.target == FIXED
    # the biases keep their default: [−0.2, 0.1] at 1 decimal (layer 2 has none)
    assert vary.bias == Range(-0.2, 0.1, 1)
    # layer 2's range takes the decimals the template writes its weights with (0.25: 2)
    assert vary.layers == {2: LayerVary(weights=Range(-2, 2, 2))}
    assert vary.weights_of(1) == Range(-1, 1, 1) and vary.weights_of(2) == Range(-2, 2, 2)


def test_without_a_section_every_group_varies_at_the_decimals_its_text_is_written_with(
    tmp_path: Path,
) -> None:
    text = NET.split("vary:\n")[0].replace("[0.8]", "[0.80]").replace("1.0, -0.5", '"1,0", -0.5')
    vary = read_template(write(tmp_path, text)).vary
    assert vary.input == Range(-0.5, 1.0, 1)  # "1,0" is a Spanish 1.0
    assert vary.target == Range(0.3, 1.3, 2)  # 0.80 ± 0.5, at the 2 decimals written
    assert vary.weights == Range(-1.25, 1.5, 2)
    assert vary.bias == Range(-0.2, 0.1, 1)


def test_a_graphs_section_names_its_values(tmp_path: Path) -> None:
    path = write(tmp_path, GRAPH + "vary:\n  x: {range: [0, 3], decimals: 1}\n  z: fixed\n")
    vary = read_template(path).vary
    assert vary.values == {"x": Range(0, 3, 1), "y": Range(2, 8, 0), "z": FIXED}


def test_run_ignores_a_good_vary_section(tmp_path: Path) -> None:
    with_section = write(tmp_path, NET, "with.yaml")
    without = write(tmp_path, NET.split("vary:\n")[0], "without.yaml")
    first = invoke("run", str(with_section), "-f", "json")
    second = invoke("run", str(without), "-f", "json")
    assert first[0] == second[0] == 0
    assert first[1].replace("with.yaml", "X") == second[1].replace("without.yaml", "X")


# -- the variants' specs -------------------------------------------------------------------------

NAMES = sorted(
    e.name
    for e in examples.all_examples()
    if e.name not in ("digits-64-15-10", "mazur-shared-bias")
)
NOISE = re.compile(r"\d\.\d*(0000000|9999999)\d")


def numbers(exercise: Any) -> list[float]:
    if exercise.kind == "graph":
        return [exercise.values[name] for name in sorted(exercise.values)]
    arrays = [exercise.x, exercise.target]
    for layer in exercise.network.layers:
        arrays += [layer.weights] + ([] if layer.bias is None else [layer.bias])
    return [float(v) for a in arrays for v in np.ravel(a)]


def written_decimals(text: str, file: str) -> dict[str, int]:
    from backcalc.io import yamlnodes
    from backcalc.io.vary import text_decimals

    doc = yamlnodes.load(text, file)
    return {path: text_decimals(raw) for path, raw in doc.raw.items()}


@pytest.mark.parametrize("name", NAMES)
def test_a_variants_spec_is_an_ordinary_spec_with_the_variants_numbers(
    name: str, tmp_path: Path
) -> None:
    path = examples.resolve(name)[0]
    template = read_template(path)
    count = 4 if name == "autodiff-fork" else 5
    keys = [(f"v{i}", f"v{i}") for i in range(1, count + 1)]
    for variant in draw_all(template.exercise, template.vary, keys, 99, 3):
        document = variant_document(template, variant, 3)
        text = dump(document, f"{variant.id} of {name}\nseed {variant.seed}")
        assert text.startswith(f"# {variant.id} of {name}\n# seed {variant.seed}\n")
        assert not NOISE.search(text), text
        assert "vary" not in document and "validation" not in document
        assert document["answer_decimals"] == 3
        for key in ("title", "description", "loss", "learning_rate", "l2", "convention"):
            if key in template.data:
                assert document[key] == template.data[key], key
        loaded = spec.parse(text, f"{variant.id}.yaml", tmp_path)
        assert loaded.kind == variant.exercise.kind
        assert numbers(loaded) == numbers(variant.exercise), (name, text)
        assert loaded.answer_decimals == 3
        # no number is written with more decimals than its rule draws
        for where, places in written_decimals(text, "x").items():
            group = where.split("[")[0] if not where.startswith("layers") else where
            if where.startswith(("input", "target")):
                rule = template.vary.rule(group)
            elif where.startswith("values."):
                rule = template.vary.value_of(where.split(".")[1])
            elif ".weights" in where or ".bias" in where:
                number = int(where[len("layers[") :].split("]")[0])
                rule = template.vary.rule(f"layers[{number}]." + where.split(".")[1].split("[")[0])
            else:
                continue
            limit = getattr(rule, "decimals", None)
            if limit is not None:
                assert places <= limit, (where, places, limit)


def test_class_targets_are_written_as_the_template_writes_them(tmp_path: Path) -> None:
    indices = read_template(examples.resolve("batch-relu-softmax-row")[0])
    (variant,) = draw_all(indices.exercise, indices.vary, [("v1", "v1")], 5, 3)
    target = variant_document(indices, variant, 3)["target"]
    assert target == [int(c) for c in np.argmax(variant.exercise.target, axis=1)]
    rows = write(tmp_path, CLASSES.replace("target: 1", "target: [0, 1, 0]"))
    one_hot = read_template(rows)
    (variant,) = draw_all(one_hot.exercise, one_hot.vary, [("v1", "v1")], 5, 3)
    target = variant_document(one_hot, variant, 3)["target"]
    assert target == variant.exercise.target[0].astype(int).tolist() and sum(target) == 1


def test_arrays_from_files_and_initializers_are_written_inline(tmp_path: Path) -> None:
    folder = tmp_path / "template"
    folder.mkdir()
    (folder / "x.csv").write_text("0.5,-1.2\n1.0,0.3\n-0.7,0.8\n", encoding="utf-8")
    text = """\
input: {file: x.csv}
target: [0.5, -0.5, 0.25]
layers:
  - units: 3
    weights: {init: xavier_uniform, seed: 4}
    bias: {init: zeros}
    activation: tanh
  - weights: [[0.5, -0.25, 0.75]]
    bias: [0.1]
loss: half_squared_error
validation:
  input: [[0.1, 0.2]]
  target: [0.3]
vary:
  layers: {1: {bias: {range: [-0.5, 0.5], decimals: 1}}}
"""
    template = read_template(write(folder, text))
    vary = template.vary
    assert vary.input == FIXED and vary.weights_of(1) == FIXED
    assert vary.bias_of(1) == Range(-0.5, 0.5, 1)
    assert vary.weights_of(2) == Range(-0.25, 0.75, 2)
    (variant,) = draw_all(template.exercise, vary, [("v1", "v1")], 7, 3)
    document = variant_document(template, variant, 3)
    assert document["input"] == [[0.5, -1.2], [1.0, 0.3], [-0.7, 0.8]]
    weights = document["layers"][0]["weights"]
    np.testing.assert_array_equal(np.array(weights), template.exercise.network.layers[0].weights)
    assert all(v * 10 == round(v * 10) for v in document["layers"][0]["bias"])
    assert "validation" not in document and "units" in document["layers"][0]
    elsewhere = tmp_path / "specs"
    elsewhere.mkdir()
    loaded = spec.parse(dump(document), "v1.yaml", elsewhere)  # no x.csv beside it
    assert numbers(loaded) == numbers(variant.exercise)


def test_a_variant_of_a_graph_keeps_its_steps_and_writes_its_values(tmp_path: Path) -> None:
    template = read_template(write(tmp_path, GRAPH + "vary:\n  x: {range: [0, 3], decimals: 1}\n"))
    variants: list[Variant] = draw_all(template.exercise, template.vary, [("a", "a")], 1, 2)
    document = variant_document(template, variants[0], 2)
    assert document["steps"] == ["q = x + y", "f = q * z"]
    assert set(document["values"]) == {"x", "y", "z"}
    assert isinstance(document["values"]["y"], int)  # drawn at 0 decimals: a whole number
    loaded = yaml.safe_load(dump(document))
    assert loaded == document
    assert numbers(backcalc.load(dump(document))) == numbers(variants[0].exercise)
