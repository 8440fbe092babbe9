"""What running a network produces: the Trace of every intermediate of the forward and backward
pass, layer by layer (shapes as stated in backcalc.core.network), and the check that every
number in it stayed within float64's range."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from backcalc.errors import NumericalError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from backcalc.core.activations import Array
    from backcalc.core.gradcheck import CheckSettings, GradCheck
    from backcalc.core.network import Exercise


@dataclass(frozen=True, eq=False)  # holds arrays: compared by identity
class LayerTrace:
    """Every intermediate of one layer l. Per-unit arrays are (m, k); `g_prime` is (m, k, k) for
    softmax. `dJ_da` is ∂J/∂a⁽ˡ⁾ (for the last layer ∂J/∂ŷ); `dW` has the layer's 2-D layout;
    `db` is (k,), a scalar for a shared bias, or None."""

    z: Array
    a: Array
    g_prime: Array
    dJ_da: Array
    delta: Array
    dW: Array
    db: Array | None
    weighted: Array  # W·a⁽ˡ⁻¹⁾ before the bias, as a hand solution writes it
    weights_updated: Array | None = None
    bias_updated: Array | None = None


@dataclass(frozen=True, eq=False)  # holds arrays: compared by identity
class Trace:
    """The whole forward and backward pass.

    `losses` is ℓ per observation; `data_loss` their mean or sum; `l2_loss` λ·Σ‖W‖²;
    `loss` = J. `fused` is True when the output δ came from the stable fused form (softmax with
    cross_entropy, sigmoid with binary_cross_entropy); then ∂J/∂ŷ may hold non-finite entries.
    `probabilities`/`predicted` are set for classification losses (`predicted` is the class per
    observation, or per unit for binary losses)."""

    kind: ClassVar[str] = "network"
    exercise: Exercise
    layers: tuple[LayerTrace, ...]
    losses: Array
    data_loss: float
    l2_loss: float
    loss: float
    dJ_dx: Array
    fused: bool
    probabilities: Array | None
    predicted: NDArray[np.int64] | None
    hand_decimals: int | None = None

    @property
    def prediction(self) -> Array:
        return self.layers[-1].a

    @property
    def title(self) -> str | None:
        return self.exercise.title

    @property
    def objective(self) -> float:
        """What the gradients are of: J."""
        return self.loss

    def check(self, settings: CheckSettings) -> GradCheck:
        """Every gradient against central finite differences."""
        from backcalc.core.gradcheck import check

        return check(self, settings)

    def names(self) -> list[tuple[str, int | None]]:
        """(name, layer) of every quantity, in the order a hand solution goes: forward 1..L,
        ŷ and J, backward L..1, ∂J/∂x, then the gradient-descent step (when there is one)."""
        from backcalc.core.quantities import UPDATES, hand_order

        order = hand_order(len(self.layers))
        if self.exercise.learning_rate is None:
            order = [(name, layer) for name, layer in order if name not in UPDATES]
        lacking = {"probabilities", "predicted_class"} if self.probabilities is None else set()
        return [(name, layer) for name, layer in order if name not in lacking]

    def quantity(self, name: str, layer: int | None = None) -> Array:
        """A quantity by its JSON name (z, a, delta, dJ_dW, … of `layer` from 1; prediction,
        loss, dJ_dx without), in the shape the spec wrote; KeyError if there is none."""
        from backcalc.core.quantities import LAYER_QUANTITIES, TOP_QUANTITIES, quantity

        known = TOP_QUANTITIES if layer is None else LAYER_QUANTITIES
        if name not in known or (layer is not None and not 1 <= layer <= len(self.layers)):
            where = "" if layer is None else f" of layer {layer}"
            raise KeyError(f"no quantity '{name}'{where} (known: {', '.join(known)})")
        values = quantity(self, name, layer)
        if values is None:
            raise KeyError(f"layer {layer} has no {name}")
        return values


def check_finite(trace: Trace) -> None:
    """Raise NumericalError naming the first non-finite quantity, in hand-solution order."""
    for number, layer in enumerate(trace.layers, start=1):
        for name, value in (("z", layer.z), ("a = g(z)", layer.a)):
            require_finite(value, f"layer {number}: {name}", layer.z)
    if not np.all(np.isfinite(trace.losses)):
        raise NumericalError(trace.exercise.network.loss.non_finite_message(trace.losses))
    if not np.isfinite(trace.l2_loss):
        raise NumericalError(_l2_message(trace))
    for number in reversed(range(1, len(trace.layers) + 1)):
        layer = trace.layers[number - 1]
        quantities = [("g'(z)", layer.g_prime), ("δ", layer.delta), ("∂J/∂W", layer.dW)]
        if not (trace.fused and number == len(trace.layers)):
            quantities.insert(0, ("∂J/∂a", layer.dJ_da))
        for name, value in quantities:
            require_finite(value, f"layer {number}: {name}", layer.z)
    require_finite(trace.dJ_dx, "∂J/∂x", trace.layers[0].z)
    for number, layer in enumerate(trace.layers, start=1):  # the gradient-descent step
        for name, updated in (("W", layer.weights_updated), ("b", layer.bias_updated)):
            if updated is not None and not np.all(np.isfinite(updated)):
                raise NumericalError(
                    f"layer {number}: the update {name} − η·∂J/∂{name} left float64's range "
                    f"(η = {trace.exercise.learning_rate:g}); lower the learning rate"
                )


def _l2_message(trace: Trace) -> str:
    """The layer whose λ·ΣW² overflows (or all of them, when only their sum does)."""
    network = trace.exercise.network
    with np.errstate(all="ignore"):
        terms = [network.l2 * float(np.sum(layer.weights**2)) for layer in network.layers]
    number = next((n for n, term in enumerate(terms, 1) if not np.isfinite(term)), None)
    layers = network.layers if number is None else (network.layers[number - 1],)
    largest = max(float(np.max(np.abs(layer.weights))) for layer in layers)
    where = "" if number is None else f"layer {number}: "
    return (
        f"{where}the L2 term λ·ΣW² is infinite: the weights are too large for float64 (the "
        f"largest |W| is {largest:.6g}); scale them down"
    )


def require_finite(value: Array, name: str, z: Array) -> None:
    if np.all(np.isfinite(value)):
        return
    kind = "NaN" if np.any(np.isnan(value)) else "infinite"
    raise NumericalError(
        f"{name} is {kind}: the numbers left float64's range (the largest |z| in that layer is "
        f"{float(np.max(np.abs(z))):.6g}); scale the inputs or the weights down"
    )
