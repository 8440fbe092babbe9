"""The notes' notation in plain text (Unicode): quantities, parameters, layer indices, and the
formulas of activations as the table writes them (each class declares its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcalc.render.symbols import NOTES, Symbols

if TYPE_CHECKING:
    from backcalc.core.activations import Activation
    from backcalc.render.style import Style


def activation_text(activation: Activation, z: str, derivative: bool, style: Style) -> str:
    """g(z) written out for `z`, or g'(z), with the layer's options, in the style's language."""
    if derivative:
        return activation.describe_derivative(z, "a", style.t, style.numbers.given)
    return activation.describe(z, style.t, style.numbers.given)


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def quantity_label(name: str, layer: int | None, symbols: Symbols = NOTES) -> str:
    """The notes' notation for a quantity of `run` (or the course's `symbols`): delta of
    layer 1 -> δ⁽¹⁾."""
    s = symbols.text
    J = s("loss")
    if layer is None:
        return {
            "prediction": s("output"),
            "probabilities": "p",
            "predicted_class": "argmax p",
            "losses": "ℓ",
            "loss": J,
            "dJ_dx": f"∂{J}/∂{s('input')}",
        }[name]
    sup = layer_index(layer)
    z, a, W, b = (s(role) + sup for role in ("preactivation", "activation", "weights", "bias"))
    return {
        "z": z,
        "a": a,
        "g_prime": f"g'({z})",
        "dJ_da": f"∂{J}/∂{a}",
        "delta": f"{s('delta')}{sup}",
        "dJ_dW": f"∂{J}/∂{W}",
        "dJ_db": f"∂{J}/∂{b}",
        "weights_updated": f"{W} − η·∂{J}/∂{W}",
        "bias_updated": f"{b} − η·∂{J}/∂{b}",
    }[name]


def parameter_label(name: str) -> str:
    """W1 -> W⁽¹⁾, b2 -> b⁽²⁾, x -> x."""
    if len(name) > 1 and name[0] in "Wb" and name[1:].isdigit():
        return f"{name[0]}{layer_index(int(name[1:]))}"
    return name


def layer_index(number: int) -> str:
    """⁽¹⁾ for layer 1, as the notes write a⁽¹⁾."""
    return f"⁽{str(number).translate(SUPERSCRIPTS)}⁾"
