from enum import StrEnum


class ListAuditEventsRecordType(StrEnum):
    ACTIVITY = "activity"
    API_KEY = "api_key"
    ASSESSMENT = "assessment"
    CASE_STUDY = "case_study"
    EVIDENCE = "evidence"
    INITIATIVE = "initiative"
    LIBRARY_ENTRY = "library_entry"
    OAUTH_CLIENT = "oauth_client"
    ORGANISATION = "organisation"
    PARTICIPANT = "participant"
    TRANSITION = "transition"
    WEBHOOK_SUBSCRIPTION = "webhook_subscription"

    def __str__(self) -> str:
        return str(self.value)
