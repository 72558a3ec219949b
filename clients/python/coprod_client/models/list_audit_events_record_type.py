from enum import StrEnum


class ListAuditEventsRecordType(StrEnum):
    ACTIVITY = "activity"
    API_KEY = "api_key"
    ASSESSMENT = "assessment"
    CASE_STUDY = "case_study"
    EVIDENCE = "evidence"
    INITIATIVE = "initiative"
    OAUTH_CLIENT = "oauth_client"
    ORGANISATION = "organisation"
    PARTICIPANT = "participant"
    TRANSITION = "transition"

    def __str__(self) -> str:
        return str(self.value)
