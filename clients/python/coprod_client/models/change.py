from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.actor import Actor
    from ..models.change_record_type_0 import ChangeRecordType0


T = TypeVar("T", bound="Change")


@_attrs_define
class Change:
    """
    Attributes:
        actor (Actor):
        external_ref (None | str): The record's external_ref just after the change; for a deletion or an erasure, the
            one it had (so that your copy can be found and removed).
        fields (list[str]): For an update, the fields that changed.
        id (str): The event's own id.
        initiative_id (None | str):
        occurred_at (datetime.datetime):
        record (ChangeRecordType0 | None): The record as GET would have shown it just after the change. Null for a
            tombstone (a deletion or an erasure), and once the feed's retention has passed or the person it is about was
            erased.
        record_id (str):
        record_type (str): One of initiative, transition, participant, activity, evidence, assessment.
        type_ (str): What happened: activity.created, activity.deleted, activity.updated, assessment.created,
            assessment.deleted, assessment.updated, evidence.consent_withdrawn, evidence.created, evidence.deleted,
            evidence.erased, evidence.publication_consent_withdrawn, evidence.updated, initiative.created,
            initiative.deleted, initiative.stage_changed, initiative.updated, participant.consent_withdrawn,
            participant.created, participant.deleted, participant.erased, participant.publication_consent_withdrawn,
            participant.updated, transition.created, transition.updated.
        version (int | None): The record's version just after the change; null when it is gone.
    """

    actor: Actor
    external_ref: None | str
    fields: list[str]
    id: str
    initiative_id: None | str
    occurred_at: datetime.datetime
    record: ChangeRecordType0 | None
    record_id: str
    record_type: str
    type_: str
    version: int | None

    def to_dict(self) -> dict[str, Any]:
        from ..models.change_record_type_0 import ChangeRecordType0  # noqa: PLC0415

        actor = self.actor.to_dict()

        external_ref: None | str
        external_ref = self.external_ref

        fields = self.fields

        id = self.id

        initiative_id: None | str
        initiative_id = self.initiative_id

        occurred_at = self.occurred_at.isoformat()

        record: dict[str, Any] | None
        if isinstance(self.record, ChangeRecordType0):
            record = self.record.to_dict()
        else:
            record = self.record

        record_id = self.record_id

        record_type = self.record_type

        type_ = self.type_

        version: int | None
        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "actor": actor,
                "external_ref": external_ref,
                "fields": fields,
                "id": id,
                "initiative_id": initiative_id,
                "occurred_at": occurred_at,
                "record": record,
                "record_id": record_id,
                "record_type": record_type,
                "type": type_,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor import Actor  # noqa: PLC0415
        from ..models.change_record_type_0 import ChangeRecordType0  # noqa: PLC0415

        d = dict(src_dict)
        actor = Actor.from_dict(d.pop("actor"))

        def _parse_external_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ref = _parse_external_ref(d.pop("external_ref"))

        fields = cast(list[str], d.pop("fields"))

        id = d.pop("id")

        def _parse_initiative_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        initiative_id = _parse_initiative_id(d.pop("initiative_id"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        def _parse_record(data: object) -> ChangeRecordType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                record_type_0 = ChangeRecordType0.from_dict(data)

                return record_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChangeRecordType0 | None, data)

        record = _parse_record(d.pop("record"))

        record_id = d.pop("record_id")

        record_type = d.pop("record_type")

        type_ = d.pop("type")

        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))

        change = cls(
            actor=actor,
            external_ref=external_ref,
            fields=fields,
            id=id,
            initiative_id=initiative_id,
            occurred_at=occurred_at,
            record=record,
            record_id=record_id,
            record_type=record_type,
            type_=type_,
            version=version,
        )

        return change
