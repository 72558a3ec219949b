from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.webhook_create_status import WebhookCreateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookCreate")


@_attrs_define
class WebhookCreate:
    """
    Attributes:
        event_types (list[str]): The events to send: types of the change feed (activity.created, activity.deleted,
            activity.updated, assessment.created, assessment.deleted, assessment.updated, evidence.consent_withdrawn,
            evidence.created, evidence.deleted, evidence.erased, evidence.publication_consent_withdrawn, evidence.updated,
            initiative.created, initiative.deleted, initiative.stage_changed, initiative.updated,
            participant.consent_withdrawn, participant.created, participant.deleted, participant.erased,
            participant.publication_consent_withdrawn, participant.updated, transition.created, transition.updated), a
            record type with .* (such as participant.*), or * for all.
        url (str): Where to POST: an https URL whose host resolves to public addresses only (redirects are not
            followed).
        description (str | Unset): What the receiver is, for people. Default: ''.
        status (WebhookCreateStatus | Unset): active (the default) or paused. Default: WebhookCreateStatus.ACTIVE.
    """

    event_types: list[str]
    url: str
    description: str | Unset = ""
    status: WebhookCreateStatus | Unset = WebhookCreateStatus.ACTIVE

    def to_dict(self) -> dict[str, Any]:
        event_types = self.event_types

        url = self.url

        description = self.description

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_types": event_types,
                "url": url,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_types = cast(list[str], d.pop("event_types"))

        url = d.pop("url")

        description = d.pop("description", UNSET)

        _status = d.pop("status", UNSET)
        status: WebhookCreateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = WebhookCreateStatus(_status)

        webhook_create = cls(
            event_types=event_types,
            url=url,
            description=description,
            status=status,
        )

        return webhook_create
