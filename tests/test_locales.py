"""The locale files and the code that uses them: every language has the same keys and
placeholders as English, every key the code asks for exists and every key is used, keys are
never assembled at run time, renderers write no prose of their own, and a new language is a
copy of a file and nothing else (the issue's acceptance test, through the real command line).

The source checks read the code with `ast`, not by importing it, so they name the file and line
of what they find."""

from __future__ import annotations

import ast
import os
import re
import shutil
import string
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from backcalc.cli import app
from backcalc.locales import available, load
from tests.helpers import python

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "backcalc"
LOCALES = SRC / "locales"
RENDER = SRC / "render"
CLI = SRC / "cli"
REFERENCE = "en"

# The functions that take a locale key as their first argument: Style.t, Style.pick,
# Locale.text, Locale.pick, and the `words` callable the activations' notation receives.
KEY_FUNCTIONS = frozenset({"t", "pick", "text", "words"})
# The implementation itself builds `f"{key}.{which}"` and `f"{family}.{name}"`.
BUILDS_KEYS = frozenset({LOCALES / "__init__.py", RENDER / "style.py"})
DOTTED = re.compile(r"^[a-z_]+\.[a-z_.]+$")


# -- reading the locale files ------------------------------------------------------------------


def _codes() -> list[str]:
    return sorted(path.stem for path in LOCALES.glob("*.toml"))


def _raw(code: str) -> dict[str, Any]:
    with (LOCALES / f"{code}.toml").open("rb") as stream:
        return tomllib.load(stream)


def _flatten(node: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Every leaf by dotted key, `[locale]` included."""
    leaves: dict[str, Any] = {}
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            leaves |= _flatten(value, path)
        else:
            leaves[path] = value
    return leaves


def _tables(node: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Every table by dotted path (top-level ones too)."""
    found: dict[str, dict[str, Any]] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            path = f"{prefix}.{key}" if prefix else key
            found[path] = value
            found |= _tables(value, path)
    return found


def _texts(code: str = REFERENCE) -> dict[str, Any]:
    """The texts by dotted key, without the `[locale]` metadata (as Locale.texts has them)."""
    return {k: v for k, v in _flatten(_raw(code)).items() if not k.startswith("locale.")}


def _placeholders(template: str) -> set[str]:
    """The named fields of a str.format template ('' for a positional `{}`)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def _is_plural(table: dict[str, Any]) -> bool:
    return "one" in table or "other" in table


# -- reading the code ----------------------------------------------------------------------------


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _modules(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)


def _parse(path: Path) -> ast.Module:
    source = path.read_text(encoding="utf-8")
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as error:  # the other half of a refactoring, say: name the file
        pytest.fail(f"{_rel(path)} does not parse: {error}")


def _function_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _key_calls(tree: ast.AST) -> Iterator[tuple[ast.Call, str]]:
    """Calls of t, pick, text or words (plain or attribute) with at least one argument."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = _function_name(node)
            if name in KEY_FUNCTIONS:
                yield node, name


def _literals(node: ast.expr) -> list[ast.Constant]:
    """The string constants an argument can evaluate to: "a", or "a" if c else "b"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _built(node: ast.expr) -> bool:
    """An f-string, a concatenation or %-format, or "...".format(...)."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.IfExp):
        return _built(node.body) or _built(node.orelse)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
    )


def _string_constants(paths: list[Path]) -> Iterator[tuple[Path, ast.Constant]]:
    for path in paths:
        for node in ast.walk(_parse(path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield path, node


# -- 1. the same keys and placeholders in every language -----------------------------------------


@pytest.mark.parametrize("code", [c for c in _codes() if c != REFERENCE])
def test_every_locale_has_the_keys_and_placeholders_of_english(code: str) -> None:
    english, other = _flatten(_raw(REFERENCE)), _flatten(_raw(code))
    missing, extra = sorted(set(english) - set(other)), sorted(set(other) - set(english))
    assert not missing and not extra, (
        f"{code}.toml differs from {REFERENCE}.toml in its keys: "
        f"missing {missing or 'none'}; extra {extra or 'none'}"
    )
    problems = []
    for key, template in english.items():
        if key.startswith("locale."):
            continue
        if not isinstance(template, str) or not isinstance(other[key], str):
            problems.append(f"{key}: not a string in {REFERENCE}.toml or {code}.toml")
            continue
        try:
            expected, found = _placeholders(template), _placeholders(other[key])
        except ValueError as error:
            problems.append(f"{key}: not a valid str.format template ({error})")
            continue
        if expected != found:
            problems.append(
                f"{key}: {REFERENCE}.toml has the placeholders {sorted(expected)}, "
                f"{code}.toml has {sorted(found)}"
            )
    assert not problems, f"{code}.toml:\n" + "\n".join(problems)


@pytest.mark.parametrize("code", _codes())
def test_every_template_is_a_valid_format_string(code: str) -> None:
    problems = []
    for key, template in _texts(code).items():
        try:
            fields = _placeholders(str(template))
        except ValueError as error:
            problems.append(f"{key}: {error} (a literal brace is written twice: {{{{ }}}})")
            continue
        if "" in fields:
            problems.append(f"{key}: a positional {{}}; placeholders are named")
    assert not problems, f"{code}.toml:\n" + "\n".join(problems)


NUMERALS = {"en": False, "es": True}  # decimal_comma of the languages whose style is known


@pytest.mark.parametrize("code", _codes())
def test_the_locale_table_names_the_language_and_its_numerals(code: str) -> None:
    meta = _raw(code).get("locale")
    assert isinstance(meta, dict), f"{code}.toml has no [locale] table"
    name = meta.get("name")
    assert isinstance(name, str) and name.strip(), f"{code}.toml: [locale] name is {name!r}"
    comma = meta.get("decimal_comma")
    assert isinstance(comma, bool), (
        f"{code}.toml: [locale] decimal_comma must be a boolean, found {comma!r}"
    )
    if code in NUMERALS:
        assert comma is NUMERALS[code], (
            f"{code}.toml: [locale] decimal_comma should be {str(NUMERALS[code]).lower()}"
        )
    assert (load(code).name, load(code).decimal_comma) == (name, comma)


def test_english_and_spanish_are_there() -> None:
    assert {"en", "es"} <= set(available()), f"locales: {available()}"


# -- 2. plurals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", _codes())
def test_plurals_have_one_and_other_and_other_counts_n(code: str) -> None:
    plurals = {p: t for p, t in _tables(_raw(code)).items() if _is_plural(t)}
    assert code != REFERENCE or plurals, f"{code}.toml has no plural tables (check.entries?)"
    problems = []
    for path, table in plurals.items():
        forms = sorted(set(table) - {"one", "other"})
        if "one" not in table or "other" not in table:
            problems.append(f"[{path}] needs both `one` and `other`, has {sorted(table)}")
        elif forms:
            problems.append(f"[{path}] is a plural with other entries too: {forms}")
        elif "n" not in _placeholders(str(table["other"])):
            problems.append(f"[{path}] other = {table['other']!r} does not use {{n}}")
    assert not problems, f"{code}.toml:\n" + "\n".join(problems)


# -- 3. keys are literals -------------------------------------------------------------------------


def test_keys_are_never_built_at_run_time() -> None:
    found = []
    for path in _modules(SRC):
        if path in BUILDS_KEYS:
            continue
        source = path.read_text(encoding="utf-8")
        for call, name in _key_calls(_parse(path)):
            if _built(call.args[0]):
                segment = ast.get_source_segment(source, call.args[0]) or "?"
                found.append(f"{_rel(path)}:{call.lineno}: {name}({segment}, ...)")
    assert not found, (
        "locale keys built at run time (write the whole key as a literal, so that it can be "
        "checked and found):\n" + "\n".join(found)
    )


# -- 4. every key the code names exists -----------------------------------------------------------


FILE_EXTENSIONS = {"csv", "xml", "json", "md", "tex", "html", "pdf", "yaml", "log", "npz"}


def test_every_key_the_code_names_exists() -> None:
    texts = _texts()
    tables = set(_tables(_raw(REFERENCE)))
    heads = set(_raw(REFERENCE))  # the top-level tables: run, check, solution, ...
    problems = []
    for path in _modules(SRC):
        for call, name in _key_calls(_parse(path)):
            for constant in _literals(call.args[0]):
                key, where = constant.value, f"{_rel(path)}:{constant.lineno}"
                if name == "pick":
                    if not any(k.startswith(f"{key}.") for k in texts):
                        problems.append(f"{where}: pick({key!r}, ...): no table [{key}]")
                elif key not in texts and f"{key}.one" not in texts:
                    problems.append(f"{where}: {name}({key!r}, ...): no such key")
    for path, constant in _string_constants([*_modules(RENDER), *_modules(CLI)]):
        key = constant.value
        if not (DOTTED.match(key) and key.split(".")[0] in heads):
            continue  # not a locale key: a module path, a file name, ...
        if key.rsplit(".", 1)[-1] in FILE_EXTENSIONS:
            continue  # a file's name (moodle.xml), even where its stem is a table's
        if key not in texts and f"{key}.one" not in texts and key not in tables:
            problems.append(f"{_rel(path)}:{constant.lineno}: {key!r}: no such key or table")
    assert not problems, f"keys not in {REFERENCE}.toml:\n" + "\n".join(sorted(set(problems)))


def test_every_call_gives_the_placeholders_of_its_key() -> None:
    """A value the text needs and the call does not give is a KeyError in one language (or,
    with no values at all, the `{name}` printed as it is); one it gives and no text uses is a
    leftover. For a plural or a choice table, the placeholders of all its entries."""
    texts = _texts()
    problems = []
    for path in _modules(SRC):
        if path in BUILDS_KEYS:
            continue  # Style.t and Locale.pick pass **values through
        for call, name in _key_calls(_parse(path)):
            if any(keyword.arg is None for keyword in call.keywords):
                continue  # **values: not known here
            given = {keyword.arg for keyword in call.keywords if keyword.arg}
            for constant in _literals(call.args[0]):
                key = constant.value
                entries = [key] if key in texts and name != "pick" else []
                entries = entries or [k for k in texts if k.startswith(f"{key}.")]
                if not entries:
                    continue  # no such key: test_every_key_the_code_names_exists says so
                needed = set().union(*(_placeholders(str(texts[k])) for k in entries))
                if needed != given:
                    problems.append(
                        f"{_rel(path)}:{constant.lineno}: {name}({key!r}) gives {sorted(given)}, "
                        f"its text in {REFERENCE}.toml uses {sorted(needed)}"
                    )
    assert not problems, "\n".join(problems)


# -- 5. every key is used -------------------------------------------------------------------------


def _registered(registry: dict[str, type]) -> set[str]:
    """The built-in names (a test may register its own class; that one is not translated)."""
    return {name for name, cls in registry.items() if cls.__module__.startswith("backcalc.")}


def test_every_key_is_used() -> None:
    constants = {constant.value for _, constant in _string_constants(_modules(SRC))}
    dead = []
    for key in _texts():
        family, _, rest = key.partition(".")
        if family in ("activation", "loss"):
            continue  # named by the registry: the next test
        table = key.rsplit(".", 1)[0]
        # a key of a section (run.given) is named whole; an entry of a plural or a choice table
        # (check.entries.one, run.convention.row) by its table, the entry chosen at run time
        if key not in constants and not (rest.count(".") and table in constants):
            dead.append(key)
    assert not dead, (
        f"keys in {REFERENCE}.toml that no code names (as a literal, or a table's name for a "
        "plural or a choice):\n" + "\n".join(dead)
    )


@pytest.mark.parametrize("family", ["activation", "loss"])
def test_activation_and_loss_names_are_the_registered_ones(family: str) -> None:
    from backcalc.core.activations import ACTIVATIONS
    from backcalc.core.losses import LOSSES

    registry: dict[str, type] = {"activation": ACTIVATIONS, "loss": LOSSES}[family]
    entries = [k.split(".", 1)[1] for k in _texts() if k.startswith(f"{family}.")]
    nested = [f"{family}.{e}" for e in entries if "." in e]
    assert not nested, f"[{family}] in {REFERENCE}.toml has nested entries: {nested}"
    # names are optional (the class's `name` is the fallback): only a stale one is an error
    stale = sorted(set(entries) - set(registry))
    assert not stale, f"[{family}] in {REFERENCE}.toml names no registered {family}: {stale}"


def test_a_name_falls_back_to_the_class_name_and_a_locale_entry_overrides_it() -> None:
    from backcalc.core.activations import Sigmoid
    from backcalc.locales import Locale
    from backcalc.render.style import Style

    assert Style().name(Sigmoid()) == "sigmoid"
    translated = Locale("xx", "X", True, {"activation.sigmoid": "sigmoide"})
    assert Style(translated).name(Sigmoid()) == "sigmoide"


# -- 6. no prose outside the locale files ---------------------------------------------------------

PROSE = re.compile(r"\b[A-Za-z]{3,} [A-Za-z]{3,}\b")
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")

# What matches but is not prose (matched after TeX commands and {…} contents are deleted):
# word pairs,
NOT_PROSE = frozenset(
    {
        "digraph backcalc",  # the DOT output's first line: a Graphviz keyword and the graph's id
        "SIS User",  # Canvas's gradebook columns (render/canvas.py): its importer's keywords
        "SIS Login",
        "Points Possible",
    }
)
# rich style names ("bold red", "bold underline"): a pair made only of these is a style,
RICH_STYLE_WORDS = frozenset(
    {"bold", "italic", "underline", "dim", "reverse", "strike", "blink"}
    | {"red", "green", "yellow", "blue", "magenta", "cyan", "white", "black"}
)
# and whole constants: the pieces of an error message (render's "--format X draws ..."),
# which move into the locales with the other error messages in the next issue.
ERROR_MESSAGE_PARTS = frozenset(
    {
        "networks (a spec with layers)",
        "computational graphs (a spec with steps)",
        "check reports",
        "graded answers",
        "training runs",
        "the keys of a set of variants",
        "graded classes",
    }
)


def _is_json_module(path: Path) -> bool:
    return any("json" in part for part in path.relative_to(RENDER).with_suffix("").parts)


def _skipped_constants(tree: ast.Module) -> set[int]:
    """The constants that are not prose to check: docstrings (and other bare string
    statements), keys given to t/pick/text/words, and error messages (raise and assert: they
    move into the locales in the next issue)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            skipped.add(id(node.value))
        elif isinstance(node, ast.Raise | ast.Assert):
            skipped.update(id(inner) for inner in ast.walk(node))
    for call, _ in _key_calls(tree):
        skipped.update(id(constant) for constant in _literals(call.args[0]))
    return skipped


def _prose(text: str) -> list[str]:
    cleaned = TEX_COMMAND.sub("", text)
    while PLACEHOLDER.search(cleaned):
        cleaned = PLACEHOLDER.sub("", cleaned)
    return [
        pair
        for pair in PROSE.findall(cleaned)
        if pair not in NOT_PROSE and not set(pair.split()) <= RICH_STYLE_WORDS
    ]


def _prose_in_renderers() -> list[str]:
    found = []
    for path in _modules(RENDER):
        if _is_json_module(path):
            continue  # JSON is data, not prose
        tree = _parse(path)
        skipped = _skipped_constants(tree)
        in_fstrings = {
            id(part)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for part in node.values
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if id(node) in skipped or node.value in ERROR_MESSAGE_PARTS:
                continue
            if id(node) in in_fstrings and sum(c.isalpha() for c in node.value) < 3:
                continue
            pairs = _prose(node.value)
            if pairs:
                found.append(f"{_rel(path)}:{node.lineno}: {node.value!r} ({', '.join(pairs)})")
    return found


def test_renderers_write_no_prose_of_their_own() -> None:
    found = _prose_in_renderers()
    assert not found, (
        "text in the renderers that reads as prose; it belongs in the locale files (or, if it "
        "is not prose, in NOT_PROSE with a comment):\n" + "\n".join(found)
    )


def test_the_prose_check_sees_prose() -> None:
    assert _prose("the loss of the batch") == ["the loss", "the batch"]
    assert _prose(r"\frac{\partial J}{\partial z} with respect to")
    assert not _prose(r"\frac{\partial J}{\partial a} \odot g'(z)")
    assert not _prose("{name} {value}")
    assert not _prose("digraph backcalc {")
    assert not _prose("bold underline")
    assert _prose("bold claim")


# -- 7. a new language is a copy of a file -------------------------------------------------------

NEW = "pt"
EDITED = "Passo para frente"
COMMANDS = {
    "table": ("run", "reference-2-3-1"),
    "markdown": ("run", "reference-2-3-1", "--format", "markdown"),
    "latex": ("run", "reference-2-3-1", "--format", "latex"),
    "check --answers": ("check", "reference-2-3-1", "--answers", "reference-2-3-1-hand"),
    "graph": ("run", "cs231n-circuit"),
    "train": ("train", "reference-2-3-1", "--steps", "2", "--learning-rate", "0.5"),
}
# The hand solution goes wrong at δ⁽¹⁾ on purpose (its header says so): check exits 1.
EXIT_CODES = {"check --answers": 1}


def _backcalc(*args: str) -> subprocess.CompletedProcess[str]:
    """`backcalc ARGS...` in a new interpreter, which lists the languages afresh."""
    return python("-m", "backcalc", *args)


def _english_titled(folder: Path) -> dict[str, str]:
    """Copies of the commands' examples in `folder` with their titles in English alone: a title
    is the user's words (`title: {en: ..., es: ...}`), which a new language does not translate
    (it shows the English one); {example name: the copy's path}."""
    import re as regex

    from backcalc import load
    from backcalc.io import examples

    copies = {}
    for name in {arg for args in COMMANDS.values() for arg in args[1:2]}:
        example = examples.find(name)
        assert example is not None, name
        text = example.path.read_text(encoding="utf-8")
        title = str(load(name).title)
        text = regex.sub(r"^title:\n(?:  .*\n)+", f"title: {title}\n", text, flags=regex.M)
        copies[name] = str(folder / example.path.name)
        Path(copies[name]).write_text(text, encoding="utf-8")
    return copies


def _spanish(what: str, args: tuple[str, ...]) -> str:
    """The output of `backcalc ARGS --lang es`, in this process (as tests.helpers.invoke runs
    it, at 80 columns): this process listed the languages before the copy existed."""
    result = CliRunner().invoke(
        app, [*args, "--lang", "es"], prog_name="backcalc", env={"COLUMNS": "80"}
    )
    expected = EXIT_CODES.get(what, 0)
    assert result.exit_code == expected and result.stdout, (
        f"backcalc {' '.join(args)} --lang es: exit {result.exit_code}, expected {expected}; "
        f"{result.exception!r}\n{result.stderr}"
    )
    return result.stdout


def _toml_string(value: str) -> str:
    """A TOML basic string as the locale files write them (the values used have no escapes)."""
    assert '"' not in value and "\\" not in value
    return f'"{value}"'


def _first_difference(expected: str, found: str) -> str:
    a, b = expected.splitlines(), found.splitlines()
    for number, (x, y) in enumerate(zip(a, b, strict=False), start=1):
        if x != y:
            return f"line {number}: expected {x!r}, found {y!r}"
    return f"expected {len(a)} lines, found {len(b)}"


def test_a_copy_of_es_toml_is_a_new_language_that_speaks_spanish(tmp_path: Path) -> None:
    copy = LOCALES / f"{NEW}.toml"
    if not os.access(LOCALES, os.W_OK):
        pytest.skip(f"{_rel(LOCALES)} is not writable: cannot add {copy.name} for the test")
    if copy.exists():
        pytest.skip(f"{_rel(copy)} exists already: the test would overwrite a real locale")
    specs = _english_titled(tmp_path)
    commands = {what: (args[0], specs[args[1]], *args[2:]) for what, args in COMMANDS.items()}
    spanish = {what: _spanish(what, args) for what, args in commands.items()}
    es = _raw("es")
    heading = es["run"]["forward_pass"]
    markers = {  # a Spanish text each output must have, so that it is Spanish that is compared
        "table": heading,
        "markdown": f"## {es['solution']['statement']}",
        "latex": f"\\section*{{{es['solution']['statement']}}}",
        "check --answers": es["grading"]["steps_title"],
        "graph": es["graph"]["forward"],
        "train": es["train"]["parameters"],
    }
    for what, marker in markers.items():
        assert marker in spanish[what], f"--lang es ({what}) is not in Spanish: no {marker!r}"

    try:  # 8 runs of the command line while the copy exists; it is always deleted
        shutil.copyfile(LOCALES / "es.toml", copy)
        for what, args in commands.items():
            result = _backcalc(*args, "--lang", NEW)
            command = f"backcalc {' '.join(args)} --lang {NEW}"
            expected = EXIT_CODES.get(what, 0)
            assert result.returncode == expected, (
                f"{command}: exit {result.returncode}, expected {expected}\n{result.stderr}"
            )
            assert result.stdout == spanish[what], (
                f"{command} differs from --lang es ({what}): "
                f"{_first_difference(spanish[what], result.stdout)}"
            )

        assert NEW in available(), f"available() does not list {copy.name}: {available()}"
        unknown = _backcalc("run", "reference-2-3-1", "--lang", "xx")
        assert unknown.returncode == 2, f"--lang xx: exit {unknown.returncode}, expected 2"
        unlisted = [code for code in available() if f"'{code}'" not in unknown.stderr]
        assert "'xx'" in unknown.stderr and not unlisted, (
            f"--lang xx should name 'xx' and list every language, {unlisted} missing:\n"
            f"{unknown.stderr}"
        )

        text = copy.read_text(encoding="utf-8")
        line = f"forward_pass = {_toml_string(heading)}"
        assert text.count(line) == 1, f"{copy.name} should have the line {line!r} once"
        copy.write_text(
            text.replace(line, f"forward_pass = {_toml_string(EDITED)}"), encoding="utf-8"
        )
        assert _raw(NEW)["run"]["forward_pass"] == EDITED
        edited = _backcalc(*commands["table"], "--lang", NEW)
    finally:
        copy.unlink(missing_ok=True)

    assert edited.returncode == 0, (
        f"the edited {copy.name}: exit {edited.returncode}\n{edited.stderr}"
    )
    assert EDITED in edited.stdout, f"the edit to {copy.name} does not show: {EDITED!r} missing"
    lines, found = spanish["table"].splitlines(), edited.stdout.splitlines()
    changed = [i for i, row in enumerate(lines) if heading in row]
    assert len(changed) == 1, f"the heading {heading!r} is on lines {changed} of the table"
    row = changed[0]
    assert found[row].rstrip() == lines[row].replace(heading, EDITED).rstrip(), (
        f"line {row + 1} of the table with run.forward_pass edited: {found[row]!r}"
    )
    assert found[:row] + found[row + 1 :] == lines[:row] + lines[row + 1 :], (
        f"with run.forward_pass edited, --lang {NEW} should be the Spanish table with only that "
        f"heading replaced: {_first_difference(spanish['table'], edited.stdout)}"
    )


# -- 8. Locale.text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "one", "two"),
    [("en", "1 entry", "2 entries"), ("es", "1 entrada", "2 entradas")],
)
def test_plural_is_chosen_by_n(code: str, one: str, two: str) -> None:
    locale = load(code)
    for n, expected in ((1, one), (2, two), (0, two.replace("2", "0"))):
        found = locale.text("check.entries", n=n)
        assert found == expected, f"{code}: check.entries with n={n} is {found!r}"


def test_pick_and_missing_keys() -> None:
    from backcalc.locales import Locale

    en, es = load("en"), load("es")
    assert en.pick("run.convention", "row") == en.texts["run.convention.row"]
    assert en.pick("check.status", "kink") == "kink"
    assert es.pick("check.status", "pass") == "bien"
    assert en.pick("solution.reduction", "mean", m="$m = 4$").startswith(
        "averaged over the $m = 4$"
    )
    doubled = Locale("xx", "X", False, {"k": "a {{b}} c"})
    assert doubled.text("k") == "a {b} c", "doubled braces are undoubled, with or without values"
    with pytest.raises(KeyError):
        en.text("solution.probabilities")  # a placeholder not given is an error, not "{p}"
    with pytest.raises(KeyError, match=r"no\.such_key"):
        en.text("no.such_key")
    with pytest.raises(KeyError, match=r"run\.convention\.diagonal"):
        en.pick("run.convention", "diagonal")
    with pytest.raises(KeyError, match="xx"):
        load("xx")
