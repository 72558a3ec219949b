"""What a write that lost a race is told, once the write that won has committed.

Two requests can read the same record, both pass their checks and both write. The
database keeps the data right: the version counter refuses an update or delete based on
a read that is no longer current, and a unique constraint refuses a second record with
the same ``external_ref``. Its refusal, though, tells an integrator nothing to act on.
Asked again after the winner committed, the loser's own checks give the answer it would
have had a moment later: 412 ``stale_etag`` for an ``If-Match`` that is no longer current,
404 for a record deleted meanwhile, 409 ``external_ref_taken`` naming the record that took
the reference. Only when none of them speaks is it a plain write conflict.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from toolkits_core._services.errors import (
    ConflictError,
    NotFoundError,
    PreconditionFailedError,
    ServiceError,
)
from toolkits_core._services.external_refs import (
    EXTERNAL_REF_CLAIMS,
    Claim,
    ensure_external_ref_free,
)
from toolkits_core._services.workspace import (
    KIND_NAMES,
    PRECONDITIONS,
    Workspace,
    check_if_match,
)


def explain_lost_race(ws: Workspace) -> ServiceError | None:
    """The refusal a write that lost a race should answer with, or None for a plain conflict.

    Rolls the request's transaction back (the database has refused it) and checks again,
    against what is committed now, the records the write checked ``If-Match`` on and the
    external references it claimed. If the database cannot be asked, says nothing.
    """
    preconditions: list[tuple[type[Any], str, str | None]] = ws.session.info.pop(PRECONDITIONS, [])
    claims: list[Claim] = ws.session.info.pop(EXTERNAL_REF_CLAIMS, [])
    try:
        ws.session.rollback()
        for model, record_id, if_match in preconditions:
            record = ws.session.get(model, record_id, populate_existing=True)
            if record is None:
                return NotFoundError(KIND_NAMES.get(model.__name__, model.__name__), record_id)
            check_if_match(record, if_match)
        for claim in claims:
            ensure_external_ref_free(
                ws,
                claim.model,
                claim.external_ref,
                initiative_id=claim.initiative_id,
                except_id=claim.except_id,
                compare=claim.compare,
            )
    except (PreconditionFailedError, ConflictError) as refusal:
        return refusal
    except sa.exc.SQLAlchemyError:
        return None
    finally:
        ws.session.info.pop(PRECONDITIONS, None)
        ws.session.info.pop(EXTERNAL_REF_CLAIMS, None)
    return None
