from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Delivery")


@_attrs_define
class Delivery:
    """
    Attributes:
        attempted_at (datetime.datetime):
        error (None | str):
        event_id (None | str): The event sent (null: ping).
        event_type (str):
        id (str): Opaque id: a type prefix and 26 characters; sorts by creation.
        latency_ms (int):
        message_id (str): The webhook-id header sent.
        outcome (str): delivered (2xx); retrying (5xx, 408, 429 or a network error); rejected (another answer: final,
            not retried); refused (the address is not public at connect time).
        response_excerpt (None | str): The first 500 bytes of the answer.
        response_status (int | None):
        trigger (str): worker, redeliver or ping.
    """

    attempted_at: datetime.datetime
    error: None | str
    event_id: None | str
    event_type: str
    id: str
    latency_ms: int
    message_id: str
    outcome: str
    response_excerpt: None | str
    response_status: int | None
    trigger: str

    def to_dict(self) -> dict[str, Any]:
        attempted_at = self.attempted_at.isoformat()

        error: None | str
        error = self.error

        event_id: None | str
        event_id = self.event_id

        event_type = self.event_type

        id = self.id

        latency_ms = self.latency_ms

        message_id = self.message_id

        outcome = self.outcome

        response_excerpt: None | str
        response_excerpt = self.response_excerpt

        response_status: int | None
        response_status = self.response_status

        trigger = self.trigger

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "attempted_at": attempted_at,
                "error": error,
                "event_id": event_id,
                "event_type": event_type,
                "id": id,
                "latency_ms": latency_ms,
                "message_id": message_id,
                "outcome": outcome,
                "response_excerpt": response_excerpt,
                "response_status": response_status,
                "trigger": trigger,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempted_at = datetime.datetime.fromisoformat(d.pop("attempted_at"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_event_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        event_id = _parse_event_id(d.pop("event_id"))

        event_type = d.pop("event_type")

        id = d.pop("id")

        latency_ms = d.pop("latency_ms")

        message_id = d.pop("message_id")

        outcome = d.pop("outcome")

        def _parse_response_excerpt(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response_excerpt = _parse_response_excerpt(d.pop("response_excerpt"))

        def _parse_response_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        response_status = _parse_response_status(d.pop("response_status"))

        trigger = d.pop("trigger")

        delivery = cls(
            attempted_at=attempted_at,
            error=error,
            event_id=event_id,
            event_type=event_type,
            id=id,
            latency_ms=latency_ms,
            message_id=message_id,
            outcome=outcome,
            response_excerpt=response_excerpt,
            response_status=response_status,
            trigger=trigger,
        )

        return delivery
