from enum import StrEnum


class ListAuditEventsAction(StrEnum):
    CHANGED = "changed"
    CREATED = "created"
    DELETED = "deleted"
    ERASED = "erased"
    EXPORTED = "exported"

    def __str__(self) -> str:
        return str(self.value)
