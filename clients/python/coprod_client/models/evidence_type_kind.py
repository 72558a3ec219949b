from enum import StrEnum


class EvidenceTypeKind(StrEnum):
    AUDIO = "audio"
    DOCUMENT = "document"
    LINK = "link"
    METRIC = "metric"
    NOTE = "note"
    PHOTO = "photo"
    QUOTE = "quote"
    STORY = "story"
    SURVEY_RESULT = "survey_result"
    UNEXPECTED_OUTCOME = "unexpected_outcome"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
