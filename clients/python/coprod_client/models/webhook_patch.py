from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.webhook_patch_status import WebhookPatchStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookPatch")


@_attrs_define
class WebhookPatch:
    """
    Attributes:
        description (str | Unset): What the receiver is, for people.
        event_types (list[str] | Unset): The events to send: types of the change feed (activity.created,
            activity.deleted, activity.updated, assessment.created, assessment.deleted, assessment.updated,
            evidence.consent_withdrawn, evidence.created, evidence.deleted, evidence.erased,
            evidence.publication_consent_withdrawn, evidence.updated, initiative.created, initiative.deleted,
            initiative.stage_changed, initiative.updated, participant.consent_withdrawn, participant.created,
            participant.deleted, participant.erased, participant.publication_consent_withdrawn, participant.updated,
            transition.created, transition.updated), a record type with .* (such as participant.*), or * for all.
        status (WebhookPatchStatus | Unset): paused stops deliveries (events wait); active resumes them, also after the
            subscription was disabled.
        url (str | Unset): Where to POST: an https URL whose host resolves to public addresses only (redirects are not
            followed).
    """

    description: str | Unset = UNSET
    event_types: list[str] | Unset = UNSET
    status: WebhookPatchStatus | Unset = UNSET
    url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        event_types: list[str] | Unset = UNSET
        if not isinstance(self.event_types, Unset):
            event_types = self.event_types

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if event_types is not UNSET:
            field_dict["event_types"] = event_types
        if status is not UNSET:
            field_dict["status"] = status
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description", UNSET)

        event_types = cast(list[str], d.pop("event_types", UNSET))

        _status = d.pop("status", UNSET)
        status: WebhookPatchStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = WebhookPatchStatus(_status)

        url = d.pop("url", UNSET)

        webhook_patch = cls(
            description=description,
            event_types=event_types,
            status=status,
            url=url,
        )

        return webhook_patch
