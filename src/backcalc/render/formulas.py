"""How activations and losses are written in plain-text (Unicode) output, looked up by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcalc.core.activations import Activation
    from backcalc.render.i18n import Style

ACTIVATION_VALUES: dict[str, str] = {
    "identity": "{z}",
    "sigmoid": "σ({z})",
    "tanh": "tanh({z})",
    "relu": "max(0, {z})",
    "leaky_relu": "leaky_relu({z})",
    "elu": "elu({z})",
    "softplus": "log(1 + exp({z}))",
    "softmax": "softmax({z})",
    "sin": "sin({z})",
    "cos": "cos({z})",
    "exp": "exp({z})",
}

ACTIVATION_DERIVATIVES: dict[str, str] = {
    "identity": "1",
    "sigmoid": "σ(z)(1 − σ(z))",
    "tanh": "1 − tanh²(z)",
    "softplus": "σ(z)",
    "softmax": "diag(a) − a·aᵀ",
    "sin": "cos(z)",
    "cos": "−sin(z)",
    "exp": "exp(z)",
}


def activation_text(activation: Activation, z: str, derivative: bool, style: Style) -> str:
    """g(z) written out for `z`, or g'(z), with the layer's options, in the style's language."""
    options = {k: style.numbers.given(v) for k, v in activation.__dict__.items()}
    name = activation.name
    if not derivative:
        value = ACTIVATION_VALUES[name].format(z=z)
        if name == "leaky_relu":
            value += " " + style.t("with_slope", slope=options["slope"])
        if name == "elu":
            value += " " + style.t("with_alpha", alpha=options["alpha"])
        return value
    if name == "relu":
        return style.t("relu_derivative", d0=options["derivative_at_zero"])
    if name == "leaky_relu":
        return style.t("if_positive_else", value=options["slope"])
    if name == "elu":
        return style.t("if_positive_else", value=f"{options['alpha']}·exp(z)")
    return ACTIVATION_DERIVATIVES[name]


LOSS_FORMULAS: dict[str, str] = {
    "half_squared_error": "½Σ(ŷ − y)²",
    "squared_error": "Σ(ŷ − y)²",
    "mean_squared_error": "(1/k)Σ(ŷ − y)²",
    "cross_entropy": "−Σ y·log ŷ",
    "softmax_cross_entropy": "−Σ y·log softmax(ŷ)",
    "binary_cross_entropy": "−Σ [y·log ŷ + (1 − y)·log(1 − ŷ)]",
    "sigmoid_binary_cross_entropy": "−Σ [y·log σ(ŷ) + (1 − y)·log(1 − σ(ŷ))]",
    "multiclass_hinge": "Σ_{j≠c} max(0, ŷⱼ − ŷ_c + 1)",
}

FUSED_DELTA: dict[str, str] = {
    "cross_entropy": "softmax(z) − y",
    "binary_cross_entropy": "σ(z) − y",
}

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def quantity_label(name: str, layer: int | None) -> str:
    """The notes' notation for a quantity of `run`: delta of layer 1 -> δ⁽¹⁾."""
    if layer is None:
        return {"prediction": "ŷ", "loss": "J", "dJ_dx": "∂J/∂x"}[name]
    sup = layer_index(layer)
    return {
        "z": f"z{sup}",
        "a": f"a{sup}",
        "g_prime": f"g'(z{sup})",
        "dJ_da": f"∂J/∂a{sup}",
        "delta": f"δ{sup}",
        "dJ_dW": f"∂J/∂W{sup}",
        "dJ_db": f"∂J/∂b{sup}",
        "weights_updated": f"W{sup} − η·∂J/∂W{sup}",
        "bias_updated": f"b{sup} − η·∂J/∂b{sup}",
    }[name]


def parameter_label(name: str) -> str:
    """W1 -> W⁽¹⁾, b2 -> b⁽²⁾, x -> x."""
    if len(name) > 1 and name[0] in "Wb" and name[1:].isdigit():
        return f"{name[0]}{layer_index(int(name[1:]))}"
    return name


def layer_index(number: int) -> str:
    """⁽¹⁾ for layer 1, as the notes write a⁽¹⁾."""
    return f"⁽{str(number).translate(SUPERSCRIPTS)}⁾"
