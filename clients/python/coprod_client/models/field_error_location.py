from enum import StrEnum


class FieldErrorLocation(StrEnum):
    BODY = "body"
    FILES = "files"
    HEADER = "header"
    JSON = "json"
    PATH = "path"
    QUERY = "query"

    def __str__(self) -> str:
        return str(self.value)
