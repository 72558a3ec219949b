"""What a view declares through its decorators: the argument locations it reads (flask-
smorest's ``arguments``) and the marks coprod's own decorators leave on it.

Decorators wrap a view, each keeping what it wrapped in ``__wrapped__``; what one of them
declared is found by walking that chain. The request's edge (``api.hygiene``) and the
idempotency keys (``api.idempotency``) both ask, so it lives here, importing nothing of
the app's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import current_app, request


def current_view() -> Callable[..., Any] | None:
    """The view function the request is routed to, if it is routed to one."""
    if request.endpoint is None:
        return None
    found: Callable[..., Any] | None = current_app.view_functions.get(request.endpoint)
    return found


def layers(view: Callable[..., Any] | None) -> Iterator[Any]:
    """The view and each function its decorators wrapped, outermost first."""
    seen: Any = view
    while seen is not None:
        yield seen
        seen = getattr(seen, "__wrapped__", None)


def declares(view: Callable[..., Any] | None, location: str) -> bool:
    """Whether the view reads arguments from ``location`` (flask-smorest's ``arguments``)."""
    return any(
        p.get("in") == location
        for layer in layers(view)
        for p in getattr(layer, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    )
