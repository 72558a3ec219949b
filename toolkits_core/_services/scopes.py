"""What a credential may do: fine scopes, and the read < write < admin bundles of them.

Each operation needs one fine scope, named ``<area>:<verb>``, so that an integration can be
given what it needs and nothing more: a CRM sync that follows the feed and writes records
(``feed:read records:write``) cannot mint keys, register clients or manage webhooks, and an
auditor's credential (``audit:read``) reads the audit log without being able to mint a key
that could do more.

``read``, ``write`` and ``admin`` are the scopes keys had before there were fine ones. They
stay, as bundles: a key made with ``write`` holds exactly what it held before (every
operation it could call, it still can, and no other). ``admin`` holds every fine scope, so
a scope added later is an admin's at once.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable


class Scope(enum.StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"
    RECORDS_READ = "records:read"
    RECORDS_WRITE = "records:write"
    FEED_READ = "feed:read"
    AUDIT_READ = "audit:read"
    PRIVACY_MANAGE = "privacy:manage"
    ORGANISATION_MANAGE = "organisation:manage"
    KEYS_MANAGE = "keys:manage"
    CLIENTS_MANAGE = "clients:manage"
    WEBHOOKS_MANAGE = "webhooks:manage"


FINE_SCOPES = tuple(scope for scope in Scope if ":" in scope.value)

BUNDLES: dict[Scope, frozenset[Scope]] = {
    Scope.READ: frozenset({Scope.RECORDS_READ, Scope.FEED_READ}),
    Scope.WRITE: frozenset({Scope.RECORDS_READ, Scope.FEED_READ, Scope.RECORDS_WRITE}),
    Scope.ADMIN: frozenset(FINE_SCOPES),
}
"""Each bundle, as the fine scopes it holds."""

SCOPE_DESCRIPTIONS: dict[Scope, str] = {
    Scope.READ: "Bundle: records:read and feed:read.",
    Scope.WRITE: "Bundle: read, and records:write.",
    Scope.ADMIN: "Bundle: every scope.",
    Scope.RECORDS_READ: "Read initiatives, participants, activities, evidence, assessments, "
    "toolkits and the organisation.",
    Scope.RECORDS_WRITE: "Create, change and delete those records (bulk included).",
    Scope.FEED_READ: "Read the change feed (/events) and the full export (/export).",
    Scope.AUDIT_READ: "Read the audit log.",
    Scope.PRIVACY_MANAGE: "Subject access requests and erasure of participants.",
    Scope.ORGANISATION_MANAGE: "Rename the organisation.",
    Scope.KEYS_MANAGE: "List, create and revoke API keys.",
    Scope.CLIENTS_MANAGE: "List, register and revoke OAuth2 clients.",
    Scope.WEBHOOKS_MANAGE: "Manage webhook subscriptions.",
}
"""What each scope allows, as the OpenAPI document and docs/api.md say it."""

SCOPE_NAMES = ", ".join(scope.value for scope in Scope)


@functools.cache
def _granted(scopes: frozenset[Scope]) -> frozenset[Scope]:
    found: set[Scope] = set()
    for scope in scopes:
        found |= BUNDLES.get(scope, {scope})
    return frozenset(found)


def granted(scopes: Iterable[Scope]) -> frozenset[Scope]:
    """The fine scopes that ``scopes`` (fine ones and bundles) hold between them."""
    return _granted(frozenset(scopes))


def holds(scopes: Iterable[Scope], needed: Scope) -> bool:
    """Whether ``scopes`` hold every fine scope ``needed`` (a fine scope or a bundle) is."""
    return granted((needed,)) <= granted(scopes)
