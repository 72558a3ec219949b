"""Consent fit for publishing: when it was given, by whom, and whether to publish.

UK practice asks for consent to publish (a name, a voice, a photo) separately from
consent to take part, and records when and by whom it was given: the person, or for an
adult who cannot decide a welfare attorney or guardian (Adults with Incapacity (Scotland)
Act 2000), or for a young child a parent. So a participant carries, beside the consent
status the toolkits' rules read:

- ``consent_given_on``: the date the caller says consent was given (the date on a paper
  form signed last week), never later than today;
- ``consent_given_by``: who gave it (``ConsentGiver``);
- ``publication_consent``: given, not_recorded or withdrawn, stamped by the server when
  it changes. It can only be given on top of consent to use, with its date and giver.

Evidence has its own ``publication_consent`` too (a photo of a group has no one
participant). What may leave the organisation is decided by ``publishable``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from toolkits_core._services.errors import Invalid
from toolkits_core._store.models import Evidence, Participant, utc_now
from toolkits_core._views import Consent


class ConsentGiver(enum.StrEnum):
    """Who gave a participant's consent."""

    SELF = "self"
    """The person themself (in Scotland, a child of 12 or over is presumed able to)."""
    WELFARE_ATTORNEY = "welfare_attorney"
    """Someone the person appointed, while able, to decide on their welfare."""
    GUARDIAN = "guardian"
    """A welfare guardian appointed by a court for an adult who cannot decide."""
    PARENT = "parent"
    """A parent or someone with parental responsibility, for a young child."""


LATEST_OFFSET = dt.timedelta(hours=14)
"""The earliest time zone is UTC+14: a date later than today there is in the future."""


def consent_date(
    value: object, invalid: Invalid, field: str = "consent_given_on"
) -> dt.date | None:
    """The date consent was given, or a problem if it is not a date or in the future."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            invalid.add(field, f"{value!r} is not a date (YYYY-MM-DD).", "invalid_date")
            return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        invalid.add(field, "Give a date (YYYY-MM-DD).", "invalid_date")
        return None
    if value > (utc_now() + LATEST_OFFSET).date():
        invalid.add(
            field,
            f"{value.isoformat()} is in the future: give the date consent was given.",
            "consent_date_in_future",
        )
        return None
    return value


def consent_giver(value: object, invalid: Invalid) -> str | None:
    if value is None:
        return None
    try:
        return ConsentGiver(str(value)).value
    except ValueError:
        choices = ", ".join(giver.value for giver in ConsentGiver)
        invalid.add(
            "consent_given_by",
            f"{value!r} is not who can give consent ({choices}).",
            "unknown_consent_giver",
        )
        return None


def consent_status(value: object, invalid: Invalid, field: str) -> str:
    try:
        return Consent(str(value)).value
    except ValueError:
        choices = ", ".join(consent.value for consent in Consent)
        invalid.add(field, f"{value!r} is not a consent status ({choices}).", "unknown_consent")
        return ""


def check_participant_consent(merged: Mapping[str, Any], invalid: Invalid) -> None:
    """Publication consent rests on consent to use, with its date and giver recorded.

    ``merged`` is the participant as it would be after the change.
    """
    if merged.get("publication_consent") != Consent.GIVEN:
        return
    if merged.get("consent") != Consent.GIVEN:
        invalid.add(
            "publication_consent",
            "Consent to publish can only be given with consent to take part: set consent "
            "to given as well.",
            "publication_needs_consent",
        )
    for field in ("consent_given_on", "consent_given_by"):
        if merged.get(field) is None:
            invalid.add(
                field,
                "Say when and by whom consent was given before recording consent to publish.",
                "publication_needs_consent_record",
            )


def check_evidence_consent(merged: Mapping[str, Any], invalid: Invalid) -> None:
    """A piece may be consented for publication only if consented for use."""
    if merged.get("publication_consent") == Consent.GIVEN and merged.get("consent") != (
        Consent.GIVEN
    ):
        invalid.add(
            "publication_consent",
            "Consent to publish can only be given with consent to use: set consent to given "
            "as well.",
            "publication_needs_consent",
        )


def follow_consent(changes: dict[str, Any], current_publication: str) -> None:
    """Consent to use leaving ``given`` takes consent to publish with it.

    Withdrawing consent to take part withdraws consent to publish in the same change, so
    no published copy can keep a voice its person has taken back. A change that sends
    both is judged as sent (``check_participant_consent``).
    """
    consent = changes.get("consent")
    if "publication_consent" in changes or current_publication != Consent.GIVEN:
        return
    if consent is not None and consent != Consent.GIVEN:
        changes["publication_consent"] = (
            Consent.WITHDRAWN.value if consent == Consent.WITHDRAWN else Consent.NOT_RECORDED.value
        )


def publishable() -> sa.ColumnElement[bool]:
    """Evidence that may leave the organisation: public, consented for use and for
    publication, not erased, and (if it came from someone) with their consent to publish.

    Evaluated at every read of a published copy, so a withdrawal or erasure takes effect
    in the transaction that makes it.
    """
    person_agrees = (
        sa.select(Participant.id)
        .where(
            Participant.id == Evidence.participant_id,
            Participant.consent == Consent.GIVEN.value,
            Participant.publication_consent == Consent.GIVEN.value,
            Participant.erased_at.is_(None),
        )
        .exists()
    )
    return sa.and_(
        Evidence.visibility == "public",
        Evidence.consent == Consent.GIVEN.value,
        Evidence.publication_consent == Consent.GIVEN.value,
        Evidence.erased_at.is_(None),
        sa.or_(Evidence.participant_id.is_(None), person_agrees),
    )
