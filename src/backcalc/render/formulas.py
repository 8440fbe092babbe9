"""How activations and losses are written in plain-text (Unicode) output, looked up by name."""

from __future__ import annotations

ACTIVATION_FORMULAS: dict[str, tuple[str, str]] = {
    # name: (g applied to {z}, g'(z)); options such as {slope} are filled in from the layer
    "identity": ("{z}", "1"),
    "sigmoid": ("σ({z})", "σ(z)(1 − σ(z))"),
    "tanh": ("tanh({z})", "1 − tanh²(z)"),
    "relu": ("max(0, {z})", "1 if z > 0, 0 if z < 0, {derivative_at_zero} at 0"),
    "leaky_relu": ("leaky_relu({z}) with slope {slope}", "1 if z > 0, else {slope}"),
    "elu": ("elu({z}) with α = {alpha}", "1 if z > 0, else {alpha}·exp(z)"),
    "softplus": ("log(1 + exp({z}))", "σ(z)"),
    "softmax": ("softmax({z})", "diag(a) − a·aᵀ"),
    "sin": ("sin({z})", "cos(z)"),
    "cos": ("cos({z})", "−sin(z)"),
    "exp": ("exp({z})", "exp(z)"),
}

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
    return name if name == "x" else f"{name[0]}{layer_index(int(name[1:]))}"


def layer_index(number: int) -> str:
    """⁽¹⁾ for layer 1, as the notes write a⁽¹⁾."""
    return f"⁽{str(number).translate(SUPERSCRIPTS)}⁾"
