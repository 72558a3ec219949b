from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.activity import Activity
    from ..models.audit_event import AuditEvent
    from ..models.evidence import Evidence
    from ..models.participant import Participant


T = TypeVar("T", bound="SubjectAccess")


@_attrs_define
class SubjectAccess:
    """
    Attributes:
        activities (list[Activity]): Every activity they are recorded as taking part in.
        audit_events (list[AuditEvent]): Who created, changed, exported or erased these records, and when.
        evidence (list[Evidence]): Every piece of evidence that came from them, including evidence whose consent is
            withdrawn (which no list shows). Files are downloaded from each evidence's file path.
        generated_at (datetime.datetime): When this answer was put together.
        participant (Participant):
    """

    activities: list[Activity]
    audit_events: list[AuditEvent]
    evidence: list[Evidence]
    generated_at: datetime.datetime
    participant: Participant

    def to_dict(self) -> dict[str, Any]:
        activities = []
        for activities_item_data in self.activities:
            activities_item = activities_item_data.to_dict()
            activities.append(activities_item)

        audit_events = []
        for audit_events_item_data in self.audit_events:
            audit_events_item = audit_events_item_data.to_dict()
            audit_events.append(audit_events_item)

        evidence = []
        for evidence_item_data in self.evidence:
            evidence_item = evidence_item_data.to_dict()
            evidence.append(evidence_item)

        generated_at = self.generated_at.isoformat()

        participant = self.participant.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "activities": activities,
                "audit_events": audit_events,
                "evidence": evidence,
                "generated_at": generated_at,
                "participant": participant,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.activity import Activity  # noqa: PLC0415
        from ..models.audit_event import AuditEvent  # noqa: PLC0415
        from ..models.evidence import Evidence  # noqa: PLC0415
        from ..models.participant import Participant  # noqa: PLC0415

        d = dict(src_dict)
        activities = []
        _activities = d.pop("activities")
        for activities_item_data in _activities:
            activities_item = Activity.from_dict(activities_item_data)

            activities.append(activities_item)

        audit_events = []
        _audit_events = d.pop("audit_events")
        for audit_events_item_data in _audit_events:
            audit_events_item = AuditEvent.from_dict(audit_events_item_data)

            audit_events.append(audit_events_item)

        evidence = []
        _evidence = d.pop("evidence")
        for evidence_item_data in _evidence:
            evidence_item = Evidence.from_dict(evidence_item_data)

            evidence.append(evidence_item)

        generated_at = datetime.datetime.fromisoformat(d.pop("generated_at"))

        participant = Participant.from_dict(d.pop("participant"))

        subject_access = cls(
            activities=activities,
            audit_events=audit_events,
            evidence=evidence,
            generated_at=generated_at,
            participant=participant,
        )

        return subject_access
