"""Field types shared by the resources' schemas."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

ID_DESCRIPTION = "Opaque id: a type prefix and 26 characters; sorts by creation."


def record_id(description: str = ID_DESCRIPTION) -> ma.fields.String:
    return ma.fields.String(dump_only=True, metadata={"description": description})


def key(description: str, **options: Any) -> ma.fields.String:
    """A key of something the toolkit defines (a stage, a dimension, a type)."""
    return ma.fields.String(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": description},
        **options,
    )


def text(max_length: int, description: str, **options: Any) -> ma.fields.String:
    return ma.fields.String(
        validate=ma.validate.Length(max=max_length),
        metadata={"description": description},
        **options,
    )


class Trimmed(ma.fields.String):
    """A string trimmed before it is validated, so that its limits count what is stored."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        return text.strip() if isinstance(text, str) else text


def trimmed(max_length: int, description: str, *, min_length: int = 0, **options: Any) -> Trimmed:
    """Free text stored trimmed: a limit is on the trimmed text, as the docs state it."""
    return Trimmed(
        validate=ma.validate.Length(min=min_length, max=max_length),
        metadata={"description": description},
        **options,
    )


def title(description: str = "A short title.", **options: Any) -> ma.fields.String:
    return ma.fields.String(
        validate=[ma.validate.Length(min=1, max=200), _not_blank],
        metadata={"description": description},
        **options,
    )


MAX_CYCLE = 10_000
"""Far beyond any real initiative, and well inside what every database column holds."""


def cycle(description: str, *, strict: bool = True, **options: Any) -> ma.fields.Integer:
    """A round of a toolkit's stages: strictly an integer in a JSON body, parsed in a query."""
    return ma.fields.Integer(
        strict=strict,
        validate=ma.validate.Range(min=1, max=MAX_CYCLE),
        metadata={"description": description},
        **options,
    )


def external_ref() -> ma.fields.String:
    return ma.fields.String(
        allow_none=True,
        validate=[ma.validate.Length(min=1, max=200), _not_blank],
        metadata={
            "description": "Your own system's id for this record (for example a CRM id): "
            "unique where it is used, and a filter on lists."
        },
    )


def key_list(description: str) -> ma.fields.List[str]:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
        validate=ma.validate.Length(max=50),
        metadata={"description": description},
    )


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ma.ValidationError("Must not be blank.")


class Timestamps(ma.Schema):
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    version = ma.fields.Integer(
        dump_only=True,
        metadata={"description": "Rises with every change; the ETag is built from it."},
    )
