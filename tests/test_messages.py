"""Error messages in the language of the output: the catalogue (locales/messages/<code>.toml,
keyed by the English text), its matching rules, and the command line in Spanish on hand-written
bad specs and on the property-based mutations of the shipped examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from typer.testing import CliRunner

from backcalc import locales
from backcalc.cli import app
from backcalc.locales import Messages
from tests.helpers import invoke
from tests.test_fuzz import SETTINGS, mutated_specs

# English words no Spanish message should still contain (outside quotes, where the user's own
# text and key names are echoed, and option names).
ENGLISH = re.compile(
    r"\b(expected|found|unknown|missing|but|must|give|needs|the|is|not|of|and|cannot|too|"
    r"only|should|has|have|there|no such)\b"
)


def without_quotes(text: str) -> str:
    """The text without what is echoed as written: quotes and option names (--only)."""
    return re.sub(r"'[^']*'|\"[^\"]*\"|--[a-z][a-z-]*", "''", text)


# -- the catalogue's rules ------------------------------------------------------------------


def test_a_template_fills_its_placeholders_and_translates_the_starred_ones() -> None:
    messages = Messages(
        {
            "expected a number, found {*found}": "se esperaba un número; se encontró {*found}",
            "a list": "una lista",
            "unknown key '{key}'": "clave desconocida: '{key}'",
            "{n} values": "{n} valores",
        }
    )
    assert messages.translate("expected a number, found a list") == (
        "se esperaba un número; se encontró una lista"
    )
    # {key} is put in as it is, even where it reads like a phrase there is an entry for
    assert messages.translate("unknown key 'a list'") == "clave desconocida: 'a list'"
    # a one-letter placeholder matches a whole number only
    assert messages.translate("3 values") == "3 valores"
    assert messages.translate("many values") == "many values"
    # a message no entry matches stays as it is
    assert messages.translate("something new") == "something new"


def test_templates_that_start_with_words_are_tried_before_appended_hints() -> None:
    messages = Messages(
        {
            "{value} (YAML reads booleans)": "{value} (YAML lee booleanos)",
            "expected a number, found {*found}": "se esperaba un número; se encontró {*found}",
            "{*message}; a hint": "{*message}; una pista",
            "row {i} is short": "la fila {i} es corta",
        }
    )
    assert messages.translate("expected a number, found true (YAML reads booleans)") == (
        "se esperaba un número; se encontró true (YAML lee booleanos)"
    )
    assert messages.translate("row 2 is short; a hint") == "la fila 2 es corta; una pista"


def test_english_has_no_catalogue_and_changes_nothing() -> None:
    text = "expected a number, found a list"
    assert locales.load("en").message(text) == text


def test_every_spanish_template_keeps_the_english_placeholders() -> None:
    import tomllib

    path = Path(locales.__file__).parent / "messages" / "es.toml"
    with path.open("rb") as stream:
        table = tomllib.load(stream)
    placeholder = re.compile(r"\{\*?([a-z_][a-z0-9_]*)\}")
    for english, spanish in table.items():
        assert sorted(placeholder.findall(english)) == sorted(placeholder.findall(spanish)), english
        words = placeholder.sub("", without_quotes(spanish))
        assert not ENGLISH.search(words), spanish


# -- the command line -----------------------------------------------------------------------

REFERENCE = """\
input: [1.0, 2.0]
target: [1.0]
layers:
  - weights: [[0.1, 0.2], [0.3, 0.4]]
    activation: sigmoid
  - weights: [[0.5, 0.6]]
loss: half_squared_error
"""


@pytest.mark.parametrize(
    ("edit", "spanish"),
    [
        (("[1.0, 2.0]", "[1.0, true]"), "se esperaba un número; se encontró true (YAML lee"),
        (
            ("activation: sigmoid", "activation: sigmod"),
            "activación desconocida: 'sigmod'; ¿quisiste decir 'sigmoid'?",
        ),
        (("loss: half", "los: half"), "clave desconocida: 'los'; ¿quisiste decir 'loss'?"),
        (
            ("[[0.5, 0.6]]", "[[0.5, 0.6, 0.7]]"),
            "3 columnas, pero la capa 1 da 2 valores (convención por columnas",
        ),
        (
            ("[[0.5, 0.6]]", "[[0.5], [0.6, 0.7]]"),
            "la fila 2 tiene 2 números, pero la fila 1 tiene 1",
        ),
        (("target: [1.0]", "target: [1.0, 2.0]"), "2 valores, pero la red da 1 valor"),
        (
            ("input: [1.0, 2.0]\n", ""),
            "falta la clave 'input': una observación (una lista de números) o un lote",
        ),
        (("[1.0, 2.0]", "[1.0, 2.0"), "YAML no válido: "),
        (("half_squared_error", "half_squared_error\nl2: -1"), "se esperaba λ ≥ 0; se encontró -1"),
    ],
)
def test_a_bad_spec_is_explained_in_spanish(
    tmp_path: Path, edit: tuple[str, str], spanish: str
) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(REFERENCE.replace(*edit), encoding="utf-8")
    code, out, err = invoke("run", str(spec), "--lang", "es")
    assert (code, out) == (2, "")
    assert err.startswith(str(spec)) and spanish in err, err
    assert not ENGLISH.search(without_quotes(err.split(": ", 2)[-1])), err
    english = invoke("run", str(spec), "--lang", "en")[2]
    assert english != err and english.split(":")[:3] == err.split(":")[:3]  # same location


def test_backcalc_lang_gives_spanish_errors_too(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(REFERENCE.replace("sigmoid", "sigmod"), encoding="utf-8")
    _, _, err = invoke("check", str(spec), env={"BACKCALC_LANG": "es_ES.UTF-8"})
    assert "activación desconocida" in err
    _, _, err = invoke("train", str(spec), "--steps", "1", env={"BACKCALC_LANG": "es"})
    assert "activación desconocida" in err


def test_command_errors_are_in_spanish() -> None:
    code, _, err = invoke("train", "mazur-shared-bias", "--lang", "es")
    assert code == 2 and "indica --steps N (el lote completo) o --epochs E" in err
    code, _, err = invoke("run", "no-such-example", "--lang", "es")
    assert code == 2 and "no existe el archivo ni un ejemplo con ese nombre" in err


def test_an_answers_file_error_is_in_spanish(tmp_path: Path) -> None:
    answers = tmp_path / "mine.yaml"
    answers.write_text("layers:\n  1:\n    dJ_dw: [[1, 2]]\n", encoding="utf-8")
    code, _, err = invoke("check", "reference-2-3-1", "--answers", str(answers), "--lang", "es")
    assert code == 2 and "clave desconocida: 'dJ_dw'; ¿quisiste decir 'dJ_dW'?" in err, err


_runner = CliRunner()


@SETTINGS
@given(case=mutated_specs())
def test_every_message_of_a_mutated_example_is_in_spanish(
    tmp_path: Path, case: tuple[str, str]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(case[1], encoding="utf-8")
    result = _runner.invoke(app, ["run", str(spec), "-f", "json", "--lang", "es"])
    if result.exit_code != 2:
        return
    english = _runner.invoke(app, ["run", str(spec), "-f", "json", "--lang", "en"]).stderr
    spanish = result.stderr
    prefix = 0
    while prefix < min(len(english), len(spanish)) and english[prefix] == spanish[prefix]:
        prefix += 1
    message = spanish[spanish.rfind(": ", 0, prefix + 1) + 2 if prefix else 0 :]
    assert not ENGLISH.search(without_quotes(message)), (english, spanish)


def test_limits_and_outside_files_are_explained_in_spanish(tmp_path: Path) -> None:
    folder = tmp_path / "student"
    folder.mkdir()
    spec = folder / "net.yaml"
    spec.write_text(REFERENCE.replace("[1.0, 2.0]", "{file: ../teacher.csv}"), encoding="utf-8")
    code, _, err = invoke("run", str(spec), "--lang", "es")
    assert code == 2 and "../teacher.csv está fuera de la carpeta de la especificación" in err
    wide = REFERENCE.replace(
        "  - weights: [[0.1, 0.2], [0.3, 0.4]]",
        "  - weights: {init: normal}\n    units: 1000000000",
    )
    spec.write_text(wide, encoding="utf-8")
    code, _, err = invoke("run", str(spec), "--lang", "es")
    assert code == 2, err
    assert (
        "1 000 000 000 neuronas con 2 entradas ocupan 2 000 000 000 pesos: más que el límite" in err
    )
    assert not ENGLISH.search(without_quotes(err.split(": ", 2)[-1])), err
