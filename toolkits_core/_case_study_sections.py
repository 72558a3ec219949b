"""Toolkit-specific case-study sections: what plugins may add, and the checks on it.

A plugin that knows its toolkit can say things the core's sections cannot: how the work
divided between the groups its dimensions fall into, or how each standard was scored at
review. It says them as
data, never markup: paragraphs of plain text, a table, a list of measures on a scale,
and citations of evidence by id. The core checks every section (``section_problems``),
takes out citations that the case study's use does not allow, and renders the rest as
JSON, Markdown and HTML, escaping and sanitising exactly as for its own sections.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from toolkits_core._frozen import freeze_fields
from toolkits_core._views import EvidenceView

SECTION_KEY = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
SECTION_KEY_LENGTH = 40
TITLE_LENGTH = 200
TEXT_LENGTH = 5_000
CELL_LENGTH = 500
MAX_SECTIONS = 10
MAX_BLOCKS = 30
MAX_ROWS = 200
MAX_COLUMNS = 12
MAX_MEASURES = 50
MAX_CITED = 30


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of plain text (no markup: it is shown as text, escaped)."""

    text: str


@dataclass(frozen=True, slots=True)
class Table:
    """A table with a header row: ``rows`` hold texts or numbers (``None`` is an empty cell),
    as many in each row as there are ``columns``."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str | int | float | None]]
    caption: str = ""

    def __post_init__(self) -> None:
        freeze_fields(self, "columns", "rows")


@dataclass(frozen=True, slots=True)
class Measure:
    """One figure: ``value`` on ``scale`` (for example ``"1 unsatisfactory to 6 excellent"``,
    ``"activities"``), ``None`` when there is none yet."""

    label: str
    value: int | float | None
    scale: str = ""


@dataclass(frozen=True, slots=True)
class Measures:
    """A list of measures, shown as a labelled list."""

    items: Sequence[Measure]
    caption: str = ""

    def __post_init__(self) -> None:
        freeze_fields(self, "items")


@dataclass(frozen=True, slots=True)
class Citations:
    """Evidence cited by id (evidence of the same initiative). The core shows each only
    while its consent allows the case study's use, exactly as for its own sections."""

    evidence_ids: Sequence[str]
    caption: str = ""

    def __post_init__(self) -> None:
        freeze_fields(self, "evidence_ids")


Block = Paragraph | Table | Measures | Citations
BLOCK_TYPES: tuple[type, ...] = (Paragraph, Table, Measures, Citations)


@dataclass(frozen=True, slots=True)
class CaseStudySection:
    """A toolkit-specific section of a case study.

    ``key`` is stable (lower-case words joined by hyphens, not one of the core's section
    keys): people's own text for the section is stored under it. ``asks`` says what people
    editing it might add.
    """

    key: str
    title: str
    blocks: Sequence[Block] = ()
    asks: str = ""

    def __post_init__(self) -> None:
        freeze_fields(self, "blocks")


@dataclass(frozen=True, slots=True)
class CaseStudyView:
    """The case study a plugin adds sections to.

    ``use`` is ``"organisation"`` (read inside the organisation) or ``"publication"`` (the
    network library): the initiative view handed beside it holds only the evidence that
    use allows. ``cited`` holds the evidence the case study cites (people chose it: the
    voices and outcomes it tells its story with) that the use allows, in its order, so a
    section can cite from it without reading the whole initiative. ``imagined`` is true
    for a futuring case study.
    """

    id: str | None
    kind: str
    dated_on: dt.date
    use: str
    cited: Sequence[EvidenceView] = ()

    def __post_init__(self) -> None:
        freeze_fields(self, "cited")

    @property
    def imagined(self) -> bool:
        return self.kind == "futuring"


def section_problems(section: object, reserved: Sequence[str]) -> list[str]:
    """Every way ``section`` is not a section the core can show, one line each."""
    if not isinstance(section, CaseStudySection):
        return [f"returned {section!r}, expected a CaseStudySection"]
    problems: list[str] = []
    key = section.key
    if not (isinstance(key, str) and SECTION_KEY.match(key) and len(key) <= SECTION_KEY_LENGTH):
        problems.append(
            f"section key {key!r} is not lower-case words joined by hyphens "
            f"(up to {SECTION_KEY_LENGTH} characters)"
        )
    elif key in reserved:
        problems.append(f"section key {key!r} is one of the core's sections")
    label = f"section {key!r}"
    problems += _text_problems(f"{label} title", section.title, TITLE_LENGTH, required=True)
    problems += _text_problems(f"{label} asks", section.asks, TEXT_LENGTH)
    blocks = section.blocks
    if not isinstance(blocks, Sequence) or isinstance(blocks, str):
        return [*problems, f"{label} blocks are {blocks!r}, expected a sequence of blocks"]
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{label} has {len(blocks)} blocks, at most {MAX_BLOCKS}")
    for index, block in enumerate(blocks):
        problems += _block_problems(f"{label} block {index}", block)
    return problems


def _block_problems(where: str, block: object) -> list[str]:
    if isinstance(block, Paragraph):
        return _text_problems(f"{where} text", block.text, TEXT_LENGTH, required=True)
    if isinstance(block, Table):
        return _table_problems(where, block)
    if isinstance(block, Measures):
        return _measures_problems(where, block)
    if isinstance(block, Citations):
        problems = _text_problems(f"{where} caption", block.caption, TITLE_LENGTH)
        ids = block.evidence_ids
        if not _sequence(ids) or not all(isinstance(i, str) and i for i in ids):
            return [*problems, f"{where} evidence_ids must be a sequence of evidence ids"]
        if len(ids) > MAX_CITED:
            problems.append(f"{where} cites {len(ids)} pieces of evidence, at most {MAX_CITED}")
        return problems
    names = ", ".join(kind.__name__ for kind in BLOCK_TYPES)
    return [f"{where} is {block!r}, expected one of {names}"]


def _table_problems(where: str, table: Table) -> list[str]:
    problems = _text_problems(f"{where} caption", table.caption, TITLE_LENGTH)
    columns, rows = table.columns, table.rows
    if not _sequence(columns) or not columns or len(columns) > MAX_COLUMNS:
        return [*problems, f"{where} needs 1 to {MAX_COLUMNS} columns"]
    for index, column in enumerate(columns):
        problems += _text_problems(f"{where} column {index}", column, CELL_LENGTH, required=True)
    if not _sequence(rows) or len(rows) > MAX_ROWS:
        return [*problems, f"{where} needs a sequence of at most {MAX_ROWS} rows"]
    for index, row in enumerate(rows):
        if not _sequence(row) or len(row) != len(columns):
            problems.append(f"{where} row {index} does not have {len(columns)} cells")
            continue
        for cell in row:
            if isinstance(cell, str):
                problems += _text_problems(f"{where} row {index}", cell, CELL_LENGTH)
            elif cell is not None and not _number(cell):
                problems.append(f"{where} row {index} has {cell!r}: give text, a number or None")
    return problems


def _measures_problems(where: str, measures: Measures) -> list[str]:
    problems = _text_problems(f"{where} caption", measures.caption, TITLE_LENGTH)
    items = measures.items
    if not _sequence(items) or len(items) > MAX_MEASURES:
        return [*problems, f"{where} needs a sequence of at most {MAX_MEASURES} measures"]
    for index, item in enumerate(items):
        if not isinstance(item, Measure):
            problems.append(f"{where} item {index} is {item!r}, expected a Measure")
            continue
        problems += _text_problems(f"{where} measure {index} label", item.label, CELL_LENGTH, True)
        problems += _text_problems(f"{where} measure {index} scale", item.scale, CELL_LENGTH)
        if item.value is not None and not _number(item.value):
            problems.append(f"{where} measure {index} value {item.value!r} is not a number")
    return problems


def _text_problems(where: str, text: object, most: int, required: bool = False) -> list[str]:
    if not isinstance(text, str):
        return [f"{where} is {text!r}, expected text"]
    if required and not text.strip():
        return [f"{where} is empty"]
    if len(text) > most:
        return [f"{where} has {len(text)} characters, at most {most}"]
    return []


def _sequence(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value
