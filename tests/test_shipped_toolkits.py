"""What every toolkit coprod ships must honour, whoever wrote its plugin."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator, Mapping

import pytest

from toolkits_core import Toolkit, load_plugins

SHIPPED = load_plugins(
    strict=True, environ={"COPROD_PLUGINS": "coproduction_star,national_standards"}
)
TOOLKITS = {toolkit.key: toolkit for toolkit in SHIPPED.toolkits()}


def strings_in(value: object) -> Iterator[str]:
    """Every string held anywhere in a definition: fields, sequences and payload schemas."""
    if isinstance(value, enum.Enum):
        yield str(value.value)
    elif isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from strings_in(getattr(value, field.name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def test_both_built_in_toolkits_are_shipped():
    assert sorted(TOOLKITS) == ["coproduction-star", "national-standards"]


@pytest.mark.parametrize("toolkit", TOOLKITS.values(), ids=TOOLKITS.keys())
def test_no_outcomes_star_content_is_shipped(toolkit: Toolkit):
    """The Outcomes Star's licence forbids software that incorporates it."""
    strings = list(strings_in(toolkit))
    assert len(strings) > 100  # the walk really reached the nested definitions
    assert [s for s in strings if "outcomes star" in s.lower()] == []


@pytest.mark.parametrize("toolkit", TOOLKITS.values(), ids=TOOLKITS.keys())
def test_every_toolkit_credits_its_publisher_and_links_its_source(toolkit: Toolkit):
    assert toolkit.publisher.split(" (")[0] in toolkit.attribution
    assert toolkit.source_url in toolkit.attribution
    assert "own words" in toolkit.licence or "written by the coprod project" in toolkit.licence


@pytest.mark.parametrize("toolkit", TOOLKITS.values(), ids=TOOLKITS.keys())
def test_every_description_is_written_out(toolkit: Toolkit):
    """Stages, dimensions, indicators, levels and types all say what they are."""
    texts = [s.guidance for s in toolkit.stages] + [s.summary for s in toolkit.stages]
    texts += [i.text for d in toolkit.dimensions for i in d.indicators]
    texts += [level.summary for scale in toolkit.scales for level in scale.levels]
    texts += [scale.provenance for scale in toolkit.scales]
    empty = [i for i, text in enumerate(texts) if len(text.strip()) < 12]
    assert empty == []


@pytest.mark.parametrize("toolkit", TOOLKITS.values(), ids=TOOLKITS.keys())
def test_every_dimension_has_an_evidence_checklist(toolkit: Toolkit):
    assert all(len(dimension.indicators) >= 3 for dimension in toolkit.dimensions)
