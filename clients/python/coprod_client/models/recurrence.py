from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.recurrence_frequency import RecurrenceFrequency
from ..types import UNSET, Unset

T = TypeVar("T", bound="Recurrence")


@_attrs_define
class Recurrence:
    """
    Attributes:
        frequency (RecurrenceFrequency): weekly, fortnightly or monthly; other for any other rhythm, said in note.
        note (str | Unset): In words, such as first Tuesday of the month, term time only; needed when the frequency is
            other. Default: ''.
    """

    frequency: RecurrenceFrequency
    note: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        frequency = self.frequency.value

        note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "frequency": frequency,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        frequency = RecurrenceFrequency(d.pop("frequency"))

        note = d.pop("note", UNSET)

        recurrence = cls(
            frequency=frequency,
            note=note,
        )

        return recurrence
