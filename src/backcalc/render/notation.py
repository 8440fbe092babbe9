"""The notes' notation in plain text (Unicode): quantities, parameters, layer indices, and the
formulas of activations as the table writes them (each class declares its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcalc.core.activations import Activation
    from backcalc.render.style import Style


def activation_text(activation: Activation, z: str, derivative: bool, style: Style) -> str:
    """g(z) written out for `z`, or g'(z), with the layer's options, in the style's language."""
    if derivative:
        return activation.describe_derivative(z, "a", style.t, style.numbers.given)
    return activation.describe(z, style.t, style.numbers.given)


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def quantity_label(name: str, layer: int | None) -> str:
    """The notes' notation for a quantity of `run`: delta of layer 1 -> δ⁽¹⁾."""
    if layer is None:
        return {
            "prediction": "ŷ",
            "probabilities": "p",
            "predicted_class": "argmax p",
            "losses": "ℓ",
            "loss": "J",
            "dJ_dx": "∂J/∂x",
        }[name]
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
