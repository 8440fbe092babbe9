"""The LaTeX format: a complete document for pdflatex with only amsmath, amssymb and geometry
(all in texlive-latex-base), and babel's hyphenation for the document's language when the
installation has it.

Page breaks fall where a reader expects them: a lead-in sentence and its display are one
paragraph (TeX never breaks just before a display, nor before a paragraph's last line); a
derivation (a top-level `aligned` chain) is an `align*`, which may break between its lines but
never inside a matrix."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from backcalc.render import latexchars
from backcalc.render.document.blocks import (
    Document,
    Equation,
    Figure,
    Heading,
    Paragraph,
    Summary,
    Table,
)
from backcalc.render.document.mathtex import MAX_COLUMNS
from backcalc.render.document.prose import pieces

if TYPE_CHECKING:
    from backcalc.render.document.build import Documented
    from backcalc.render.style import Style


def network(trace: Documented, style: Style | None = None) -> str:
    """A network's or a graph's solution document (and, by the same builder, a set of
    variants' key, a student's feedback: render.document.build)."""
    from backcalc.render.document.build import document

    return to_latex(document(trace, style), style)


graph = key = network


def prose(text: str, user: bool = False) -> str:
    """Prose for LaTeX: text printed as written (specials escaped, Unicode made printable),
    inline math kept, with its Unicode symbols as commands (see document.prose); in the
    builders' prose a `code` span (a spec's identifier) is typewriter text, as in Markdown."""
    return "".join(
        f"${latexchars.math(part)}$" if math else _text(part, code=not user)
        for math, part in pieces(text, user)
    )


def _text(text: str, code: bool) -> str:
    if not code or "`" not in text:
        return latexchars.text(text)
    parts = re.split(r"`([^`\n]+)`", text)
    return "".join(
        rf"\texttt{{{latexchars.text(part)}}}" if index % 2 else latexchars.text(part)
        for index, part in enumerate(parts)
    )


# babel for the language's hyphenation, loaded only if installed (texlive-lang-*), as the locale
# file names it (`document.babel`: the language, then its options). Spanish keeps `.` and `<`,
# `>` as they are (no shorthands, no decimal-dot mechanism) and the operators as in every other
# format (`max`, not `máx`): es-minimal, es-noshorthands.
PREAMBLE = rf"""\documentclass[11pt]{{article}}
\usepackage[utf8]{{inputenc}}
%(babel)s
\usepackage{{amsmath,amssymb}}
\usepackage[a4paper,margin=2.2cm]{{geometry}}
\setcounter{{MaxMatrixCols}}{{{MAX_COLUMNS}}}
\setlength{{\parindent}}{{0pt}}
\setlength{{\parskip}}{{0.5em}}
\allowdisplaybreaks
\clubpenalty=10000
\widowpenalty=10000
\displaywidowpenalty=10000
"""


def preamble(style: Style) -> str:
    """The preamble, with babel for the style's language when the installation has it."""
    options = style.t("document.babel")
    language = options.split(",")[0].strip()
    babel = rf"\IfFileExists{{{language}.ldf}}{{\usepackage[{options}]{{babel}}}}{{}}"
    return PREAMBLE.replace("%(babel)s", babel)


def to_latex(document: Document, style: Style | None = None) -> str:
    from backcalc.render.style import Style

    style = style or Style()
    writer = _Writer(document, style)
    lines = [preamble(style), r"\begin{document}", ""]
    if style.doc.diagram:  # TikZ (texlive-pictures) only when a picture is drawn
        lines[0] += "\\usepackage{tikz}\n"
    for number, piece in enumerate(document.parts(style.doc.part)):
        if number:
            lines += [r"\clearpage", ""]
        previous: object = None
        for block in piece:
            written = writer.block(block)
            if isinstance(block, Equation | Summary) and isinstance(previous, Paragraph):
                lines.pop()  # the blank line: the lead-in and its display are one paragraph
            lines += written
            previous = block
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


class _Writer:
    def __init__(self, document: Document, style: Style) -> None:
        self.document = document
        self.numbered = style.doc.numbered
        self.style = style

    def block(self, block: object) -> list[str]:
        if isinstance(block, Heading):
            return self.heading(block)
        if isinstance(block, Paragraph):
            return [prose(block.text, block.user), ""]
        if isinstance(block, Equation):
            return [*display(block.math, self.numbered), ""]
        if isinstance(block, Table):
            columns = "l" * len(block.header)
            rows = [" & ".join(prose(cell) for cell in row) + r" \\" for row in block.rows]
            head = " & ".join(prose(cell) for cell in block.header) + r" \\ \hline"
            return [rf"\begin{{tabular}}{{{columns}}}", head, *rows, r"\end{tabular}", ""]
        if isinstance(block, Figure):
            return self.figure(block)
        lines: list[str] = []
        for item in block.items:  # type: ignore[attr-defined]
            lines += [*display(rf"\boxed{{{item}}}", self.numbered), ""]
        return lines

    def figure(self, figure: Figure) -> list[str]:
        """The diagram as TikZ, centred (only with --diagram: LaTeX's default is none)."""
        if not self.style.doc.diagram:
            return []
        from backcalc.render import diagram

        picture = diagram.tikz(figure, self.style).strip()
        caption = [prose(figure.caption)] if figure.caption else []
        return [r"\begin{center}", picture, *caption, r"\end{center}", ""]

    def heading(self, block: Heading) -> list[str]:
        if block.level > 1:
            command = "section" if block.level == 2 else "subsection"
            return [rf"\{command}*{{{prose(block.text)}}}", ""]
        lines = [r"\begin{center}", rf"{{\Large\bfseries {prose(block.text, user=True)}\par}}"]
        header = [prose(value, user=True) for _, value in self.document.header]
        if header and self.document.head[:1] and self.document.head[0] is block:  # the title
            lines += [r"\medskip", " \\\\\n".join(header)]
        return [*lines, r"\end{center}", ""]


_ALIGNED = re.compile(r"\A\\begin\{aligned\}\n(.*)\n\\end\{aligned\}\Z", re.S)


def display(math: str, numbered: bool = False) -> list[str]:
    """Display math: a top-level `aligned` chain as a breakable align* (numbered on its last
    line with `numbered`), anything else as \\[...\\] (an equation)."""
    math = latexchars.math(math)
    chain = _ALIGNED.match(math)
    if chain and "\\begin{aligned}" not in chain.group(1):
        rows = rows_of(chain.group(1))
        if numbered:
            rows = [*(row + r" \notag" for row in rows[:-1]), rows[-1]]
        environment = "align" if numbered else "align*"
        return [rf"\begin{{{environment}}}", _joined(rows), rf"\end{{{environment}}}"]
    if numbered:
        return [r"\begin{equation}", math, r"\end{equation}"]
    return [r"\[", math, r"\]"]


def _joined(rows: list[str]) -> str:
    """The rows of a derivation, breakable between its lines but never after its first line or
    before its last (`\\\\*`), so no line is left alone at a page's bottom or top: one of up
    to three lines stays whole."""
    if len(rows) < 2:
        return "".join(rows)
    breaks = [r" \\*" if i in (0, len(rows) - 2) else r" \\" for i in range(len(rows) - 1)]
    return "".join(row + mark + "\n" for row, mark in zip(rows, breaks, strict=False)) + rows[-1]


def rows_of(body: str) -> list[str]:
    """The rows of an alignment: split at the `\\\\` that no group or environment holds."""
    rows, depth, start = [], 0, 0
    for match in re.finditer(r"\\begin\{[^}]*\}|\\end\{[^}]*\}|\\\\|\\[{}]|[{}]", body):
        token = match.group()
        if token == "{" or token.startswith("\\begin"):
            depth += 1
        elif token == "}" or token.startswith("\\end"):
            depth -= 1
        elif token == "\\\\" and depth == 0:
            rows.append(body[start : match.start()].strip())
            start = match.end()
    rows.append(body[start:].strip())
    return rows
