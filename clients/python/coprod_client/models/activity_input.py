from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.activity_input_attendance_type_1_type_0 import ActivityInputAttendanceType1Type0
    from ..models.activity_input_recurrence_type_1_type_0 import ActivityInputRecurrenceType1Type0
    from ..models.attendance import Attendance
    from ..models.recurrence import Recurrence


T = TypeVar("T", bound="ActivityInput")


@_attrs_define
class ActivityInput:
    """
    Attributes:
        activity_type (str): The key of one of the toolkit's activity types (GET /toolkits/{key}).
        title (str): What the activity was.
        attendance (ActivityInputAttendanceType1Type0 | Attendance | None | Unset): How many people came, by participant
            role: counts only, never names. Each key is a participant role, each count a whole number from 0 to 100000; a
            role left out was not counted. Null when nobody counted.
        cycle (int | Unset): The round of the stages it was done in (cyclic toolkits); by default the initiative's
            current cycle.
        description (str | Unset): What happened, and how. Default: ''.
        dimensions (list[str] | Unset): Keys of the toolkit's dimensions the activity speaks to.
        ends_on (datetime.date | None | Unset): The day it ended; not before starts_on.
        external_ref (None | str | Unset): Your own system's id for this record (for example a CRM id): unique where it
            is used, and a filter on lists.
        outcomes (str | Unset): What came of it. Default: ''.
        participant_ids (list[str] | Unset): Ids of participants of the same initiative who took part.
        place (None | str | Unset): Where it took place, in words (stored trimmed; blank is none).
        recurrence (ActivityInputRecurrenceType1Type0 | None | Recurrence | Unset): How often it recurs; null for a one-
            off.
        stage (str | Unset): The stage it was done in: one the activity type belongs to and the initiative has reached.
            By default the initiative's current stage.
        starts_on (datetime.date | None | Unset): The day it started (or took place).
        tags (list[str] | Unset): Short labels, such as walk or oral history: at most 20, each 1 to 50 characters.
            Stored trimmed, with inner spaces made single and in lower case, each once (Walk and walk are one tag); filter
            lists with tag.
    """

    activity_type: str
    title: str
    attendance: ActivityInputAttendanceType1Type0 | Attendance | None | Unset = UNSET
    cycle: int | Unset = UNSET
    description: str | Unset = ""
    dimensions: list[str] | Unset = UNSET
    ends_on: datetime.date | None | Unset = UNSET
    external_ref: None | str | Unset = UNSET
    outcomes: str | Unset = ""
    participant_ids: list[str] | Unset = UNSET
    place: None | str | Unset = UNSET
    recurrence: ActivityInputRecurrenceType1Type0 | None | Recurrence | Unset = UNSET
    stage: str | Unset = UNSET
    starts_on: datetime.date | None | Unset = UNSET
    tags: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.activity_input_attendance_type_1_type_0 import ActivityInputAttendanceType1Type0  # noqa: PLC0415
        from ..models.activity_input_recurrence_type_1_type_0 import ActivityInputRecurrenceType1Type0  # noqa: PLC0415
        from ..models.attendance import Attendance  # noqa: PLC0415
        from ..models.recurrence import Recurrence  # noqa: PLC0415

        activity_type = self.activity_type

        title = self.title

        attendance: dict[str, Any] | None | Unset
        if isinstance(self.attendance, Unset):
            attendance = UNSET
        elif isinstance(self.attendance, Attendance):
            attendance = self.attendance.to_dict()
        elif isinstance(self.attendance, ActivityInputAttendanceType1Type0):
            attendance = self.attendance.to_dict()
        else:
            attendance = self.attendance

        cycle = self.cycle

        description = self.description

        dimensions: list[str] | Unset = UNSET
        if not isinstance(self.dimensions, Unset):
            dimensions = self.dimensions

        ends_on: None | str | Unset
        if isinstance(self.ends_on, Unset):
            ends_on = UNSET
        elif isinstance(self.ends_on, datetime.date):
            ends_on = self.ends_on.isoformat()
        else:
            ends_on = self.ends_on

        external_ref: None | str | Unset
        if isinstance(self.external_ref, Unset):
            external_ref = UNSET
        else:
            external_ref = self.external_ref

        outcomes = self.outcomes

        participant_ids: list[str] | Unset = UNSET
        if not isinstance(self.participant_ids, Unset):
            participant_ids = self.participant_ids

        place: None | str | Unset
        if isinstance(self.place, Unset):
            place = UNSET
        else:
            place = self.place

        recurrence: dict[str, Any] | None | Unset
        if isinstance(self.recurrence, Unset):
            recurrence = UNSET
        elif isinstance(self.recurrence, Recurrence):
            recurrence = self.recurrence.to_dict()
        elif isinstance(self.recurrence, ActivityInputRecurrenceType1Type0):
            recurrence = self.recurrence.to_dict()
        else:
            recurrence = self.recurrence

        stage = self.stage

        starts_on: None | str | Unset
        if isinstance(self.starts_on, Unset):
            starts_on = UNSET
        elif isinstance(self.starts_on, datetime.date):
            starts_on = self.starts_on.isoformat()
        else:
            starts_on = self.starts_on

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "activity_type": activity_type,
                "title": title,
            }
        )
        if attendance is not UNSET:
            field_dict["attendance"] = attendance
        if cycle is not UNSET:
            field_dict["cycle"] = cycle
        if description is not UNSET:
            field_dict["description"] = description
        if dimensions is not UNSET:
            field_dict["dimensions"] = dimensions
        if ends_on is not UNSET:
            field_dict["ends_on"] = ends_on
        if external_ref is not UNSET:
            field_dict["external_ref"] = external_ref
        if outcomes is not UNSET:
            field_dict["outcomes"] = outcomes
        if participant_ids is not UNSET:
            field_dict["participant_ids"] = participant_ids
        if place is not UNSET:
            field_dict["place"] = place
        if recurrence is not UNSET:
            field_dict["recurrence"] = recurrence
        if stage is not UNSET:
            field_dict["stage"] = stage
        if starts_on is not UNSET:
            field_dict["starts_on"] = starts_on
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.activity_input_attendance_type_1_type_0 import ActivityInputAttendanceType1Type0  # noqa: PLC0415
        from ..models.activity_input_recurrence_type_1_type_0 import ActivityInputRecurrenceType1Type0  # noqa: PLC0415
        from ..models.attendance import Attendance  # noqa: PLC0415
        from ..models.recurrence import Recurrence  # noqa: PLC0415

        d = dict(src_dict)
        activity_type = d.pop("activity_type")

        title = d.pop("title")

        def _parse_attendance(data: object) -> ActivityInputAttendanceType1Type0 | Attendance | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                attendance_type_0 = Attendance.from_dict(data)

                return attendance_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                attendance_type_1_type_0 = ActivityInputAttendanceType1Type0.from_dict(data)

                return attendance_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ActivityInputAttendanceType1Type0 | Attendance | None | Unset, data)

        attendance = _parse_attendance(d.pop("attendance", UNSET))

        cycle = d.pop("cycle", UNSET)

        description = d.pop("description", UNSET)

        dimensions = cast(list[str], d.pop("dimensions", UNSET))

        def _parse_ends_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_on_type_0 = datetime.date.fromisoformat(data)

                return ends_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        ends_on = _parse_ends_on(d.pop("ends_on", UNSET))

        def _parse_external_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_ref = _parse_external_ref(d.pop("external_ref", UNSET))

        outcomes = d.pop("outcomes", UNSET)

        participant_ids = cast(list[str], d.pop("participant_ids", UNSET))

        def _parse_place(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        place = _parse_place(d.pop("place", UNSET))

        def _parse_recurrence(data: object) -> ActivityInputRecurrenceType1Type0 | None | Recurrence | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recurrence_type_0 = Recurrence.from_dict(data)

                return recurrence_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recurrence_type_1_type_0 = ActivityInputRecurrenceType1Type0.from_dict(data)

                return recurrence_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ActivityInputRecurrenceType1Type0 | None | Recurrence | Unset, data)

        recurrence = _parse_recurrence(d.pop("recurrence", UNSET))

        stage = d.pop("stage", UNSET)

        def _parse_starts_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_on_type_0 = datetime.date.fromisoformat(data)

                return starts_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        starts_on = _parse_starts_on(d.pop("starts_on", UNSET))

        tags = cast(list[str], d.pop("tags", UNSET))

        activity_input = cls(
            activity_type=activity_type,
            title=title,
            attendance=attendance,
            cycle=cycle,
            description=description,
            dimensions=dimensions,
            ends_on=ends_on,
            external_ref=external_ref,
            outcomes=outcomes,
            participant_ids=participant_ids,
            place=place,
            recurrence=recurrence,
            stage=stage,
            starts_on=starts_on,
            tags=tags,
        )

        return activity_input
