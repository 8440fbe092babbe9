"""The conventions people's fingers expect: -h, shell completion, usage errors in one line, and
$BACKCALC_LANG read as a POSIX locale name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backcalc import locales
from tests.helpers import invoke, python


@pytest.mark.parametrize("command", [[], ["run"], ["check"], ["train"], ["examples"]])
def test_h_is_help(command: list[str]) -> None:
    code, out, err = invoke(*command, "-h")
    assert (code, err) == (0, "")
    assert out == invoke(*command, "--help")[1]
    assert "-h, --help" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "reference-2-3-1", "--bogus"], "backcalc run: No such option: --bogus."),
        (["run", "reference-2-3-1", "-f", "docx"], "backcalc run: Invalid value for '--format'"),
        (["run"], "backcalc run: Missing argument 'SPEC'."),
        (["nope"], "backcalc: No such command 'nope'."),
        (
            ["train", "mazur-shared-bias", "--steps", "x"],
            "backcalc train: Invalid value for '--steps'",
        ),
    ],
)
def test_a_usage_error_is_one_line_with_the_usage_in_it(args: list[str], message: str) -> None:
    code, out, err = invoke(*args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(message), err
    command = message.split(":")[0]
    assert f"Usage: {command} [OPTIONS]" in err and f"see '{command} -h'" in err


def test_no_arguments_still_shows_the_whole_help() -> None:
    code, _, err = invoke()
    assert code == 2 and "Usage: backcalc" in err and "Commands:" in err


def test_the_real_process_prints_one_line_too() -> None:
    done = python("-m", "backcalc", "check", "reference-2-3-1", "--seed", "-5")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_completion_is_offered() -> None:
    code, out, _ = invoke("--help")
    assert "--install-completion" in out and "--show-completion" in out
    code, out, _ = invoke("--show-completion", "bash")
    assert code == 0 and "_BACKCALC_COMPLETE=complete_bash" in out


def complete(words: str, tmp: Path) -> list[str]:
    done = python(
        "-m",
        "backcalc",
        cwd=tmp,
        _BACKCALC_COMPLETE="complete_bash",
        COMP_WORDS=f"backcalc {words}",
        COMP_CWORD=str(len(words.split(" "))),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_of_commands_options_examples_and_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("mine.yaml", "notes.txt", "sub/other.yml", ".hidden.yaml"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    # `python -m backcalc` completes as `backcalc` (the program name set in main)
    assert complete("ru", tmp_path) == ["run"]
    assert complete("run --fo", tmp_path) == ["--format", "--force"]
    assert complete("run ref", tmp_path) == ["reference-2-3-1"]
    assert complete("run m", tmp_path) == ["mazur-shared-bias", "mine.yaml"]
    assert complete("check s", tmp_path) == ["sigmoid-neuron", "softmax-cross-entropy", "sub/"]
    assert complete("train sub/", tmp_path) == ["sub/other.yml"]
    assert complete("run nothing-like-it", tmp_path) == []


@pytest.mark.parametrize(
    ("setting", "language"),
    [
        ("es", "es"),
        ("es_ES.UTF-8", "es"),
        ("es_AR", "es"),
        ("es-MX", "es"),
        ("ES_es.utf8@euro", "es"),
        ("en_GB.UTF-8", "en"),
        ("fr_FR.UTF-8", "en"),  # no French locale file: English
        ("", "en"),
        (None, "en"),
    ],
)
def test_backcalc_lang_is_read_as_a_posix_locale_name(setting: str | None, language: str) -> None:
    assert locales.language(setting) == language
    env = {} if setting is None else {"BACKCALC_LANG": setting}
    code, out, err = invoke("run", "reference-2-3-1", env=env)
    assert (code, err) == (0, "")
    spanish = "convención por columnas" in out
    assert spanish == (language == "es")


def test_the_lang_option_wins_over_the_environment_and_is_still_checked() -> None:
    _, out, _ = invoke("run", "reference-2-3-1", "--lang", "en", env={"BACKCALC_LANG": "es_ES"})
    assert "column convention" in out
    code, out, err = invoke("run", "reference-2-3-1", "--lang", "fr")
    assert (code, out) == (2, "") and "Invalid value for '--lang'" in err


def test_the_python_api_reads_backcalc_lang_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    import backcalc

    monkeypatch.setenv("BACKCALC_LANG", "es_ES.UTF-8")
    text = backcalc.run(backcalc.load("reference-2-3-1"))._repr_markdown_()
    assert "Paso" in text or "paso" in text
    monkeypatch.setenv("BACKCALC_LANG", "fr")
    assert backcalc.run(backcalc.load("reference-2-3-1"))._repr_markdown_() == backcalc.run(
        backcalc.load("reference-2-3-1")
    ).render("markdown", lang="en")
    assert os.environ["BACKCALC_LANG"] == "fr"


@pytest.mark.parametrize(
    ("args", "spanish"),
    [
        (
            ["check", "reference-2-3-1", "--seed", "-5"],
            "backcalc check: valor no válido para '--seed': ",
        ),
        (
            ["run", "reference-2-3-1", "-f", "docx"],
            "backcalc run: valor no válido para '--format' / '-f': ",
        ),
        (["run"], "backcalc run: falta el argumento 'SPEC'. Uso: backcalc run [OPTIONS]"),
        (["nope"], "backcalc: no existe el comando 'nope'. Uso: backcalc [OPTIONS]"),
        (["run", "reference-2-3-1", "--bogus"], "backcalc run: no existe la opción --bogus. Uso: "),
        (["run", "a", "b"], "backcalc run: sobra"),
    ],
)
def test_usage_errors_follow_the_language(args: list[str], spanish: str) -> None:
    for language in (["--lang", "es"], ["--lang=es"]):
        code, out, err = invoke(*args, *language)
        assert (code, out) == (2, "") and err.startswith(spanish), err
        assert err.count("\n") == 1 and "consulta '" in err
    code, _, err = invoke(*args, env={"BACKCALC_LANG": "es_ES.UTF-8"})
    assert code == 2 and err.startswith(spanish)
    code, _, err = invoke(*args, "--lang", "es", env={"BACKCALC_LANG": "en"})
    assert err.startswith(spanish)


def test_the_examples_list_fits_the_terminal() -> None:
    from backcalc.cli import example_lines
    from backcalc.io import examples

    found = [(e.name, e.summary) for e in examples.all_examples()]
    lines = example_lines(found, 80)
    assert all(len(line) <= 80 for line in lines)
    names = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert names == [name for name, _ in found]
    piped = example_lines(found, None)  # not a terminal: one line each, whole
    assert len(piped) == len(found) and " ".join(" ".join(lines).split()) == " ".join(
        " ".join(piped).split()
    )
