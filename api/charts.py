"""Pictures of a case study, drawn by pygal as SVG: a radar of the assessments, a timeline.

Each chart comes with a text alternative (``Chart.text``) that says what the picture
shows, for people who cannot see it and for print. The SVG carries it too, as its
``<title>`` and ``<desc>`` named by ``aria-labelledby``, so it stands alone. pygal's
tooltip script is taken out: the chart is a picture, and a page's Content-Security-Policy
then needs to allow no script at all.
"""

from __future__ import annotations

import datetime as dt
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pygal
from pygal.style import Style

from toolkits_core.service import CaseStudyContent

# pygal puts an import hook on sys.meta_path for its world-map plugins, which coprod does
# not use. The hook has only the old find_module, so every later import that reaches it
# raises an ImportWarning (an error where warnings are errors, as in the tests). Take it
# out again; nothing of pygal that coprod uses imports through it.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != "pygal"]

SVG = "http://www.w3.org/2000/svg"
LAYERS_PER_PERSPECTIVE = 3
"""The radar shows each perspective's latest three assessments: change over time without
a tangle of lines."""

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#000000",
    foreground_subtle="#4d4d4d",
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=16,
    colors=("#1b5e20", "#0d47a1", "#b71c1c", "#4a148c", "#e65100", "#006064", "#3e2723"),
)


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    title: str
    text: str
    """The text alternative: everything the picture shows, in words."""
    svg: str


def radar(content: CaseStudyContent) -> Chart:
    """The assessments on the toolkit's dimensions, one layer per perspective and date."""
    dimensions = list(content.dimensions)
    title = "Assessments by perspective over time"
    layers = _layers(content)
    chart = pygal.Radar(
        style=_STYLE,
        fill=False,
        js=[],
        disable_xml_declaration=True,
        no_prefix=True,
        width=760,
        height=560,
        title=title,
        truncate_legend=-1,
        truncate_label=-1,
        legend_at_bottom=True,
        show_dots=True,
        dots_size=4,
        range=_range(content),
    )
    chart.x_labels = [name for _, name in dimensions]
    for label, ratings in layers:
        chart.add(label, [_number(ratings.get(key)) for key, _ in dimensions])
    if not dimensions:
        described = "No dimensions to show: the toolkit is not installed."
    elif not layers:
        described = "No assessments recorded yet on " + ", ".join(n for _, n in dimensions) + "."
    else:
        low, high = _range(content) or ("", "")
        described = (
            f"Radar of {len(layers)} assessment(s) on {len(dimensions)} dimensions "
            f"({', '.join(name for _, name in dimensions)}), rated {low} to {high}. "
            + " ".join(
                f"{label}: "
                + ", ".join(f"{name} {_shown(ratings.get(key))}" for key, name in dimensions)
                + "."
                for label, ratings in layers
            )
        )
    return Chart("radar", title, described, _accessible(chart, title, described, "radar"))


def timeline(content: CaseStudyContent) -> Chart:
    """The stages moved into and the activities done, over time, a row per stage."""
    title = "Timeline of stages and activities"
    stages = [stage.name for stage in content.toolkit.stages] if content.toolkit else []
    for step in content.steps:  # stages the toolkit no longer has, after its own
        if step.stage_name not in stages:
            stages.append(step.stage_name)
    row = {name: index for index, name in enumerate(stages, start=1)}
    chart = pygal.DateLine(
        style=_STYLE,
        js=[],
        disable_xml_declaration=True,
        no_prefix=True,
        width=760,
        height=420,
        title=title,
        truncate_legend=-1,
        truncate_label=-1,
        legend_at_bottom=True,
        x_label_rotation=20,
        dots_size=5,
        range=(0.5, len(stages) + 0.5) if stages else None,
        x_value_formatter=lambda day: day.isoformat(),
    )
    chart.y_labels = [{"label": name, "value": index} for name, index in row.items()]
    dated = [step for step in content.steps if step.on is not None]
    for kind, label, stroke in (
        ("stage", "Moved into a stage", True),
        ("activity", "Activities", False),
    ):
        points = [(step.on, row.get(step.stage_name)) for step in dated if step.kind == kind]
        chart.add(label, points, stroke=stroke, show_dots=True)
    if not dated:
        described = "Nothing dated to show yet."
    else:
        described = (
            f"Timeline from {_day(dated[0].on)} to {_day(dated[-1].on)}: "
            + "; ".join(f"{_day(step.on)}, {step.what} ({step.stage_name})" for step in dated)
            + "."
        )
    return Chart("timeline", title, described, _accessible(chart, title, described, "timeline"))


def charts(content: CaseStudyContent) -> dict[str, Chart]:
    return {chart.key: chart for chart in (radar(content), timeline(content))}


def _layers(content: CaseStudyContent) -> list[tuple[str, dict[str, Any]]]:
    by_perspective: dict[str, list[tuple[dt.date, dict[str, Any]]]] = {}
    for rating in content.ratings:  # oldest first
        by_perspective.setdefault(rating.perspective, []).append(
            (rating.assessed_on, dict(rating.ratings))
        )
    layers = []
    for perspective, taken in sorted(by_perspective.items()):
        for on, ratings in taken[-LAYERS_PER_PERSPECTIVE:]:
            layers.append((f"{perspective.replace('_', ' ')}, {on.isoformat()}", ratings))
    return layers


def _range(content: CaseStudyContent) -> tuple[int, int] | None:
    if content.toolkit is None or not content.ratings:
        return None
    scale = content.toolkit.scale(content.ratings[-1].scale)
    if scale is None or not scale.levels:
        return None
    values = [level.value for level in scale.levels]
    return min(values), max(values)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _shown(value: Any) -> str:
    number = _number(value)
    return "not rated" if number is None else f"{number:g}"


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else "undated"


def _accessible(chart: Any, title: str, described: str, key: str) -> str:
    """pygal's SVG without its script, named by a title and described by the text."""
    ET.register_namespace("", SVG)
    root = ET.fromstring(chart.render(is_unicode=True))
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{SVG}}}script" or child.get("style") == "opacity: 0":
                parent.remove(child)
    chart_id = f"chart-{key}"
    root.set("id", chart_id)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    desc = ET.Element(f"{{{SVG}}}desc", {"id": f"{chart_id}-desc"})
    desc.text = described
    heading = ET.Element(f"{{{SVG}}}title", {"id": f"{chart_id}-title"})
    heading.text = title
    root.insert(0, desc)
    root.insert(0, heading)
    return ET.tostring(root, encoding="unicode")
