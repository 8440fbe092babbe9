"""Moodle's embedded-answers (Cloze) syntax, as its importer reads it
(question/type/multianswer/questiontype.php, `qtype_multianswer_extract_question`):

    {weight:NUMERICAL:=value:tolerance#feedback~%fraction%value:tolerance#feedback~...}

`=` is a 100 % answer and `%n%` one worth n %; Moodle takes the first answer whose
[value − tolerance, value + tolerance] holds the response. The value and the tolerance are
numbers with a point (`-?\\d+(\\.\\d*)?(e[+-]?\\d+)?`), whatever the language. A feedback ends at
the first `~` or `}` not preceded by a backslash; the importer then decodes its HTML entities
(html_entity_decode) and turns `\\}` and `\\#` into `}` and `#`, and stores the result as HTML.
So a feedback's own text is written here as HTML, entity-encoded once more (for the decoding),
with `}` and `#` escaped by a backslash as the Moodle documentation says, and `~` and `\\` as the
numeric entities `&#126;` and `&#92;` (a backslash before them would stay in the text).
Outside the sub-questions, a `{` that would read as the start of one (`{1:SA:`) or as Moodle's
own placeholder (`{#1}`) is written as the entity `&#123;` (`guard`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html import escape

_OPENING = re.compile(r"\{(?=[0-9]*:|#)")  # what the importer would take for a sub-question
_TILDE, _BACKSLASH = "\x00t", "\x00b"  # stand-ins while `#` is escaped (entities hold a #)


@dataclass
class Answer:
    """One answer of a NUMERICAL sub-question: its credit in percent, the value and the
    allowance around it, and the feedback as plain text."""

    fraction: int
    value: float
    tolerance: float
    feedback: str
    codes: list[str] = field(default_factory=list)  # the slips it names (0 % answers)

    def holds(self, value: float) -> bool:
        """Whether Moodle would take `value` as this answer."""
        return abs(value - self.value) <= self.tolerance


def numerical(answers: list[Answer], weight: int = 1) -> str:
    """The sub-question `{weight:NUMERICAL:...}`; the first answer is the 100 % one."""
    alternatives: list[str] = []
    for answer in answers:
        credit = "=" if answer.fraction == 100 and not alternatives else f"%{answer.fraction}%"
        text = f"{credit}{number(answer.value)}:{number(answer.tolerance)}"
        if answer.feedback:
            text += "#" + feedback(answer.feedback)
        alternatives.append(text)
    return f"{{{weight}:NUMERICAL:{'~'.join(alternatives)}}}"


def number(value: float) -> str:
    """A finite number as a NUMERICAL answer takes it: a point, no sign for 0, 15 significant
    digits (more than any tolerance here needs)."""
    if not math.isfinite(value):
        raise ValueError(f"a NUMERICAL answer needs a finite number, found {value}")
    if value == 0:
        return "0"
    text = f"{value:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def feedback(text: str) -> str:
    """A feedback's plain text as it goes between `#` and the next `~` or `}`."""
    html = escape(text, quote=False).replace("&", "&amp;")  # decoded once by the importer
    html = html.replace("~", _TILDE).replace("\\", _BACKSLASH)
    html = html.replace("}", "\\}").replace("#", "\\#")
    return html.replace(_TILDE, "&#126;").replace(_BACKSLASH, "&#92;")


def guard(html: str) -> str:
    """HTML outside the sub-questions with no `{` the importer would read as one."""
    return _OPENING.sub("&#123;", html)
