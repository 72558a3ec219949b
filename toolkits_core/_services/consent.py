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
participant). What may leave the organisation is decided by ``publishable``: evidence
from several people (``participant_ids``) needs every one of them to have agreed.

A participant's ``age_band`` (``AgeBand``) says who may give their consent. Under 16,
it is a parent or guardian (``consent_given_by`` parent or guardian), never the child
alone: a safeguarding choice, stricter than the law's minimum (a Scottish child of 12
or over may often consent to the use of their own data), because projects record
children's words and faces and publish them. At 16 or 17 a young person can usually
decide for themself in Scotland, so they may give their own consent, but who gave it
must be recorded.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from toolkits_core._services.errors import Invalid
from toolkits_core._store.models import Evidence, Participant, evidence_participants, utc_now
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


class AgeBand(enum.StrEnum):
    """How old a participant is, as far as consent is concerned: a band, never a birth date."""

    ADULT = "adult"
    """18 or over (and every participant recorded before age bands existed)."""
    SIXTEEN_OR_SEVENTEEN = "16-17"
    """A young person who can usually consent for themself in Scotland: self or a parent,
    recorded."""
    UNDER_16 = "under_16"
    """A child: consent is given by a parent or guardian on their behalf."""


CHILD_CONSENT_GIVERS = (ConsentGiver.PARENT, ConsentGiver.GUARDIAN)
"""Who may give consent for a participant under 16."""


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


def age_band(value: object, invalid: Invalid) -> str:
    try:
        return AgeBand(str(value)).value
    except ValueError:
        choices = ", ".join(band.value for band in AgeBand)
        invalid.add("age_band", f"{value!r} is not an age band ({choices}).", "unknown_age_band")
        return AgeBand.ADULT.value


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


def check_consent_for_age(merged: Mapping[str, Any], invalid: Invalid) -> None:
    """Consent given for a child is a parent's or guardian's; a 16- or 17-year-old's
    says who gave it.

    ``merged`` is the participant as it would be after the change, so this refuses both
    recording a child's own consent and making someone whose consent was their own into
    a child (their consent would silently become one they could not give): the caller
    records the parent's consent in the same change, or sets consent to not_recorded.
    Withdrawing consent needs nobody's say-so.
    """
    recorded = Consent.GIVEN in (merged.get("consent"), merged.get("publication_consent"))
    if not recorded:
        return
    band = merged.get("age_band", AgeBand.ADULT)
    giver = merged.get("consent_given_by")
    if band == AgeBand.UNDER_16 and giver not in CHILD_CONSENT_GIVERS:
        invalid.add(
            "consent_given_by",
            "This participant is under 16: their consent must be given by a parent or "
            "guardian. Send consent_given_by parent or guardian (and consent_given_on) with "
            "it ("
            + (f"consent given by {giver!r} is not enough" if giver else "nobody was named")
            + "). To make someone under 16 whose consent was their own, record the parent's "
            "consent in the same change or set consent to not_recorded.",
            "consent_needs_parent",
        )
    elif band == AgeBand.SIXTEEN_OR_SEVENTEEN and giver is None:
        invalid.add(
            "consent_given_by",
            "This participant is 16 or 17: say who gave their consent (self; a parent; or, "
            "where they cannot decide, a welfare attorney or guardian).",
            "consent_giver_needed",
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
    publication, not erased, and (if it came from people) with every one's consent to
    publish.

    Evaluated at every read of a published copy, so a withdrawal or erasure takes effect
    in the transaction that makes it.
    """
    return sa.and_(
        Evidence.visibility == "public",
        Evidence.consent == Consent.GIVEN.value,
        Evidence.publication_consent == Consent.GIVEN.value,
        Evidence.erased_at.is_(None),
        sa.not_(someone_disagrees(publication=True)),
    )


def someone_disagrees(*, publication: bool) -> sa.Exists:
    """Whether any of the evidence's people has not agreed (to its use, and with
    ``publication`` to its publication too) or was erased: the strictest of their consents.

    One seek in ``evidence_participants``' primary key per piece of evidence; evidence from
    nobody has no row, and no one to disagree.
    """
    agrees = [Participant.consent == Consent.GIVEN.value, Participant.erased_at.is_(None)]
    if publication:
        agrees.append(Participant.publication_consent == Consent.GIVEN.value)
    return (
        sa.select(evidence_participants.c.participant_id)
        .join(Participant, Participant.id == evidence_participants.c.participant_id)
        .where(evidence_participants.c.evidence_id == Evidence.id, sa.not_(sa.and_(*agrees)))
        .exists()
    )
