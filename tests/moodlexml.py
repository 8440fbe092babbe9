"""A strict reader of Moodle XML, as Moodle's importer reads it. Moodle publishes no schema (XSD
or DTD) for the format, and no community one is in use; this follows the documented format
(docs.moodle.org: "Moodle XML format", "Embedded Answers (Cloze) question type") and the code
that imports it, in moodle/moodle:

- question/format/xml/format.php: `readquestions` (the root `quiz`, its `question`s),
  `import_question` (the `type` attribute), `import_category` (`category/text`; an `info` must
  carry `format`), `import_multianswer` (`name/text`, `questiontext` with `format` and `text`,
  `generalfeedback`, `penalty`; a Cloze question's mark is the sum of its sub-questions'
  weights), `trans_format` (the format names);
- question/format.php: `split_category_path` (`/` separates names, `//` is a slash in one);
- question/type/multianswer/questiontype.php: the regular expressions, ported below unchanged
  but for Python's fixed-width look-behinds, `qtype_multianswer_extract_question` (the loop that
  takes the sub-questions out of the text, and the decoding of a feedback) and
  `qtype_multianswer_validate_question` (a NUMERICAL answer is a number; a 100 % answer exists).

Stricter than Moodle where Moodle would import something other than what was meant: no text
left that looks like a broken sub-question, every sub-question alone in the `<span title=...>`
backcalc writes it in (a `}` that ends one early leaves text in the span), well-formed HTML
everywhere (the question text around the sub-questions and every feedback once decoded), no
element Moodle would ignore.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

FORMATS = ("moodle_auto_format", "html", "plain_text", "wiki_like", "markdown")
HEADER = '<?xml version="1.0" encoding="UTF-8"?>'

# question/type/multianswer/questiontype.php
FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"  # PHP: (?<!\\\\|&|&amp;)
FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
ALTERNATIVE = f"({FRACTION})?({ANSWER})(#({FEEDBACK}))?"
NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
NUMERICAL = re.compile(f"^({NUMBER})(:{NUMBER})?$", re.S)
TYPES = (
    "(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|"
    "(SHORTANSWER|SA|MW)|(SHORTANSWER_C|SAC|MWC)|"
    "(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|(MULTICHOICE_HS|MCHS)|"
    "(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|(MULTIRESPONSE_HS|MRHS)"
)
START = r"\{([0-9]*):(" + TYPES + "):"
SUBQUESTION = re.compile(START + "(" + ALTERNATIVE + "(~" + ALTERNATIVE + ")*)\\}", re.S)
ALTERNATIVES_GROUP = 16  # ANSWER_REGEX_ALTERNATIVES: 2 + the 13 types + 1
ONE_ALTERNATIVE = re.compile("~?" + ALTERNATIVE, re.S)
BROKEN = re.compile(r"\{[0-9]*:[A-Z_]+:")  # a sub-question's start left in the text


@dataclass(frozen=True)
class Alternative:
    fraction: float  # 1.0 for `=`
    value: float
    tolerance: float
    answer: str  # as written: value:tolerance
    feedback: str  # decoded as Moodle stores it (HTML)

    def holds(self, response: float) -> bool:
        """Moodle's nominal tolerance (qtype_numerical_answer::within_tolerance, its epsilon
        left out)."""
        return abs(response - self.value) <= self.tolerance

    @property
    def shown(self) -> str:
        """The feedback as the student reads it."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.feedback))


@dataclass(frozen=True)
class SubQuestion:
    weight: int
    title: str  # the span's title around it: the entry it asks for
    alternatives: tuple[Alternative, ...]

    def first(self, response: float) -> Alternative | None:
        """The answer Moodle takes for a response: the first that holds it."""
        return next((a for a in self.alternatives if a.holds(response)), None)

    @property
    def correct(self) -> Alternative:
        return self.alternatives[0]


@dataclass(frozen=True)
class Question:
    kind: str
    name: str = ""
    text: str = ""  # the question text with the sub-questions taken out ({#1}, ...)
    general_feedback: str = ""
    default_grade: float | None = None
    penalty: float = 0.0
    category: tuple[str, ...] = ()  # a category question's path, name by name
    subquestions: tuple[SubQuestion, ...] = field(default=())

    def by_title(self) -> dict[str, SubQuestion]:
        return {sub.title: sub for sub in self.subquestions}


def read(text: str) -> list[Question]:
    """Every question of a Moodle XML file, checked; an AssertionError names what is wrong."""
    assert text.startswith(HEADER + "\n"), "the XML declaration must be the first line"
    root = ET.fromstring(text)
    assert root.tag == "quiz", f"the root is <{root.tag}>, not <quiz>"
    found = []
    for element in root:
        assert element.tag == "question", f"<quiz> holds <{element.tag}>"
        kind = element.get("type")
        if kind == "category":
            found.append(_category(element))
        else:
            assert kind == "cloze", f"a question of type {kind!r}"
            found.append(_cloze(element))
    return found


def _children(element: ET.Element, allowed: set[str], required: set[str]) -> None:
    tags = [child.tag for child in element]
    assert len(tags) == len(set(tags)), f"repeated elements in <{element.tag}>: {tags}"
    assert set(tags) <= allowed, f"<{element.tag}> holds {sorted(set(tags) - allowed)}"
    assert required <= set(tags), f"<{element.tag}> lacks {sorted(required - set(tags))}"


def _text(element: ET.Element | None, what: str) -> str:
    assert element is not None, f"no <{what}>"
    inner = element.find("text")
    assert inner is not None, f"<{what}> has no <text>"
    assert list(inner) == [], f"<{what}><text> holds elements (HTML outside CDATA?)"
    return (inner.text or "").strip()


def _category(element: ET.Element) -> Question:
    _children(element, {"category", "info", "idnumber"}, {"category"})
    path = _text(element.find("category"), "category")
    names = [name.replace("//", "/").strip() for name in re.split(r"(?<!/)/(?!/)", path)]
    assert names[0] == "$course$", f"a category path outside the course: {path!r}"
    assert all(names), f"an empty category name in {path!r}"
    info = element.find("info")
    if info is not None:
        assert info.get("format") in FORMATS, "<info> needs a format (import_category reads it)"
        _well_formed(_text(info, "info"), "the category's info")
    return Question("category", category=tuple(names))


def _cloze(element: ET.Element) -> Question:
    allowed = {"name", "questiontext", "generalfeedback", "defaultgrade", "penalty", "hidden"}
    _children(element, allowed, allowed - {"defaultgrade"})
    name = _text(element.find("name"), "name")
    assert name and len(name) <= 255, f"a question name of {len(name)} characters"
    body = element.find("questiontext")
    assert body is not None and body.get("format") == "html", "questiontext format is not html"
    general = element.find("generalfeedback")
    assert general is not None and general.get("format") in FORMATS
    penalty = float(element.findtext("penalty", ""))
    assert 0 <= penalty <= 1, f"penalty {penalty}"
    assert element.findtext("hidden") in ("0", "1")
    text, subquestions = extract(_text(body, "questiontext"))
    grade = element.findtext("defaultgrade")
    weights = sum(sub.weight for sub in subquestions)
    if grade is not None:  # Moodle ignores it for a Cloze question: it must say the same
        assert float(grade) == weights, f"defaultgrade {grade}, the weights add up to {weights}"
    feedback = _text(general, "generalfeedback")
    _well_formed(feedback, "the general feedback")
    return Question("cloze", name, text, feedback, weights, penalty, (), tuple(subquestions))


def extract(text: str) -> tuple[str, list[SubQuestion]]:
    """The sub-questions taken out of a Cloze text, as qtype_multianswer_extract_question does,
    then validated as qtype_multianswer_validate_question does, and more strictly."""
    raw: list[tuple[int, str, list[Alternative]]] = []
    position = 1
    while match := SUBQUESTION.search(text):
        assert match.group(3), f"sub-question {position} is not NUMERICAL: {match.group(0)[:60]}"
        raw.append((position, match.group(0), _alternatives(match.group(ALTERNATIVES_GROUP))))
        text = text.replace(match.group(0), f"{{#{position}}}", 1)
        position += 1
    assert not BROKEN.search(text), f"a broken sub-question left in the text: {text[:200]}"
    titles = {
        int(number): html.unescape(title)
        for title, number in re.findall(r'<span title="([^"]*)">\{#(\d+)\}</span>', text)
    }
    assert sorted(titles) == [number for number, _, _ in raw], (
        "a sub-question not alone in its <span title=...> (a brace ended one early?)"
    )
    _well_formed(re.sub(r"\{#\d+\}", "<input/>", text), "the question text")
    found = []
    for number, whole, alternatives in raw:
        assert alternatives, f"sub-question {number} has no answer"
        assert any(a.fraction == 1 for a in alternatives), f"no 100 % answer in {whole[:80]}"
        weight = int(whole[1 : whole.index(":")] or "1")
        found.append(SubQuestion(weight, titles.get(number, ""), tuple(alternatives)))
    return text, found


def _alternatives(written: str) -> list[Alternative]:
    found = []
    remaining = written
    while match := ONE_ALTERNATIVE.search(remaining):
        percent = (match.group(2) or "0").replace(",", ".")  # Moodle: .01 * the percentile
        fraction = 1.0 if match.group(1) == "=" else 0.01 * float(percent)
        answer = match.group(3)
        number = NUMERICAL.match(answer)
        assert number, f"a NUMERICAL answer that is not a number: {answer!r}"
        assert number.group(5), f"an answer without a tolerance: {answer!r}"
        value, tolerance = answer.split(":")
        feedback = match.group(5) or ""
        feedback = html.unescape(feedback).replace("\\}", "}").replace("\\#", "#")
        assert "\\~" not in feedback, f"an escape Moodle keeps: {feedback!r}"
        _well_formed(feedback, f"the feedback {feedback!r}")
        found.append(Alternative(fraction, float(value), float(tolerance), answer, feedback))
        remaining = remaining.split(match.group(0), 1)[1]
    return found


def _well_formed(fragment: str, what: str) -> None:
    try:
        ET.fromstring(f"<div>{fragment}</div>")
    except ET.ParseError as error:
        raise AssertionError(f"{what} is not well-formed HTML: {error}") from None
