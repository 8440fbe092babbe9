"""The Spanish of a check report (issue 13), in the register of the course notes: impersonal
forms ("valor dado", "se obtuvo"), never the student addressed as tú (tienes, diste, tu, tus,
escribe); "componente" for an entry of a vector or matrix, not "entrada" (the input of a layer);
"correcto/incorrecto", never "bien/mal"."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.helpers import invoke

LOCALES = Path(__file__).parent.parent / "src" / "backcalc" / "locales"
INFORMAL = re.compile(
    r"\b(tienes|diste|has|tu|tus|te|escribiste|calculaste|bien|mal|entradas?)\b"
    r"|(?<!se )\b(escribe|indica)\b",  # the imperative, not the impersonal "se escribe"
    re.IGNORECASE,
)


def texts(table: Any) -> Iterator[str]:
    if isinstance(table, dict):
        for value in table.values():
            yield from texts(value)
    elif isinstance(table, str):
        yield table


def test_the_grading_sentences_are_impersonal() -> None:
    spanish = tomllib.loads((LOCALES / "es.toml").read_text(encoding="utf-8"))
    found = [text for text in texts(spanish["grading"]) if INFORMAL.search(text)]
    assert found == []


def test_the_grading_messages_are_impersonal() -> None:
    source = (LOCALES / "messages" / "es.toml").read_text(encoding="utf-8")
    section = source[source.index("# -- grading") :].split("\n# --", 1)[0]
    messages = tomllib.loads(section.partition("\n")[2])
    found = [text for text in messages.values() if INFORMAL.search(text)]
    assert found == []


def test_the_notes_graded_in_spanish() -> None:
    code, out, _ = invoke(
        "check", "reference-2-3-1", "--answers", "reference-2-3-1-hand", "--lang", "es",
        columns=80,
    )  # fmt: skip
    assert code == 1
    words = " ".join(out.split())
    assert "Valor dado: δ⁽¹⁾[1] = 0,21; el valor correcto es 0,048." in words
    assert "Con los valores dados, la regla da:" in words
    assert "∂J/∂W⁽¹⁾, ∂J/∂b⁽¹⁾ se obtuvieron correctamente a partir de él" in words
    assert "paso componente valor dado correcto según lo dado diagnóstico" in words
    assert not INFORMAL.search(out)
    assert max(len(line) for line in out.splitlines()) <= 80
