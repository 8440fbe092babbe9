"""`report.html`: a graded class on one self-contained page (backcalc.render.html's template,
its stylesheet and classreport.css; nothing fetched, no script): the rule in force, who was
graded, the scores as an inline SVG histogram, the most common slips and first wrong steps, a
table of the share of each status per step (with a bar each), the students, and who is missing,
unknown or named another variant."""

from __future__ import annotations

from html import escape
from string import Template
from typing import TYPE_CHECKING

from backcalc.core.grading.classroom import SHARES
from backcalc.render.classwords import ClassText
from backcalc.render.html import _data, stylesheet, tag

if TYPE_CHECKING:
    from backcalc.core.grading.classroom import Bin, ClassGrading, StepShare
    from backcalc.render.style import Style

COLOURS = {  # a status's colour in the bars and the legend
    "correct": "#2e7d32",
    "carried_forward": "#00838f",
    "imprecise": "#c79100",
    "wrong": "#c62828",
    "missing": "#bdbdbd",
}


def report(result: ClassGrading, style: Style | None = None) -> str:
    from backcalc.render.style import Style

    style = style or Style()
    words = ClassText(result, style)
    t = style.t
    title = t("grade.report_title", title=words.title())
    body = [tag("h1", _esc(title))]
    body += [tag("p", _esc(line)) for line in words.rule()]
    body.append(tag("p", _esc(words.roll())))
    if result.graded:
        body += _scores(result, words)
        body += _common(result, words)
        body += _steps(result, words)
        body += _students(result, words)
    body += _lists(result, words)
    section = tag("section", "\n" + "\n".join(body) + "\n", class_="part")
    return Template(_data("html.xhtml")).substitute(
        lang=escape(style.lang),
        title=_esc(title),
        style=stylesheet() + "\n" + _data("classreport.css").strip(),
        body=section,
    )


def _esc(text: str) -> str:
    return escape(text, quote=False)


# -- the score histogram -------------------------------------------------------------------

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 56


def histogram(bins: tuple[Bin, ...], x_label: str, y_label: str) -> str:
    """Bars of the students per score band, their counts on top, a y axis of whole numbers."""
    most = max((b.count for b in bins), default=0) or 1
    step = max(1, -(-most // 5))  # about five gridlines
    top = -(-most // step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(bins)
    parts = []
    for value in range(0, top + 1, step):
        y = TOP + plot_h - plot_h * value / top
        parts.append(_line(LEFT, y, LEFT + plot_w, y, "#e0e0e0"))
        parts.append(_text(LEFT - 6, y + 4, str(value), anchor="end"))
    for i, band in enumerate(bins):
        x = LEFT + i * slot + slot * 0.12
        h = plot_h * band.count / top
        y = TOP + plot_h - h
        parts.append(
            tag(
                "rect",
                tag("title", f"{band.low}–{band.high} %: {band.count}"),
                x=f"{x:.1f}",
                y=f"{y:.1f}",
                width=f"{slot * 0.76:.1f}",
                height=f"{h:.1f}",
                fill="#4a6fa5",
            )
        )
        if band.count:
            parts.append(_text(x + slot * 0.38, y - 4, str(band.count), anchor="middle"))
        label = f"{band.low}–{band.high}"
        parts.append(_text(x + slot * 0.38, TOP + plot_h + 16, label, anchor="middle", size=11))
    parts.append(_line(LEFT, TOP + plot_h, LEFT + plot_w, TOP + plot_h, "#1a1a1a"))
    parts.append(_line(LEFT, TOP, LEFT, TOP + plot_h, "#1a1a1a"))
    parts.append(_text(LEFT + plot_w / 2, HEIGHT - 12, x_label, anchor="middle"))
    y_mid = TOP + plot_h / 2
    parts.append(
        tag(
            "text",
            _esc(y_label),
            x="0",
            y="0",
            transform=f"translate(16 {y_mid:.1f}) rotate(-90)",
            **{"text-anchor": "middle", "font-size": "13"},
        )
    )
    return _svg(parts, WIDTH, HEIGHT, role="img")


def _line(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    return tag(
        "line", x1=f"{x1:.1f}", y1=f"{y1:.1f}", x2=f"{x2:.1f}", y2=f"{y2:.1f}", stroke=colour
    )


def _text(x: float, y: float, text: str, anchor: str, size: int = 13) -> str:
    return tag(
        "text",
        _esc(text),
        x=f"{x:.1f}",
        y=f"{y:.1f}",
        **{"text-anchor": anchor, "font-size": str(size)},
    )


def _scores(result: ClassGrading, words: ClassText) -> list[str]:
    t = words.t
    possible = words.marks(result.possible)
    svg = histogram(result.bins, t("grade.axis_score"), t("grade.axis_students"))
    caption = tag("figcaption", _esc(t("grade.histogram_caption", possible=possible)))
    parts = [
        tag("h2", _esc(t("grade.scores_title", possible=possible))),
        tag("figure", svg + caption, class_="histogram"),
    ]
    average = words.average()
    return parts + ([tag("p", _esc(average))] if average else [])


def _common(result: ClassGrading, words: ClassText) -> list[str]:
    t = words.t
    if not result.first_wrong:
        return [tag("p", _esc(t("grade.no_wrong")))]
    slips = "".join(tag("li", _esc(words.common_slip(c))) for c in result.slips)
    steps = "".join(tag("li", _esc(words.common_step(c))) for c in result.first_wrong)
    found = [tag("h2", _esc(t("grade.slips_title"))), tag("ul", slips, class_="flat")]
    return [
        *(found if result.slips else []),
        tag("h2", _esc(t("grade.first_title"))),
        tag("ul", steps, class_="flat"),
    ]


def _steps(result: ClassGrading, words: ClassText) -> list[str]:
    t = words.t
    head = tag("th", _esc(t("grade.column.step")))
    head += "".join(tag("th", _esc(words.status(s)), class_="number") for s in SHARES)
    head += tag("th", "")
    rows = []
    for step in result.steps:
        cells = tag("td", _esc(words.step(step.key)))
        for share in SHARES:
            count = step.counts[share]
            shown = f"{words.percent(count, step.of)} ({count})"
            cells += tag("td", _esc(shown), class_="number")
        cells += tag("td", _bar(step))
        rows.append(tag("tr", cells))
    legend = "".join(
        tag("span", tag("i", "", style=f"background:{COLOURS[s]}") + _esc(words.status(s)))
        for s in SHARES
    )
    body = tag("thead", tag("tr", head)) + tag("tbody", "".join(rows))
    return [
        tag("h2", _esc(t("grade.steps_title", n=len(result.graded)))),
        tag("table", body, class_="results"),
        tag("p", legend, class_="legend"),
    ]


def _bar(step: StepShare, width: int = 140, height: int = 12) -> str:
    """The step's shares as one stacked bar."""
    parts, x = [], 0.0
    for share in SHARES:
        w = width * step.counts[share] / step.of if step.of else 0.0
        if w:
            parts.append(
                tag(
                    "rect",
                    x=f"{x:.1f}",
                    y="0",
                    width=f"{w:.1f}",
                    height=str(height),
                    fill=COLOURS[share],
                )
            )
        x += w
    return _svg(parts, width, height)


def _students(result: ClassGrading, words: ClassText) -> list[str]:
    t = words.t
    names = (
        t("grade.column.student"),
        t("grade.column.variant"),
        t("grade.column.score"),
        t("grade.column.first_wrong"),
        t("grade.column.diagnosis"),
    )
    head = "".join(
        tag("th", _esc(name), **({"class_": "number"} if i == 2 else {}))
        for i, name in enumerate(names)
    )
    rows = []
    for student in result.students:
        cells = [
            words.who(student),
            student.seat.variant,
            words.score(student) or "–",
            words.first_wrong(student),
            words.diagnosis(student),
        ]
        rows.append(
            tag(
                "tr",
                "".join(
                    tag("td", _esc(c), **({"class_": "number"} if i == 2 else {}))
                    for i, c in enumerate(cells)
                ),
            )
        )
    body = tag("thead", tag("tr", head)) + tag("tbody", "".join(rows))
    return [tag("h2", _esc(t("grade.students_title"))), tag("table", body, class_="results")]


def _lists(result: ClassGrading, words: ClassText) -> list[str]:
    t = words.t
    groups = (
        ("grade.missing_title", [words.who(s) for s in result.missing]),
        ("grade.unknown_title", [words.unknown(u) for u in result.unknown]),
        ("grade.wrong_variant_title", [words.wrong_variant(s) for s in result.wrong_variant]),
    )
    parts = []
    for key, items in groups:
        if items:
            parts.append(tag("h2", _esc(t(key, n=len(items)))))
            parts.append(tag("ul", "".join(tag("li", _esc(i)) for i in items), class_="flat"))
    return parts


def _svg(parts: list[str], width: float, height: float, **extra: str) -> str:
    """An inline SVG drawing of `parts`, `width` × `height` pixels."""
    return tag(
        "svg",
        "".join(parts),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=str(width),
        height=str(height),
        **extra,
    )
