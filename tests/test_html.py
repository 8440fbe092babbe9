"""`--format html`: one self-contained page per solution, read here as XML (so as a browser and
any XML tool read it): every shipped example in both languages, by hand to 3 decimals too; the
numbers against numpy; a user's title and description; parts, numbering and the diagram."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from backcalc.io.examples import all_examples, find
from backcalc.io.spec import read
from backcalc.render import diagram, html, mathml
from backcalc.render.document import graph as graph_document
from backcalc.render.document import network as network_document
from backcalc.render.document.blocks import (
    Document,
    Equation,
    Figure,
    Heading,
    Paragraph,
    Summary,
    Table,
)
from backcalc.render.style import DocOptions, Style, style_for
from tests.helpers import invoke

X = "{http://www.w3.org/1999/xhtml}"
M = "{http://www.w3.org/1998/Math/MathML}"
STUB_SVG = '<svg xmlns="http://www.w3.org/2000/svg" class="stub" width="20" height="10"></svg>'


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The diagram module's svg, or a stand-in while it is not written yet."""
    trace = read(find("reference-2-3-1").path).run(None)  # type: ignore[union-attr]
    try:
        diagram.svg(Figure(trace), Style())
    except NotImplementedError:
        monkeypatch.setattr(diagram, "svg", lambda figure, style: STUB_SVG)


def styled(lang: str = "en", decimals: int = 4, **options: Any) -> Style:
    style = style_for(lang, None, decimals)
    return dataclasses.replace(style, doc=DocOptions(**options))


def document(name: str, style: Style, hand: int | None = None) -> tuple[Any, Document]:
    trace = read(find(name).path).run(hand)  # type: ignore[union-attr]
    builder = network_document if trace.kind == "network" else graph_document
    return trace, builder.solution(trace, style)


def page(doc: Document, style: Style) -> ET.Element:
    text = html.to_html(doc, style, strict=True)
    assert text.startswith("<!DOCTYPE html>\n<html ")
    return ET.fromstring(text)


def math_blocks(doc: Document, part: str = "solution") -> list[str]:
    """The TeX of every display formula in the document's part, in order."""
    found: list[str] = []
    for piece in doc.parts(part):
        for block in piece:
            if isinstance(block, Equation):
                found.append(block.math)
            elif isinstance(block, Summary):
                found += block.items
    return found


def annotations(root: ET.Element, block: bool) -> list[str]:
    return [
        (m.findtext(f"{M}semantics/{M}annotation") or "")
        for m in root.iter(f"{M}math")
        if (m.get("display") == "block") == block
    ]


CASES = [
    (example.name, lang, hand)
    for example in all_examples()
    for lang in ("en", "es")
    for hand in (None, 3)
]


@pytest.mark.usefixtures("drawn")
@pytest.mark.parametrize(("name", "lang", "hand"), CASES)
def test_every_example_is_a_well_formed_self_contained_page(
    name: str, lang: str, hand: int | None
) -> None:
    style = styled(lang, hand or 4)
    _, doc = document(name, style, hand)
    root = page(doc, style)
    assert root.tag == f"{X}html" and root.get("lang") == lang
    head = root.find(f"{X}head")
    assert head is not None
    assert head.find(f"{X}meta[@charset='utf-8']") is not None
    css = head.findtext(f"{X}style") or ""
    assert "@media print" in css and "break-before: page" in css
    assert css.strip() == html.stylesheet().strip()  # read as XML, the stylesheet is whole
    # every display formula is there, in order, as MathML (its TeX kept as the annotation)
    formulas = [m.strip() for m in math_blocks(doc)]
    assert annotations(root, block=True) == formulas
    # nothing fetched, nothing run
    for element in root.iter():
        assert element.tag not in (f"{X}script", f"{X}link", f"{X}img", f"{X}iframe")
        links = [v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] in ("src", "href")]
        assert all(link.startswith("#") for link in links), links  # a link within the page only
        assert not [a for a in element.attrib if a.startswith("on")]
    assert not root.findall(f".//{M}merror")


@pytest.mark.usefixtures("drawn")
def test_the_numbers_are_numpys_in_the_languages_numeral_style() -> None:
    """reference-2-3-1 (column convention, sigmoid, half squared error): z⁽¹⁾ and a⁽¹⁾
    computed here with numpy appear as MathML numbers, with a decimal comma in Spanish."""
    w1 = np.array([[0.1, -0.5], [-0.3, -0.9], [0.8, 0.02]])
    b1 = np.array([0.1, 0.5, 0.8])
    x = np.array([1.8, -3.4])
    z1 = w1 @ x + b1
    a1 = 1 / (1 + np.exp(-z1))
    for lang, point in (("en", "."), ("es", ",")):
        style = styled(lang)
        root = page(document("reference-2-3-1", style)[1], style)
        numbers = {e.text for e in root.iter(f"{M}mn")}
        for value in [*z1, *a1]:
            assert f"{value:.4f}".replace(".", point) in numbers, (lang, value)
        assert "−3.4".replace(".", point) in numbers  # a given number, with its sign


def test_a_users_title_and_description_are_text_with_inline_math() -> None:
    title = r"σ-net <b>&amp; __ \ $\hat{y}$"
    doc = Document(
        title=title,
        head=(
            Heading(title, 1),
            Paragraph(r"Costs \$5 or $a^{(1)} \in \mathbb{R}^3$, not $ alone", user=True),
        ),
        statement=(),
        steps=(),
    )
    root = page(doc, styled())
    h1 = root.find(f".//{X}h1")
    assert h1 is not None
    assert h1.text == r"σ-net <b>&amp; __ \ "  # as written: no element, no entity read
    assert [c.tag for c in h1] == [f"{M}math"]
    assert h1[0].findtext(f"{M}semantics/{M}annotation") == r"\hat{y}"
    paragraph = root.find(f".//{X}p")
    assert paragraph is not None
    assert "".join(paragraph.itertext()).startswith("Costs $5 or ")
    assert paragraph.text == "Costs $5 or "
    assert paragraph[0].tail == ", not $ alone"
    assert root.findtext(f"{X}head/{X}title") == r"σ-net <b>&amp; __ \ \hat{y}"


def test_control_characters_of_a_title_never_break_the_xml() -> None:
    doc = Document("a\x01b", (Heading("a\x01b\x0c", 1),), (), ())
    root = page(doc, styled())
    assert root.findtext(f".//{X}h1") == "a\ufffdb\ufffd"


def test_math_outside_the_subset_shows_its_tex_or_raises_when_strict() -> None:
    doc = Document("t", (Paragraph(r"see $\weird{x}$", user=True),), (), (Equation(r"\nope"),))
    with pytest.raises(mathml.MathError, match="weird"):
        html.to_html(doc, styled(), strict=True)
    root = ET.fromstring(html.to_html(doc, styled()))
    shown = [e.findtext(f"{M}mtext") for e in root.iter(f"{M}merror")]
    assert shown == [r"\weird{x}", r"\nope"]


def test_prose_keeps_code_and_escapes_the_rest() -> None:
    doc = Document("t", (), (), (Paragraph("use `leaky_relu` < 3 & $x$"),))
    root = page(doc, styled())
    paragraph = root.find(f".//{X}p")
    assert paragraph is not None
    assert paragraph.text == "use "
    assert paragraph[0].tag == f"{X}code" and paragraph[0].text == "leaky_relu"
    assert paragraph[0].tail == " < 3 & "


@pytest.mark.usefixtures("drawn")
def test_both_parts_are_two_sections_and_statement_has_no_steps() -> None:
    style = styled("es", part="both")
    _, doc = document("reference-2-3-1", style)
    root = page(doc, style)
    sections = root.findall(f".//{X}section[@class='part']")
    assert len(sections) == 2
    first, second = doc.parts("both")
    assert len(list(sections[0])) == len(first) and len(list(sections[1])) == len(second)
    statement = styled("es", part="statement")
    root = page(document("reference-2-3-1", statement)[1], statement)
    assert len(root.findall(f".//{X}section")) == 1
    assert annotations(root, block=True) == [m.strip() for m in math_blocks(doc, "statement")]


@pytest.mark.usefixtures("drawn")
def test_numbered_equations_count_up_across_the_parts() -> None:
    style = styled(part="both", numbered=True)
    _, doc = document("cs231n-circuit", style)
    root = page(doc, style)
    tags = [e.text for e in root.iter(f"{X}span") if e.get("class") == "tag"]
    equations = sum(isinstance(b, Equation) for piece in doc.parts("both") for b in piece)
    assert equations > 2
    assert tags == [f"({n})" for n in range(1, equations + 1)]


def test_a_tag_in_the_math_is_its_number() -> None:
    doc = Document("t", (), (), (Equation(r"J = 1 \tag{7}"), Equation("x")))
    root = page(doc, styled())
    assert [e.text for e in root.iter(f"{X}span")] == ["(7)"]


def test_the_diagram_is_inline_svg_by_default_and_off_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Figure] = []

    def svg(figure: Figure, style: Style) -> str:
        seen.append(figure)
        return STUB_SVG

    monkeypatch.setattr(diagram, "svg", svg)
    figure = Figure(trace=None, caption="The network, $W^{(1)}$")
    doc = Document("t", (), (figure,), ())
    root = page(doc, styled())
    found = root.find(f".//{X}figure")
    assert found is not None and seen == [figure]
    assert found.find("{http://www.w3.org/2000/svg}svg") is not None
    assert found.find(f"{X}figcaption/{M}math") is not None
    assert page(doc, styled(diagram=False)).find(f".//{X}figure") is None


def test_a_table_and_a_header() -> None:
    doc = Document(
        "t",
        (),
        (
            Table(
                ("quantity", "value"),
                (("$J$", "$0{,}5$"), ("$\\hat{y}$", "1")),
            ),
        ),
        (),
        header=(("course", "Redes $\\mathbb{R}$"), ("date", "2026")),
    )
    root = page(doc, styled("es"))
    header = root.find(f".//{X}header")
    assert header is not None and [s.get("class") for s in header] == ["course", "date"]
    table = root.find(f".//{X}table")
    assert table is not None
    assert [th.text for th in table.iter(f"{X}th")] == ["quantity", "value"]
    cells = [td.findtext(f".//{M}annotation") for td in table.iter(f"{X}td")]
    assert cells == ["J", "0{,}5", "\\hat{y}", None]


@pytest.mark.usefixtures("drawn")
@pytest.mark.parametrize("name", ["reference-2-3-1", "cs231n-circuit"])
def test_run_writes_the_page(tmp_path: Path, name: str) -> None:
    out = tmp_path / "key.html"
    code, stdout, stderr = invoke("run", name, "--format", "html", "--lang", "es", "-o", str(out))
    assert (code, stdout, stderr) == (0, "", "")
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    assert root.get("lang") == "es" and root.find(f".//{M}math") is not None
    code, stdout, _ = invoke("run", name, "-f", "html")
    assert code == 0 and stdout.startswith("<!DOCTYPE html>")


def test_html_and_pdf_are_formats_of_run_for_both_kinds() -> None:
    from backcalc.render import RENDERERS, formats

    for kind in ("network", "graph"):
        assert RENDERERS[kind, "html"] == RENDERERS[kind, "pdf"] == kind
    assert {"html", "pdf"} <= set(formats("network")) and {"html", "pdf"} <= set(formats("graph"))
    code, stdout, _ = invoke("run", "--help", columns=100)
    assert code == 0 and re.search(r"html,\s+pdf", stdout)


def test_the_html_writer_imports_nothing_heavy() -> None:
    """html, pdf and the converter stay out of rich, typer and yaml (the render layer's rule)."""
    from tests.test_layers import imported_after

    found = imported_after(
        ["backcalc.render.html", "backcalc.render.pdf", "backcalc.render.mathml"]
    )
    assert not {"rich", "typer", "yaml"} & found


@pytest.mark.usefixtures("drawn")
def test_the_python_api_renders_html_and_says_pdf_is_a_file() -> None:
    import backcalc

    result = backcalc.run("reference-2-3-1")
    root = ET.fromstring(result.render("html", lang="es"))
    assert root.get("lang") == "es"
    with pytest.raises(backcalc.BackcalcError, match="--format pdf is not text"):
        result.render("pdf")
