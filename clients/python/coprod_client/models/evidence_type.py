from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.evidence_type_kind import EvidenceTypeKind

if TYPE_CHECKING:
    from ..models.evidence_type_payload_schema import EvidenceTypePayloadSchema


T = TypeVar("T", bound="EvidenceType")


@_attrs_define
class EvidenceType:
    """
    Attributes:
        has_file (bool): Whether it carries a file (PUT /evidence/{id}/file).
        key (str): The type's key: what evidence's evidence_type names.
        kind (EvidenceTypeKind): The form it takes, one of the core's kinds.
        name (str): Its name, for people.
        payload_schema (EvidenceTypePayloadSchema): The JSON Schema (draft 2020-12) its payload must match; also at GET
            /toolkits/{key}/evidence-types/{evidence_type}/schema.
        stages (list[str]): Keys of the stages it is gathered in (empty: any stage).
        summary (str): What it is.
    """

    has_file: bool
    key: str
    kind: EvidenceTypeKind
    name: str
    payload_schema: EvidenceTypePayloadSchema
    stages: list[str]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        has_file = self.has_file

        key = self.key

        kind = self.kind.value

        name = self.name

        payload_schema = self.payload_schema.to_dict()

        stages = self.stages

        summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "has_file": has_file,
                "key": key,
                "kind": kind,
                "name": name,
                "payload_schema": payload_schema,
                "stages": stages,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.evidence_type_payload_schema import EvidenceTypePayloadSchema  # noqa: PLC0415

        d = dict(src_dict)
        has_file = d.pop("has_file")

        key = d.pop("key")

        kind = EvidenceTypeKind(d.pop("kind"))

        name = d.pop("name")

        payload_schema = EvidenceTypePayloadSchema.from_dict(d.pop("payload_schema"))

        stages = cast(list[str], d.pop("stages"))

        summary = d.pop("summary")

        evidence_type = cls(
            has_file=has_file,
            key=key,
            kind=kind,
            name=name,
            payload_schema=payload_schema,
            stages=stages,
            summary=summary,
        )

        return evidence_type
