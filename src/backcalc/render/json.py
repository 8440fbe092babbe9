"""`--format json`: one JSON document per result, every number at full float64 precision.

The same interface as every format (backcalc.render): `network`, `graph`, `check`, `answers` and
`train` each turn a result into text; `document` gives the plain data (what the Python API's
`to_dict()` returns). Per-unit quantities are flat lists for one observation and one list per
observation (m×k) for a batch, whatever the convention; weight gradients have the shape of the
weights as written; bias gradients the shape of the bias (a number when shared, null when there
is none). Non-finite numbers (∂J/∂ŷ under a fused output, a check's finite difference where J is
not finite at θ ± ε) become null.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from backcalc.core.quantities import (
    FORWARD,
    UPDATES,
    as_bias,
    as_weights,
    layer_quantity,
    per_unit,
    top_quantity,
)

if TYPE_CHECKING:
    from backcalc.core.activations import Array
    from backcalc.core.gradcheck import Entry, GradCheck
    from backcalc.core.grading import Diagnosis, Grading, Judged
    from backcalc.core.grading.classroom import ClassGrading
    from backcalc.core.graph import GraphTrace
    from backcalc.core.network import Trace
    from backcalc.core.training import TrainResult
    from backcalc.render.grading import GradingText
    from backcalc.render.style import Style


def _options(key: str, instance: object) -> dict[str, Any]:
    """{key: its options} for a class that has options; nothing for one that has none."""
    from backcalc.core.registry import option_values, options

    return {key: option_values(instance)} if options(type(instance)) else {}


LONG = 1000  # entries from which each entry is written on one line


def dump(document: dict[str, Any]) -> str:
    """Strict JSON (no NaN or Infinity), UTF-8 as written, indented; a long `entries` list
    one entry per line (json's C encoder writes those; indenting 100,000s of small objects in
    Python took most of a big report's time)."""
    entries = document.get("entries")
    if not isinstance(entries, list) or len(entries) < LONG:
        return json.dumps(document, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    head = {key: value for key, value in document.items() if key != "entries"}
    text = json.dumps({**head, "entries": []}, indent=2, allow_nan=False, ensure_ascii=False)
    one = json.JSONEncoder(allow_nan=False, ensure_ascii=False).encode
    body = ",\n".join("    " + one(entry) for entry in entries)
    cut = text.rindex("[]")
    return text[:cut] + "[\n" + body + "\n  ]" + text[cut + 2 :] + "\n"


def document(result: Any) -> dict[str, Any]:
    """The JSON document of any result, as plain data."""
    documents = {
        "network": network_document,
        "graph": graph_document,
        "check": check_document,
        "answers": answers_document,
        "train": train_document,
    }
    return documents[result.kind](result)  # type: ignore[no-any-return, operator]


def network(trace: Trace, style: Style | None = None) -> str:
    return dump(network_document(trace))


def graph(trace: GraphTrace, style: Style | None = None) -> str:
    return dump(graph_document(trace))


def check(result: GradCheck, style: Style | None = None) -> str:
    return dump(check_document(result))


def answers(grading: Grading, style: Style | None = None) -> str:
    return dump(answers_document(grading, style))


def train(result: TrainResult, style: Style | None = None) -> str:
    return dump(train_document(result))


# -- a network's trace ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Nested lists of floats with NaN and ±∞ replaced by None."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _layer_document(trace: Trace, number: int) -> dict[str, Any]:
    layer = trace.exercise.network.layers[number - 1]
    doc: dict[str, Any] = {
        "layer": number,
        "activation": layer.activation.name,
        **_options("activation_options", layer.activation),
        "weights": _json(as_weights(layer.weights, layer)),  # as used: loaded or initialised
        "bias": None if layer.bias is None else _json(as_bias(layer.bias, layer)),
    }
    names: tuple[str, ...] = (*FORWARD, "g_prime", "dJ_da", "delta", "dJ_dW", "dJ_db")
    if trace.exercise.learning_rate is not None:
        names += UPDATES
    for name in names:
        doc[name] = _json(layer_quantity(trace, number, name))
    return doc


def _json(values: Array | None) -> Any:
    return None if values is None else _plain(values.tolist())


def network_document(trace: Trace) -> dict[str, Any]:
    """The whole trace as JSON-ready data."""
    ex = trace.exercise
    batched, network = ex.batched, ex.network
    doc: dict[str, Any] = {
        "title": ex.title,
        "description": ex.description,
        "convention": network.convention,
        "loss_function": network.loss.name,
        **_options("loss_options", network.loss),
        "reduction": network.reduction,
        "loss": trace.loss,
        "data_loss": trace.data_loss,
        "l2_loss": trace.l2_loss,
        "losses": trace.losses.tolist(),
        "prediction": _json(top_quantity(trace, "prediction")),
        "target": _json(per_unit(ex.target, batched)),
        "fused_output_delta": trace.fused,
    }
    if trace.probabilities is not None:
        doc["probabilities"] = _json(per_unit(trace.probabilities, batched))
    if trace.predicted is not None:
        predicted = trace.predicted if batched else trace.predicted[0]
        doc["predicted_class"] = np.asarray(predicted).tolist()
    doc["dJ_dx"] = _json(top_quantity(trace, "dJ_dx"))
    doc["layers"] = [_layer_document(trace, n) for n in range(1, len(network.layers) + 1)]
    if ex.learning_rate is not None:
        doc["learning_rate"] = ex.learning_rate
    return doc


# -- a graph's trace -----------------------------------------------------------------------------


def graph_document(trace: GraphTrace) -> dict[str, Any]:
    from backcalc.core.expressions import text

    graph = trace.graph
    return {
        "title": graph.title,
        "output": graph.output,
        "value": trace.value,
        "values": dict(graph.values),
        "nodes": [
            {
                "name": node.node.name,
                "expression": text(node.node.expr, repr),
                "value": node.value,
                "gradient": node.gradient,
                "local": dict(node.local),
            }
            for node in trace.nodes
        ],
        "gradients": dict(trace.gradients),
    }


# -- a check report and graded answers -----------------------------------------------------------


def entry_document(entry: Entry) -> dict[str, Any]:
    return {
        "parameter": entry.parameter,
        "layer": entry.layer,
        "index": None if entry.index is None else list(entry.index),
        "direction": entry.direction,
        "claimed": _finite_or_none(entry.claimed),
        "numeric": _finite_or_none(entry.numeric),
        "abs_error": _finite_or_none(entry.abs_error),
        "rel_error": _finite_or_none(entry.rel_error),
        "status": entry.status,
        "numeric_error": _finite_or_none(entry.numeric_error),
        "reason": entry.reason,
    }


def _finite_or_none(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def check_document(result: GradCheck) -> dict[str, Any]:
    from backcalc.core.finitediff import SPREAD_FACTOR
    from backcalc.core.gradcheck import SAMPLE_ABOVE

    s = result.settings
    worst = result.worst
    return {
        "passed": result.passed,
        "counts": {s: result.count(s) for s in ("pass", "fail", "kink", "unreliable")},
        "max_rel_error": 0.0 if worst is None else _finite_or_none(worst.rel_error),
        "worst": None if worst is None else entry_document(worst),
        "settings": {
            "method": "central differences, float64",
            "eps": s.eps,
            "rtol": s.rtol,
            "atol": s.atol,
            "rounding_floor": result.floor,
            "rule": "|claimed - numeric| <= atol + rounding_floor + rtol * |numeric|",
            "unreliable_rule": "an entry outside the rule whose numeric derivative moves along "
            "the steps eps/sqrt(10), eps*sqrt(10), 10, 100 and 1000 eps (up to 0.01) by "
            "numeric_error - rounding_floor, with |claimed - numeric| <= atol + rounding_floor "
            f"+ rtol * |numeric| + {SPREAD_FACTOR:g} * numeric_error",
            "sampled": result.sampled,
            "sample_above_entries": SAMPLE_ABOVE,
            "seed": s.seed,
        },
        "parameters": [
            {
                "parameter": p.name,
                "layer": p.layer,
                "shape": list(p.shape),
                "checked": p.checked,
                "directions": p.directions,
            }
            for p in result.parameters
        ],
        "entries": [entry_document(entry) for entry in result.entries],
    }


def judged_document(entry: Judged, words: GradingText) -> dict[str, Any]:
    """One graded entry (built 100,000s of times for a big answers file: kept plain)."""
    diagnosis, remark, numeric = entry.diagnosis, entry.remark, entry.numeric
    document = {
        "quantity": entry.quantity,
        "parameter": entry.parameter,
        "layer": entry.layer,
        "index": list(entry.index),
        "claimed": entry.claimed if math.isfinite(entry.claimed) else None,
        "written": entry.written,
        "decimals": None if entry.decimals < 0 else entry.decimals,
        "correct": entry.correct if math.isfinite(entry.correct) else None,
        "expected_from_yours": entry.expected if math.isfinite(entry.expected) else None,
        "status": entry.status,
        "diagnosis": None if diagnosis is None else diagnosis_document(diagnosis, words),
        "remark": None if remark is None else {"code": remark.code, "message": words.remark(entry)},
        "numeric": numeric if numeric is not None and math.isfinite(numeric) else None,
    }
    if entry.node is not None:  # a graph's entry names its node, after its layer
        document = {**dict(list(document.items())[:3]), "node": entry.node, **document}
    return document


def diagnosis_document(diagnosis: Diagnosis, words: GradingText) -> dict[str, Any]:
    return {
        "code": diagnosis.code,
        "message": words.diagnosis(diagnosis),
        "alternatives": list(diagnosis.alternatives),
    }


def _step_key(key: tuple[str, int | None]) -> dict[str, Any]:
    """A step's key in JSON: a layer's number, or a graph's node by name."""
    quantity, where = key[0], cast("object", key[1])
    if isinstance(where, str):
        return {"quantity": quantity, "layer": None, "node": where}
    return {"quantity": quantity, "layer": where}


def answers_document(grading: Grading, style: Style | None = None) -> dict[str, Any]:
    from backcalc.core.grading import STATUSES
    from backcalc.render.grading import GradingText, graph_output

    words = GradingText(style, graph_output(grading), grading.exercise)
    s = grading.settings
    first, step = grading.first_wrong, grading.first_wrong_step
    first_document = None
    if first is not None and step is not None:
        diagnosis = step.diagnosis or first.diagnosis
        first_document = {
            "quantity": first.quantity,
            "layer": first.layer,
            **({} if first.node is None else {"node": first.node}),
            "index": list(first.index),
            "claimed": _finite_or_none(first.claimed),
            "correct": _finite_or_none(first.correct),
            "expected_from_yours": _finite_or_none(first.expected),
            "diagnosis": None if diagnosis is None else diagnosis_document(diagnosis, words),
            "worked": None
            if grading.worked is None or grading.exercise is None
            else words.worked(grading.worked, grading.exercise),
            "consequences": [_step_key(key) for key in grading.consequences],
        }
    return {
        "passed": grading.passed,
        "score": {"earned": grading.earned, "possible": grading.possible},
        "settings": {
            "tolerance": s.tolerance.text,
            "carry_forward": s.carry_forward,
            "required_decimals": s.required_decimals,
            "eps": s.eps,
            "rule": words.rule(s),
        },
        "counts": {status: grading.count(status) for status in STATUSES},  # steps
        "first_wrong": first_document,
        "steps": [
            {
                "quantity": step.quantity,
                "layer": step.layer,
                **({} if step.node is None else {"node": step.node}),
                "status": step.status,
                "entries": len(step.entries),
                "marks": step.marks,
                "earned": step.earned,
                "diagnosis": None
                if step.diagnosis is None
                else diagnosis_document(step.diagnosis, words),
            }
            for step in grading.steps
        ],
        "entries": [judged_document(entry, words) for entry in grading.entries],
    }


# -- a training run ------------------------------------------------------------------------------


def train_document(result: TrainResult) -> dict[str, Any]:
    s, ex = result.settings, result.exercise
    return {
        "title": ex.title,
        "unit": s.unit,
        "steps": s.steps,
        "epochs": s.epochs,
        "batch_size": s.batch_size,
        "updates": result.updates,
        "learning_rate": s.learning_rate,
        "momentum": s.momentum,
        "lr_step": s.lr_step,
        "lr_gamma": s.lr_gamma,
        "seed": s.seed,
        "losses": list(result.losses),
        "learning_rates": list(result.rates),
        "accuracy_before": result.accuracy_before,
        "accuracy": result.accuracy,  # on the training data
        "observations": result.observations,  # m the losses and the accuracy are over
        **_validation_document(result),
        "layers": [
            {
                "weights": as_weights(layer.weights, layer).tolist(),
                "bias": None if layer.bias is None else as_bias(layer.bias, layer).tolist(),
            }
            for layer in ex.network.layers
        ],
    }


def _validation_document(result: TrainResult) -> dict[str, Any]:
    """The validation data's size, its data loss (no L2 term) before training and after every
    step (epoch), and its accuracy likewise and after training (null without validation)."""
    check, split = result.validation, result.settings.validation_split
    accuracies = None if check is None or check.accuracies is None else list(check.accuracies)
    return {
        "validation_split": split,
        "validation_size": None if check is None else check.size,
        "validation_losses": None if check is None else list(check.losses),
        "validation_accuracies": accuracies,
        "validation_accuracy": None if accuracies is None else accuracies[-1],
    }


def classroom(result: ClassGrading, style: Style | None = None) -> str:
    """A graded class (backcalc.render.classjson)."""
    from backcalc.render.classjson import classroom_document

    return dump(classroom_document(result, style))
