"""How activations and losses are written in LaTeX math, looked up by name (the plain-text
forms are in formulas.py). `z` and `a` are the LaTeX of the layer's z⁽ˡ⁾ and a⁽ˡ⁾."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.core.activations import Elu, LeakyRelu, Relu
from backcalc.render.mathtex import transpose

if TYPE_CHECKING:
    from backcalc.core.activations import Activation
    from backcalc.render.mathtex import MathWriter

ACTIVATION_TEX: dict[str, str] = {
    "identity": "",
    "sigmoid": r"\sigma",
    "tanh": r"\tanh",
    "relu": r"\mathrm{ReLU}",
    "leaky_relu": r"\mathrm{LeakyReLU}",
    "elu": r"\mathrm{ELU}",
    "softplus": r"\mathrm{softplus}",
    "softmax": r"\mathrm{softmax}",
    "sin": r"\sin",
    "cos": r"\cos",
    "exp": r"\exp",
}


def _cases(positive: str, otherwise: str, z: str) -> str:
    return f"\\begin{{cases}}\n{positive} & {z} > 0 \\\\\n{otherwise} & {z} \\le 0\n\\end{{cases}}"


def activation_value_tex(activation: Activation, m: MathWriter, z: str) -> str:
    """g(z) spelled out where its name does not say it all ('' otherwise)."""
    name = activation.name
    if name == "sigmoid":
        return f"\\frac{{1}}{{1 + e^{{-{z}}}}}"
    if name == "relu":
        return f"\\max(0, {z})"
    if isinstance(activation, LeakyRelu):
        return _cases(z, f"{m.number(activation.slope, given=True)} {z}", z)
    if isinstance(activation, Elu):
        return _cases(z, f"{m.number(activation.alpha, given=True)} (e^{{{z}}} - 1)", z)
    if name == "softplus":
        return f"\\log(1 + e^{{{z}}})"
    if name == "softmax":
        return f"\\frac{{e^{{{z}_i}}}}{{\\sum_j e^{{{z}_j}}}}"
    return ""


def activation_derivative_tex(activation: Activation, m: MathWriter, z: str, a: str) -> str:
    """g'(z) as a formula in z (or in the activation a = g(z) where that is how it is taught)."""
    name = activation.name
    if isinstance(activation, Relu):
        d0 = m.number(activation.derivative_at_zero, given=True)
        return (
            f"\\begin{{cases}}\n1 & {z} > 0 \\\\\n{d0} & {z} = 0 \\\\\n0 & {z} < 0\n\\end{{cases}}"
        )
    if isinstance(activation, LeakyRelu):
        return _cases("1", m.number(activation.slope, given=True), z)
    if isinstance(activation, Elu):
        return _cases("1", f"{m.number(activation.alpha, given=True)} e^{{{z}}}", z)
    formulas = {
        "identity": "1",
        "sigmoid": f"\\sigma({z}) \\odot (1 - \\sigma({z})) = {a} \\odot (1 - {a})",
        "tanh": f"1 - \\tanh^2({z}) = 1 - {a} \\odot {a}",
        "softplus": f"\\sigma({z})",
        "softmax": f"\\operatorname{{diag}}({a}) - {a} {transpose(a)}",
        "sin": f"\\cos({z})",
        "cos": f"-\\sin({z})",
        "exp": f"e^{{{z}}} = {a}",
    }
    return formulas[name]


LOSS_TEX: dict[str, str] = {
    "half_squared_error": r"\frac{1}{2} \sum_{k} (\hat{y}_k - y_k)^2",
    "squared_error": r"\sum_{k} (\hat{y}_k - y_k)^2",
    "mean_squared_error": r"\frac{1}{K} \sum_{k} (\hat{y}_k - y_k)^2",
    "cross_entropy": r"-\sum_{k} y_k \log \hat{y}_k",
    "softmax_cross_entropy": r"-\sum_{k} y_k \log \mathrm{softmax}(\hat{y})_k",
    "binary_cross_entropy": (
        r"-\sum_{k} \left[y_k \log \hat{y}_k + (1 - y_k) \log(1 - \hat{y}_k)\right]"
    ),
    "sigmoid_binary_cross_entropy": (
        r"-\sum_{k} \left[y_k \log \sigma(\hat{y}_k)"
        r" + (1 - y_k) \log(1 - \sigma(\hat{y}_k))\right]"
    ),
    "multiclass_hinge": r"\sum_{j \ne c} \max(0, \hat{y}_j - \hat{y}_c + 1)",
}

LOSS_DERIVATIVE_TEX: dict[str, str] = {
    "half_squared_error": r"(\hat{y} - y)",
    "squared_error": r"2(\hat{y} - y)",
    "mean_squared_error": r"\frac{2}{K}(\hat{y} - y)",
    "cross_entropy": r"\left(-\frac{y_k}{\hat{y}_k}\right)_k",
    "softmax_cross_entropy": r"(\mathrm{softmax}(\hat{y}) - y)",
    "binary_cross_entropy": (
        r"\left(-\frac{y_k}{\hat{y}_k} + \frac{1 - y_k}{1 - \hat{y}_k}\right)_k"
    ),
    "sigmoid_binary_cross_entropy": r"(\sigma(\hat{y}) - y)",
    "multiclass_hinge": (
        r"\left(\mathbb{1}[\hat{y}_j - \hat{y}_c + 1 > 0]\right)_{j \ne c}"
        r", \quad -\sum_{j \ne c} \mathbb{1}[\cdot]"
    ),
}


def loss_tex(name: str) -> str:
    return LOSS_TEX[name]


def loss_derivative_tex(name: str) -> str:
    return LOSS_DERIVATIVE_TEX[name]
