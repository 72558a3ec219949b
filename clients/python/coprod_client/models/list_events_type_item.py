from enum import StrEnum


class ListEventsTypeItem(StrEnum):
    ACTIVITY_CREATED = "activity.created"
    ACTIVITY_DELETED = "activity.deleted"
    ACTIVITY_UPDATED = "activity.updated"
    ASSESSMENT_CREATED = "assessment.created"
    ASSESSMENT_DELETED = "assessment.deleted"
    ASSESSMENT_UPDATED = "assessment.updated"
    EVIDENCE_CONSENT_WITHDRAWN = "evidence.consent_withdrawn"
    EVIDENCE_CREATED = "evidence.created"
    EVIDENCE_DELETED = "evidence.deleted"
    EVIDENCE_ERASED = "evidence.erased"
    EVIDENCE_PUBLICATION_CONSENT_WITHDRAWN = "evidence.publication_consent_withdrawn"
    EVIDENCE_UPDATED = "evidence.updated"
    INITIATIVE_CREATED = "initiative.created"
    INITIATIVE_DELETED = "initiative.deleted"
    INITIATIVE_STAGE_CHANGED = "initiative.stage_changed"
    INITIATIVE_UPDATED = "initiative.updated"
    PARTICIPANT_CONSENT_WITHDRAWN = "participant.consent_withdrawn"
    PARTICIPANT_CREATED = "participant.created"
    PARTICIPANT_DELETED = "participant.deleted"
    PARTICIPANT_ERASED = "participant.erased"
    PARTICIPANT_PUBLICATION_CONSENT_WITHDRAWN = "participant.publication_consent_withdrawn"
    PARTICIPANT_UPDATED = "participant.updated"
    TRANSITION_CREATED = "transition.created"
    TRANSITION_UPDATED = "transition.updated"

    def __str__(self) -> str:
        return str(self.value)
