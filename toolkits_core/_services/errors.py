"""What the services raise when a request cannot be done, for the caller to report.

Each error says which HTTP answer fits it, because the API turns them into problem
details one to one; the CLI prints their ``detail``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one field of a request (``field`` is a path like ``payload/text``)."""

    field: str
    message: str
    code: str = "invalid"
    plugin: str | None = None
    location: str = "json"
    """Where the field is: json (the body), query, path, header or files."""


class ServiceError(Exception):
    """A request the services refuse; ``code`` is stable, ``detail`` is for people."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad Request"

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra: Mapping[str, Any] = extra


class NotFoundError(ServiceError):
    """No such record in the caller's organisation (whether or not another has one)."""

    status = 404
    title = "Not Found"

    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__("not_found", f"There is no {kind} {record_id!r}.")


class ConflictError(ServiceError):
    """The request is well formed but clashes with the state of the data."""

    status = 409
    title = "Conflict"


class GoneError(ServiceError):
    """What was asked for existed once and is kept no longer (an expired feed cursor)."""

    status = 410
    title = "Gone"


class PreconditionFailedError(ServiceError):
    """``If-Match`` named a version that is no longer the current one."""

    status = 412
    title = "Precondition Failed"

    def __init__(self, current_etag: str) -> None:
        super().__init__(
            "stale_etag",
            "The record has changed since you read it: fetch it again, reapply your "
            "change and send the new ETag in If-Match.",
            current_etag=current_etag,
        )


class InvalidRequestError(ServiceError):
    """The request does not fit the toolkit or the data; ``problems`` say where."""

    status = 422
    title = "Unprocessable Content"

    def __init__(self, problems: Sequence[FieldProblem], detail: str | None = None) -> None:
        count = len(problems)
        super().__init__(
            "invalid_request",
            detail or f"The request has {count} problem{'s' if count != 1 else ''}; see errors.",
        )
        self.problems = tuple(problems)


class AuthenticationError(ServiceError):
    """No key, or a key that is unknown, revoked or expired."""

    status = 401
    title = "Unauthorized"


class PermissionDeniedError(ServiceError):
    """A valid key without the scope the operation needs."""

    status = 403
    title = "Forbidden"


@dataclass(frozen=True, slots=True)
class Invalid:
    """Collects field problems and raises them together, so a caller hears of all at once."""

    problems: list[FieldProblem] = field(default_factory=list)

    def add(self, field_path: str, message: str, code: str = "invalid") -> None:
        self.problems.append(FieldProblem(field_path, message, code))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InvalidRequestError(self.problems)


def refuse(problems: Sequence[Any]) -> None:
    """Raise ``InvalidRequestError`` for the core's and plugins' ``Problem``s, if any.

    ``Problem.field`` is already a path (``payload/text``); the plugin that spoke is kept.
    """
    if problems:
        raise InvalidRequestError(
            [
                FieldProblem(p.field, p.message, p.code, None if p.plugin == "core" else p.plugin)
                for p in problems
            ]
        )
