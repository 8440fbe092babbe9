"""The class answers CSV (io/answerscsv.py): its columns named as documented (written out here
from the rule, not from the code), the empty template, a row read into the same claims as the
same answers in YAML (values and written decimals), decimal commas in quotes and in files
separated by semicolons, and a located error for every mistake."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backcalc.errors import SpecError
from backcalc.io import answers as answers_file
from backcalc.io import answerscsv
from backcalc.io.spec import parse as parse_spec
from tests import classroom

REFERENCE = classroom.spec_text("v01")


def trace(text: str = REFERENCE) -> object:
    return parse_spec(text, "net.yaml").run()


def expected_columns() -> list[str]:
    """The 2-3-1's columns by the documented rule, in hand-solution order."""

    def entries(name: str, *shape: int) -> list[str]:
        return [
            name + "[" + ",".join(str(i + 1) for i in index) + "]" for index in np.ndindex(shape)
        ]

    forward = [*entries("z1", 3), *entries("a1", 3), *entries("z2", 1), *entries("a2", 1)]
    loss = [*entries("prediction", 1), *entries("losses", 1), "loss"]
    layer2 = [c for n in ("dJ_da2", "g_prime2", "delta2") for c in entries(n, 1)]
    backward2 = [*layer2, *entries("dJ_dW2", 1, 3), *entries("dJ_db2", 1)]
    layer1 = [c for n in ("dJ_da1", "g_prime1", "delta1") for c in entries(n, 3)]
    backward1 = [*layer1, *entries("dJ_dW1", 3, 2), *entries("dJ_db1", 3)]
    return [*forward, *loss, *backward2, *backward1, *entries("dJ_dx", 2)]


def test_the_columns_are_every_entry_in_hand_solution_order() -> None:
    assert answerscsv.columns(trace()) == expected_columns()


def test_a_graph_has_a_column_per_node_value_and_gradient() -> None:
    graph = parse_spec(
        "steps:\n  - q = x + y\n  - f = q * z\nvalues: {x: -2, y: 5, z: -4}\n", "g.yaml"
    ).run()
    found = answerscsv.columns(graph)
    assert set(found) == {
        "value_q",
        "value_f",
        *(f"gradient_{n}" for n in ("f", "q", "x", "y", "z")),
    }
    assert found.index("value_q") < found.index("value_f") < found.index("gradient_q")


def test_a_batch_is_counted_by_observation_then_unit_in_either_convention() -> None:
    batch = (
        "convention: column\ninput: [[1.0, 2.0], [-0.5, 0.5], [0.0, -1.0]]\n"
        "target: [0.5, -0.2, 0.1]\nlayers:\n  - weights: [[0.3, -0.1], [0.2, 0.4]]\n"
        "    bias: [0.0, -0.1]\n    activation: tanh\n  - weights: [[0.7, -0.5]]\n"
        "    bias: [0.2]\nloss: mean_squared_error\nlearning_rate: 0.1\n"
    )
    found = answerscsv.columns(trace(batch))
    assert found[:6] == ["z1[1,1]", "z1[1,2]", "z1[2,1]", "z1[2,2]", "z1[3,1]", "z1[3,2]"]
    assert "weights_updated2[1,2]" in found and "bias_updated1[2]" in found
    assert found[-1] == "bias_updated2[1]"


def test_the_template_has_a_row_per_student_and_empty_cells() -> None:
    text = answerscsv.template(trace(), [("s01", "v01"), ("s02", None)])
    lines = text.splitlines()
    names = expected_columns()
    assert lines[0].split(",")[:3] == ["student", "variant", "z1[1]"]
    assert '"dJ_dW1[1,1]"' in lines[0]  # a name with a comma is quoted
    assert lines[1] == "s01,v01" + "," * len(names)
    assert lines[2] == "s02," + "," * len(names)
    table = answerscsv.parse(text, "answers.csv")
    assert table.columns == tuple(names)
    assert [r.student for r in table] == ["s01", "s02"] and all(not r.cells for r in table)


def yaml_answers(tmp_path: Path, doc: dict[str, object]) -> tuple:
    import yaml

    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return answers_file.read(path, trace())


def csv_row(cells: dict[str, str], delimiter: str = ",") -> answerscsv.Row:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["student", "variant", *cells])
    writer.writerow(["s01", "v01", *cells.values()])
    return answerscsv.parse(out.getvalue(), "answers.csv").rows[0]


def same(one: tuple, other: tuple) -> None:
    assert len(one) == len(other)
    by_key = {(c.name, c.layer): c for c in other}
    for claim in one:
        twin = by_key[(claim.name, claim.layer)]
        np.testing.assert_array_equal(claim.values, twin.values)
        np.testing.assert_array_equal(claim.decimals, twin.decimals)
        assert claim.written == twin.written


@pytest.mark.parametrize("comma", [False, True])
def test_a_row_gives_the_claims_of_the_same_answers_in_yaml(tmp_path: Path, comma: bool) -> None:
    doc = classroom.answers("v01", "forgot_activation_derivative", comma=comma)
    from_yaml = yaml_answers(tmp_path, doc)
    from_csv = answerscsv.claims(csv_row(classroom.columns_of(doc)), trace())
    same(from_csv, from_yaml)
    delta = next(c for c in from_csv if (c.name, c.layer) == ("delta", 1))
    assert delta.decimals.tolist() == [3, 3, 3]


def test_decimal_commas_in_a_file_separated_by_semicolons(tmp_path: Path) -> None:
    doc = classroom.answers("v01", None, comma=True)
    row = csv_row(classroom.columns_of(doc), delimiter=";")
    assert "," in dict(row.cells)["delta1[1]"]
    same(answerscsv.claims(row, trace()), yaml_answers(tmp_path, doc))


def test_written_decimals_are_kept_and_an_empty_cell_is_not_claimed() -> None:
    row = csv_row({"z1[1]": "1.98", "z1[3]": "2.1720", "loss": "10"})
    claims = {(c.name, c.layer): c for c in answerscsv.claims(row, trace())}
    z = claims[("z", 1)]
    assert np.isnan(z.values[1]) and z.values[0] == 1.98 and z.values[2] == 2.172
    assert z.decimals[0] == 2 and z.decimals[2] == 4
    assert claims[("loss", None)].decimals == 0
    assert set(claims) == {("z", 1), ("loss", None)}


def read_all(text: str, check: bool) -> None:
    table = answerscsv.parse(text, "answers.csv")
    if check:
        answerscsv.check(table, trace())
    for row in table:
        answerscsv.claims(row, trace())


def error(text: str, check: bool = False) -> str:
    with pytest.raises(SpecError) as caught:
        read_all(text, check)
    return str(caught.value)


HEADER = 'student,variant,z1[1],"dJ_dW1[1,1]",loss\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + "s01,v01,1.98,0.1,1\n" + 's02,v02,2,"0,2",x\n',
            "answers.csv:3: column 'loss': expected a number, found 'x'",
        ),
        (
            'student,variant,z1[1],"dJ_dW1[1,4]"\ns01,v01,1,\n\n\ns02,v02,1,\ns03,v03,1,0.5\n',
            "answers.csv:6: column 'dJ_dW1[1,4]': no such entry: dJ_dW1 is 3×2 "
            "(dJ_dW1[1,1] to dJ_dW1[3,2])",
        ),
        (
            "student,variant,z3[1]\ns01,v01,1\n",
            "answers.csv:2: column 'z3[1]': the network has 2 layers",
        ),
        (
            "student,variant,loss[1]\ns01,v01,1\n",
            "answers.csv:2: column 'loss[1]': no such entry: loss is one number, written "
            "without brackets: loss",
        ),
        (
            "student,variant,dJ_dw1[1]\ns01,v01,1\n",
            "answers.csv:2: column 'dJ_dw1[1]': unknown column",
        ),
        (
            "student,variant,dJ_dW1[1,1]\ns01,v01,1\n",
            "answers.csv:1: the column 'dJ_dW1[1,1]' is split at its comma: quote a name "
            'with a comma, "dJ_dW1[1,1]"',
        ),
        (HEADER + "s01,v01,0,21,0.1,1\n", "answers.csv:2: 6 cells, but the header names 5"),
        (HEADER + ",v01,1,1,1\n", "answers.csv:2: column 'student': no student id"),
        (
            HEADER + "s01,v01,1,1,1\ns02,v02,1,1,1\ns01,v03,1,1,1\n",
            "answers.csv:4: column 'student': student 's01' is also on line 2",
        ),
        ("id,z1[1]\ns01,1\n", "answers.csv:1: no 'student' column"),
        ("", "answers.csv: no header"),
        (HEADER + "s01,v01,,,\n", "answers.csv:2: no answers: every entry's cell is empty"),
        (HEADER + "s01,v01,inf,,\n", "answers.csv:2: column 'z1[1]': expected a finite number"),
    ],
)
def test_every_mistake_is_located(text: str, message: str) -> None:
    assert error(text).startswith(message), error(text)


def test_a_column_no_row_fills_is_still_checked_at_the_header() -> None:
    found = error("student,variant,z1[4]\ns01,v01,\n", check=True)
    assert found.startswith("answers.csv:1: column 'z1[4]': no such entry: z1 is 3 values"), found


def test_a_file_is_read_with_its_bom(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_bytes(("\ufeff" + HEADER + "s01,v01,1.98,,\n").encode("utf-8"))
    table = answerscsv.read(path)
    assert table.columns == ("z1[1]", "dJ_dW1[1,1]", "loss")
    assert table.rows[0].cells == (("z1[1]", "1.98"),) and table.rows[0].line == 2
