from enum import StrEnum


class ListEventsRecordTypeItem(StrEnum):
    ACTIVITY = "activity"
    ASSESSMENT = "assessment"
    EVIDENCE = "evidence"
    INITIATIVE = "initiative"
    PARTICIPANT = "participant"
    TRANSITION = "transition"

    def __str__(self) -> str:
        return str(self.value)
