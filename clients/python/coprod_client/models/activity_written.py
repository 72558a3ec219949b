from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.activity_written_attendance_type_1_type_0 import ActivityWrittenAttendanceType1Type0
    from ..models.activity_written_recurrence_type_1_type_0 import ActivityWrittenRecurrenceType1Type0
    from ..models.advice import Advice
    from ..models.attendance import Attendance
    from ..models.recurrence import Recurrence


T = TypeVar("T", bound="ActivityWritten")


@_attrs_define
class ActivityWritten:
    """
    Attributes:
        activity_type (str): The key of one of the toolkit's activity types (GET /toolkits/{key}).
        attendance (ActivityWrittenAttendanceType1Type0 | Attendance | None): How many people came, by participant role:
            counts only, never names. Each key is a participant role, each count a whole number from 0 to 100000; a role
            left out was not counted. Null when nobody counted.
        created_at (datetime.datetime):
        cycle (int): The round of the stages it was done in (cyclic toolkits); by default the initiative's current
            cycle.
        description (str): What happened, and how. Default: ''.
        dimensions (list[str]): Keys of the toolkit's dimensions the activity speaks to.
        ends_on (datetime.date | None): The day it ended; not before starts_on.
        external_ref (None | str): Your own system's id for this record (for example a CRM id): unique where it is used,
            and a filter on lists.
        id (str): Opaque id: a type prefix and 26 characters; sorts by creation.
        initiative_id (str):
        outcomes (str): What came of it. Default: ''.
        participant_ids (list[str]): Ids of participants of the same initiative who took part.
        place (None | str): Where it took place, in words (stored trimmed; blank is none).
        recurrence (ActivityWrittenRecurrenceType1Type0 | None | Recurrence): How often it recurs; null for a one-off.
        stage (str): The stage it was done in: one the activity type belongs to and the initiative has reached. By
            default the initiative's current stage.
        starts_on (datetime.date | None): The day it started (or took place).
        tags (list[str]): Short labels, such as walk or oral history: at most 20, each 1 to 50 characters. Stored
            trimmed, with inner spaces made single and in lower case, each once (Walk and walk are one tag); filter lists
            with tag.
        title (str): What the activity was.
        updated_at (datetime.datetime):
        version (int): Rises with every change; the ETag is built from it.
        advice (list[Advice] | Unset): Notes from the toolkit on the activity as written, in the answer to a write only,
            and only when there is something to say (otherwise left out, so that the answer is the record as GET shows it):
            each dimension named that the type's lists, being suggestions, leave out (code dimension_not_for_activity_type).
            Advice never refuses a write.
    """

    activity_type: str
    attendance: ActivityWrittenAttendanceType1Type0 | Attendance | None
    created_at: datetime.datetime
    cycle: int
    dimensions: list[str]
    ends_on: datetime.date | None
    external_ref: None | str
    id: str
    initiative_id: str
    participant_ids: list[str]
    place: None | str
    recurrence: ActivityWrittenRecurrenceType1Type0 | None | Recurrence
    stage: str
    starts_on: datetime.date | None
    tags: list[str]
    title: str
    updated_at: datetime.datetime
    version: int
    description: str = ""
    outcomes: str = ""
    advice: list[Advice] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.activity_written_attendance_type_1_type_0 import ActivityWrittenAttendanceType1Type0  # noqa: PLC0415
        from ..models.activity_written_recurrence_type_1_type_0 import ActivityWrittenRecurrenceType1Type0  # noqa: PLC0415
        from ..models.attendance import Attendance  # noqa: PLC0415
        from ..models.recurrence import Recurrence  # noqa: PLC0415

        activity_type = self.activity_type

        attendance: dict[str, Any] | None
        if isinstance(self.attendance, Attendance):
            attendance = self.attendance.to_dict()
        elif isinstance(self.attendance, ActivityWrittenAttendanceType1Type0):
            attendance = self.attendance.to_dict()
        else:
            attendance = self.attendance

        created_at = self.created_at.isoformat()

        cycle = self.cycle

        description = self.description

        dimensions = self.dimensions

        ends_on: None | str
        if isinstance(self.ends_on, datetime.date):
            ends_on = self.ends_on.isoformat()
        else:
            ends_on = self.ends_on

        external_ref: None | str
        external_ref = self.external_ref

        id = self.id

        initiative_id = self.initiative_id

        outcomes = self.outcomes

        participant_ids = self.participant_ids

        place: None | str
        place = self.place

        recurrence: dict[str, Any] | None
        if isinstance(self.recurrence, Recurrence):
            recurrence = self.recurrence.to_dict()
        elif isinstance(self.recurrence, ActivityWrittenRecurrenceType1Type0):
            recurrence = self.recurrence.to_dict()
        else:
            recurrence = self.recurrence

        stage = self.stage

        starts_on: None | str
        if isinstance(self.starts_on, datetime.date):
            starts_on = self.starts_on.isoformat()
        else:
            starts_on = self.starts_on

        tags = self.tags

        title = self.title

        updated_at = self.updated_at.isoformat()

        version = self.version

        advice: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.advice, Unset):
            advice = []
            for advice_item_data in self.advice:
                advice_item = advice_item_data.to_dict()
                advice.append(advice_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "activity_type": activity_type,
                "attendance": attendance,
                "created_at": created_at,
                "cycle": cycle,
                "description": description,
                "dimensions": dimensions,
                "ends_on": ends_on,
                "external_ref": external_ref,
                "id": id,
                "initiative_id": initiative_id,
                "outcomes": outcomes,
                "participant_ids": participant_ids,
                "place": place,
                "recurrence": recurrence,
                "stage": stage,
                "starts_on": starts_on,
                "tags": tags,
                "title": title,
                "updated_at": updated_at,
                "version": version,
            }
        )
        if advice is not UNSET:
            field_dict["advice"] = advice

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.activity_written_attendance_type_1_type_0 import ActivityWrittenAttendanceType1Type0  # noqa: PLC0415
        from ..models.activity_written_recurrence_type_1_type_0 import ActivityWrittenRecurrenceType1Type0  # noqa: PLC0415
        from ..models.advice import Advice  # noqa: PLC0415
        from ..models.attendance import Attendance  # noqa: PLC0415
        from ..models.recurrence import Recurrence  # noqa: PLC0415

        d = dict(src_dict)
        activity_type = d.pop("activity_type")

        def _parse_attendance(data: object) -> ActivityWrittenAttendanceType1Type0 | Attendance | None:
            if data is None:
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
                attendance_type_1_type_0 = ActivityWrittenAttendanceType1Type0.from_dict(data)

                return attendance_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ActivityWrittenAttendanceType1Type0 | Attendance | None, data)

        attendance = _parse_attendance(d.pop("attendance"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        cycle = d.pop("cycle")

        description = d.pop("description")

        dimensions = cast(list[str], d.pop("dimensions"))

        def _parse_ends_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_on_type_0 = datetime.date.fromisoformat(data)

                return ends_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        ends_on = _parse_ends_on(d.pop("ends_on"))

        def _parse_external_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ref = _parse_external_ref(d.pop("external_ref"))

        id = d.pop("id")

        initiative_id = d.pop("initiative_id")

        outcomes = d.pop("outcomes")

        participant_ids = cast(list[str], d.pop("participant_ids"))

        def _parse_place(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        place = _parse_place(d.pop("place"))

        def _parse_recurrence(data: object) -> ActivityWrittenRecurrenceType1Type0 | None | Recurrence:
            if data is None:
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
                recurrence_type_1_type_0 = ActivityWrittenRecurrenceType1Type0.from_dict(data)

                return recurrence_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ActivityWrittenRecurrenceType1Type0 | None | Recurrence, data)

        recurrence = _parse_recurrence(d.pop("recurrence"))

        stage = d.pop("stage")

        def _parse_starts_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_on_type_0 = datetime.date.fromisoformat(data)

                return starts_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        starts_on = _parse_starts_on(d.pop("starts_on"))

        tags = cast(list[str], d.pop("tags"))

        title = d.pop("title")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        _advice = d.pop("advice", UNSET)
        advice: list[Advice] | Unset = UNSET
        if _advice is not UNSET:
            advice = []
            for advice_item_data in _advice:
                advice_item = Advice.from_dict(advice_item_data)

                advice.append(advice_item)

        activity_written = cls(
            activity_type=activity_type,
            attendance=attendance,
            created_at=created_at,
            cycle=cycle,
            description=description,
            dimensions=dimensions,
            ends_on=ends_on,
            external_ref=external_ref,
            id=id,
            initiative_id=initiative_id,
            outcomes=outcomes,
            participant_ids=participant_ids,
            place=place,
            recurrence=recurrence,
            stage=stage,
            starts_on=starts_on,
            tags=tags,
            title=title,
            updated_at=updated_at,
            version=version,
            advice=advice,
        )

        return activity_written
