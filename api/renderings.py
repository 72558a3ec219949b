"""A case study as Markdown and as a standalone, printable HTML page (Jinja2 templates).

What came from people (section texts, quotes, stories, transcripts, captions) is
sanitised by nh3 with no tags allowed: it shows as text, never as markup, in both. The
page stands alone: its CSS is inline (allowed by hash in its Content-Security-Policy,
``page_policy``), its charts are inline SVG, and its audio and video come from
``media_url``: the organisation's file download, or the library's public copy.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from html import unescape
from typing import Any
from urllib.parse import urlencode

import jinja2
import nh3
from markupsafe import Markup

from api.charts import Chart

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("api", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.ChainableUndefined,
)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#|>])")


def _as_text(value: object) -> str:
    """A value as text, where only nothing is empty: a measure or a gap of 0 shows as 0."""
    return "" if value is None else str(value)


def clean(text: object) -> str:
    """People's text with every tag taken out and the rest escaped for HTML."""
    return nh3.clean(_as_text(text), tags=set())


def paragraphs(text: object) -> Markup:
    """People's text as HTML paragraphs, split at blank lines."""
    parts = [part.strip() for part in re.split(r"\n\s*\n", _as_text(text)) if part.strip()]
    return Markup("".join(f"<p>{clean(part)}</p>" for part in parts))


def inline(text: object) -> Markup:
    return Markup(clean(text))


def markdown_text(text: object) -> str:
    """People's text for Markdown: no markup of theirs survives, as HTML or as Markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", clean(text))


_ENVIRONMENT.filters.update(paragraphs=paragraphs, inline=inline, md=markdown_text)


def markdown(document: dict[str, Any], charts: dict[str, Chart]) -> str:
    return _ENVIRONMENT.get_template("case_study.md").render(doc=document, charts=charts)


def html(
    document: dict[str, Any],
    charts: dict[str, Chart],
    media_url: Callable[[str], str],
    back_link: str | None = None,
) -> str:
    return _ENVIRONMENT.get_template("case_study.html").render(
        doc=document,
        charts={key: (chart, Markup(chart.svg)) for key, chart in charts.items()},
        media_url=media_url,
        back_link=back_link,
    )


def library_page(
    entries: Sequence[Any], asked: Mapping[str, str], next_query: Mapping[str, str] | None
) -> str:
    """The library's front page: the search form, filled in as asked, and the results."""
    return _ENVIRONMENT.get_template("library.html").render(
        entries=entries,
        asked=asked,
        next_link="/library?" + urlencode(next_query) if next_query else None,
    )


def not_found_page() -> str:
    return _ENVIRONMENT.get_template("not_found.html").render()


def _style_texts(page: str) -> list[str]:
    """The text of each ``<style>`` as the browser hashes it: an HTML page's own style is
    raw text, but an inline SVG's (and a standalone SVG's) is parsed, its entities
    decoded, so both forms are allowed."""
    found = _STYLE.findall(page)
    return [*found, *(unescape(style) for style in found)]


def page_policy(page: str, *, media: str = "'self'") -> str:
    """The Content-Security-Policy of a page of ours: its inline styles by hash, its own
    media; no script, no frames, no forms, nothing else."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
        for style in dict.fromkeys(_style_texts(page))
    )
    return (
        f"default-src 'none'; style-src {hashes}; img-src 'self' data:; media-src {media}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
