from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """
    Attributes:
        action (str): One of created, changed, deleted, exported, erased.
        channel (str): api, cli or system: how the change was made.
        fields (list[str]): For a change, the fields that changed (never their values, so that an erasure leaves no copy
            here); for an export, what was exported.
        id (str): Opaque id: a type prefix and 26 characters; sorts by creation.
        initiative_id (None | str): The initiative the record belongs to.
        key_id (None | str): The API key that did it; null for the command line and for coprod itself (channel system:
            the webhook worker disabling a webhook).
        occurred_at (datetime.datetime):
        record_id (str):
        record_type (str): One of organisation, api_key, oauth_client, initiative, transition, participant, activity,
            evidence, assessment, case_study, library_entry, webhook_subscription.
    """

    action: str
    channel: str
    fields: list[str]
    id: str
    initiative_id: None | str
    key_id: None | str
    occurred_at: datetime.datetime
    record_id: str
    record_type: str

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        channel = self.channel

        fields = self.fields

        id = self.id

        initiative_id: None | str
        initiative_id = self.initiative_id

        key_id: None | str
        key_id = self.key_id

        occurred_at = self.occurred_at.isoformat()

        record_id = self.record_id

        record_type = self.record_type

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "channel": channel,
                "fields": fields,
                "id": id,
                "initiative_id": initiative_id,
                "key_id": key_id,
                "occurred_at": occurred_at,
                "record_id": record_id,
                "record_type": record_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        channel = d.pop("channel")

        fields = cast(list[str], d.pop("fields"))

        id = d.pop("id")

        def _parse_initiative_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        initiative_id = _parse_initiative_id(d.pop("initiative_id"))

        def _parse_key_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key_id = _parse_key_id(d.pop("key_id"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        record_id = d.pop("record_id")

        record_type = d.pop("record_type")

        audit_event = cls(
            action=action,
            channel=channel,
            fields=fields,
            id=id,
            initiative_id=initiative_id,
            key_id=key_id,
            occurred_at=occurred_at,
            record_id=record_id,
            record_type=record_type,
        )

        return audit_event
