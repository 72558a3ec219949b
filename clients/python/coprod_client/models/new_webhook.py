from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="NewWebhook")


@_attrs_define
class NewWebhook:
    """
    Attributes:
        created_at (datetime.datetime):
        description (str):
        disabled_reason (None | str): Why it was disabled.
        event_types (list[str]):
        failing_since (datetime.datetime | None):
        id (str): Opaque id: a type prefix and 26 characters; sorts by creation.
        next_attempt_at (datetime.datetime | None): When a retry is due.
        previous_secret_expires_at (datetime.datetime | None): Until when the secret before the last rotation signs too.
        secret (str): The signing secret (whsec_...). Shown now and never again: give it to your receiver, which
            verifies webhook-signature with it.
        status (str): active, paused, or disabled (after failing for too long).
        updated_at (datetime.datetime):
        url (str):
        version (int):
    """

    created_at: datetime.datetime
    description: str
    disabled_reason: None | str
    event_types: list[str]
    failing_since: datetime.datetime | None
    id: str
    next_attempt_at: datetime.datetime | None
    previous_secret_expires_at: datetime.datetime | None
    secret: str
    status: str
    updated_at: datetime.datetime
    url: str
    version: int

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description = self.description

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        event_types = self.event_types

        failing_since: None | str
        if isinstance(self.failing_since, datetime.datetime):
            failing_since = self.failing_since.isoformat()
        else:
            failing_since = self.failing_since

        id = self.id

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        previous_secret_expires_at: None | str
        if isinstance(self.previous_secret_expires_at, datetime.datetime):
            previous_secret_expires_at = self.previous_secret_expires_at.isoformat()
        else:
            previous_secret_expires_at = self.previous_secret_expires_at

        secret = self.secret

        status = self.status

        updated_at = self.updated_at.isoformat()

        url = self.url

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "disabled_reason": disabled_reason,
                "event_types": event_types,
                "failing_since": failing_since,
                "id": id,
                "next_attempt_at": next_attempt_at,
                "previous_secret_expires_at": previous_secret_expires_at,
                "secret": secret,
                "status": status,
                "updated_at": updated_at,
                "url": url,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))

        event_types = cast(list[str], d.pop("event_types"))

        def _parse_failing_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                failing_since_type_0 = datetime.datetime.fromisoformat(data)

                return failing_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        failing_since = _parse_failing_since(d.pop("failing_since"))

        id = d.pop("id")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        def _parse_previous_secret_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previous_secret_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return previous_secret_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        previous_secret_expires_at = _parse_previous_secret_expires_at(d.pop("previous_secret_expires_at"))

        secret = d.pop("secret")

        status = d.pop("status")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        url = d.pop("url")

        version = d.pop("version")

        new_webhook = cls(
            created_at=created_at,
            description=description,
            disabled_reason=disabled_reason,
            event_types=event_types,
            failing_since=failing_since,
            id=id,
            next_attempt_at=next_attempt_at,
            previous_secret_expires_at=previous_secret_expires_at,
            secret=secret,
            status=status,
            updated_at=updated_at,
            url=url,
            version=version,
        )

        return new_webhook
