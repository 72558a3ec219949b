"""The kinds of evidence the core knows, and the standard payload schema of each.

Practice guidance asks for evidence of the process as well as the outcomes, in many
forms: people's own words, recordings, pictures, documents, counts and the surprises
nobody planned for. A toolkit's evidence types each pick one of these kinds; a type
that needs a richer payload supplies its own JSON Schema instead of the standard one.
"""

from __future__ import annotations

import copy
import enum
from typing import Any

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_TEXT = {"type": "string", "minLength": 1, "maxLength": 20000}
_SHORT_TEXT = {"type": "string", "minLength": 1, "maxLength": 500}
_HTTP_URL = {"type": "string", "pattern": "^https?://[^\\s]+$", "maxLength": 2000}


class EvidenceKind(enum.StrEnum):
    """What form a piece of evidence takes."""

    NOTE = "note"
    QUOTE = "quote"
    STORY = "story"
    AUDIO = "audio"
    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"
    LINK = "link"
    METRIC = "metric"
    SURVEY_RESULT = "survey_result"
    UNEXPECTED_OUTCOME = "unexpected_outcome"

    @property
    def has_file(self) -> bool:
        """Whether evidence of this kind carries an uploaded file beside its payload."""
        return self in _FILE_KINDS


_FILE_KINDS = frozenset(
    {EvidenceKind.AUDIO, EvidenceKind.PHOTO, EvidenceKind.VIDEO, EvidenceKind.DOCUMENT}
)


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


_STANDARD_SCHEMAS: dict[EvidenceKind, dict[str, Any]] = {
    EvidenceKind.NOTE: _object({"text": _TEXT}, ["text"]),
    EvidenceKind.QUOTE: _object({"text": _TEXT, "context": _SHORT_TEXT}, ["text"]),
    EvidenceKind.STORY: _object({"title": _SHORT_TEXT, "text": _TEXT}, ["title", "text"]),
    EvidenceKind.AUDIO: _object(
        {
            "caption": _SHORT_TEXT,
            "transcript": _TEXT,
            "duration_seconds": {"type": "integer", "minimum": 0},
        },
        ["caption"],
    ),
    EvidenceKind.PHOTO: _object({"caption": _SHORT_TEXT, "alt_text": _SHORT_TEXT}, ["caption"]),
    EvidenceKind.VIDEO: _object(
        {
            "caption": _SHORT_TEXT,
            "transcript": _TEXT,
            "duration_seconds": {"type": "integer", "minimum": 0},
        },
        ["caption"],
    ),
    EvidenceKind.DOCUMENT: _object({"title": _SHORT_TEXT, "summary": _TEXT}, ["title"]),
    EvidenceKind.LINK: _object({"url": _HTTP_URL, "title": _SHORT_TEXT}, ["url"]),
    EvidenceKind.METRIC: _object(
        {
            "name": _SHORT_TEXT,
            "value": {"type": "number"},
            "unit": _SHORT_TEXT,
            "period": _SHORT_TEXT,
        },
        ["name", "value"],
    ),
    EvidenceKind.SURVEY_RESULT: _object(
        {
            "question": _SHORT_TEXT,
            "respondents": {"type": "integer", "minimum": 0},
            "results": {
                "type": "object",
                "additionalProperties": {"type": "number", "minimum": 0},
                "description": "answer label -> count or share",
            },
            "summary": _TEXT,
        },
        ["question", "respondents"],
    ),
    EvidenceKind.UNEXPECTED_OUTCOME: _object(
        {
            "description": _TEXT,
            "who_noticed": _SHORT_TEXT,
            "effect": {"enum": ["positive", "negative", "mixed"]},
        },
        ["description"],
    ),
}


def default_payload_schema(kind: EvidenceKind) -> dict[str, Any]:
    """The core's standard JSON Schema for a kind's payload, as a fresh dict."""
    return copy.deepcopy(_STANDARD_SCHEMAS[kind])
