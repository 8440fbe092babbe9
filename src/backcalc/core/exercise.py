"""What network mode and graph mode share: an exercise runs into a trace, and a trace knows what
its gradients are of and checks them against finite differences.

    Exercise (network.py) --run--> Trace       --check--> GradCheck
    Graph    (graph.py)   --run--> GraphTrace  --check--> GradCheck

Commands and renderers use these and `kind` ("network" or "graph"); they branch on the mode only
where the output truly differs (a renderer per kind, the steps of a hand solution, training for
networks only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from backcalc.core.gradcheck import CheckSettings, GradCheck


class TraceKind(Protocol):
    """The result of running an exercise: every intermediate of its passes."""

    @property
    def kind(self) -> str: ...

    @property
    def title(self) -> str | None: ...

    @property
    def objective(self) -> float:
        """What the gradients are gradients of (J, or a graph's output)."""
        ...

    def check(self, settings: CheckSettings) -> GradCheck:
        """Every gradient against central finite differences."""
        ...

    def names(self) -> list[tuple[str, int | None]]:
        """(name, layer) of every quantity, in hand-solution order."""
        ...

    def quantity(self, name: str, layer: int | None = None) -> Any:
        """A quantity by name, as the JSON names it (a graph: a name's gradient)."""
        ...


class ExerciseKind(Protocol):
    """A network with its data, or a computational graph with its values."""

    @property
    def kind(self) -> str: ...

    @property
    def title(self) -> str | None: ...

    def run(self, hand_rounding: int | None = None) -> TraceKind:
        """The forward and backward pass (as by hand with `hand_rounding`)."""
        ...
