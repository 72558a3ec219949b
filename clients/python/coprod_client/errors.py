"""Errors raised by the API functions: a problem document, a 304, an undocumented status."""

import json
from typing import Any

from .models.problem import Problem
from .types import Response

PROBLEM_JSON = "application/problem+json"


class UnexpectedStatus(Exception):
    """Raised by api functions when the response status an undocumented status and Client.raise_on_unexpected_status is True"""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class ProblemError(Exception):
    """coprod answered with an RFC 9457 problem document (every 4xx and 5xx it sends).

    Branch on ``code`` (stable, machine-readable, such as ``stale_etag`` or
    ``external_ref_taken``); show ``detail`` to people. ``problem`` is the whole document,
    its extension members (``errors``, ``blockers``, ``current_etag``, ``existing_id``,
    ...) included; ``headers`` are the answer's (``Location``, ``Retry-After``).
    """

    def __init__(self, status_code: int, problem: Problem, headers: Any):
        self.status_code = status_code
        self.problem = problem
        self.headers = headers
        self.code = problem.code if isinstance(problem.code, str) else None
        super().__init__(f"{status_code} {self.code}: {problem.detail}")


class NotModified(Exception):
    """A read sent with If-None-Match naming the current version: you have it already.

    ``sync()`` has no record to give back (a 304 has no body); call ``sync_detailed()``
    to handle a 304 without an exception.
    """

    def __init__(self, etag: str | None):
        self.etag = etag
        super().__init__(f"304 Not Modified: {etag} is current")


def success_of(response: Response[Any]) -> Any:
    """What a success answered with, or the error that stands for any other answer."""
    status = int(response.status_code)
    if status == 304:
        raise NotModified(response.headers.get("ETag"))
    if status >= 400:
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if media_type == PROBLEM_JSON:
            try:
                document = json.loads(response.content)
            except ValueError:
                document = None
            if isinstance(document, dict):
                raise ProblemError(status, Problem.from_dict(document), response.headers)
        raise UnexpectedStatus(status, response.content)
    return response.parsed


__all__ = ["NotModified", "ProblemError", "UnexpectedStatus", "success_of"]
