"""The spec of a computational graph: `steps` (or one `expression`), `values` and `output`,
validated into a Graph with file, line and key in every error.

```yaml
title: cs231n circuit
steps:
  - q = x + y
  - f = q * z
values: {x: -2, y: 5, z: -4}
output: f        # optional; default the last step
```
"""

from __future__ import annotations

from typing import Any

from backcalc.core.expressions import CHOOSERS, Expr, ExpressionError, functions
from backcalc.core.graph import Graph, StepError, from_expression, from_steps
from backcalc.io.expressions import parse
from backcalc.io.reader import ValueReader, describe
from backcalc.io.spec import answer_decimals, check_vary
from backcalc.io.texts import SHEET_KEYS, sheet, user_text
from backcalc.io.yamlnodes import child

GRAPH_KEYS = (
    "title",
    "description",
    *SHEET_KEYS,
    "steps",
    "expression",
    "values",
    "output",
    "answer_decimals",
    "vary",
)


class GraphReader(ValueReader):
    def graph(self) -> Graph:
        top = self.mapping(self.doc.data, "", GRAPH_KEYS, "a graph spec")
        if "steps" in top and "expression" in top:
            raise self.fail("expression", "give either steps or an expression, not both")
        values = self.values(top.get("values", {}))
        output = self.name(top["output"], "output") if "output" in top else None
        try:
            if "steps" in top:
                graph = from_steps(self.steps(top["steps"], set(values)), values, output)
            else:
                expr = self.expression(top["expression"], "expression", set(values))
                graph = from_expression(expr, values, output or "f")
        except StepError as error:
            path = "steps" if "steps" in top else "expression"
            if error.index is not None:
                path = child("steps", error.index)
            if error.index is None and "output" in top and "output" in error.message:
                path = "output"
            raise self.fail(path, error.message) from None
        result = Graph(
            graph.values,
            graph.nodes,
            graph.output,
            user_text(self, top.get("title"), "title"),
            user_text(self, top.get("description"), "description"),
            graph.gates,
            answer_decimals=answer_decimals(self, top),
            sheet=sheet(self, top),
        )
        if "vary" in top:
            check_vary(self.doc, result)
        return result

    def values(self, value: Any) -> dict[str, float]:
        if not isinstance(value, dict):
            raise self.fail(
                "values", f"expected a mapping of names to numbers, found {describe(value)}"
            )
        return {
            self.name(key, child("values", key)): self.number(v, child("values", key))
            for key, v in value.items()
        }

    def name(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.isidentifier():
            raise self.fail(path, f"expected a name (letters, digits, _), found {describe(value)}")
        if value in functions() or value in CHOOSERS:
            raise self.fail(path, f"'{value}' is a function; a value needs another name")
        return value

    def steps(self, value: Any, defined: set[str]) -> list[tuple[str, Expr]]:
        if not isinstance(value, list) or not value:
            raise self.fail(
                "steps", f"expected a list of steps like 'q = x + y', found {describe(value)}"
            )
        names = defined | {str(step).split("=", 1)[0].strip() for step in value if "=" in str(step)}
        steps = []
        for index, step in enumerate(value):
            path = child("steps", index)
            if not isinstance(step, str) or "=" not in step or "==" in step:
                raise self.fail(path, f"expected a step like 'q = x + y', found {describe(step)}")
            name, text = (part.strip() for part in step.split("=", 1))
            steps.append((self.name(name, path), self.expression(text, path, names)))
        return steps

    def expression(self, value: Any, path: str, defined: set[str]) -> Expr:
        if not isinstance(value, str):
            value = (
                str(value)
                if isinstance(value, int | float) and not isinstance(value, bool)
                else value
            )
        if not isinstance(value, str):
            raise self.fail(path, f"expected an expression, found {describe(value)}")
        try:
            return parse(value, defined)
        except ExpressionError as error:
            raise self.fail(path, error.message) from None
