from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.participant_consent import ParticipantConsent
from ..models.participant_consent_given_by_type_1 import ParticipantConsentGivenByType1
from ..models.participant_consent_given_by_type_2_type_1 import ParticipantConsentGivenByType2Type1
from ..models.participant_consent_given_by_type_3_type_1 import ParticipantConsentGivenByType3Type1
from ..models.participant_publication_consent import ParticipantPublicationConsent
from ..models.participant_role import ParticipantRole

T = TypeVar("T", bound="Participant")


@_attrs_define
class Participant:
    """
    Attributes:
        consent (ParticipantConsent): given, not_recorded or withdrawn. Only participants whose consent is given count
            as taking part in the toolkits' rules. Withdrawing it withdraws consent to publish too. Default:
            ParticipantConsent.NOT_RECORDED.
        consent_given_by (None | ParticipantConsentGivenByType1 | ParticipantConsentGivenByType2Type1 |
            ParticipantConsentGivenByType3Type1): Who gave consent: self (the person; in Scotland a child of 12 or over is
            presumed able to), welfare_attorney or guardian (for an adult who cannot decide, under the Adults with
            Incapacity (Scotland) Act 2000), or parent (for a young child). Null while unknown.
        consent_given_on (datetime.date | None): The date consent was given, as you know it (the date on a signed paper
            form), not the day it is typed in; not in the future. Null while unknown.
        consent_recorded_at (datetime.datetime | None): When consent was last given or withdrawn, set by the server;
            null while it is not recorded.
        created_at (datetime.datetime):
        display_name (str): A name or pseudonym to show: nothing else about the person is stored, so use a pseudonym
            where a name is not needed.
        erased_at (datetime.datetime | None): When this record's personal data was erased (POST
            /participants/{id}/erasure); null unless it was.
        external_ref (None | str): Your own system's id for this record (for example a CRM id): unique where it is used,
            and a filter on lists.
        id (str): Opaque id: a type prefix and 26 characters; sorts by creation.
        initiative_id (str):
        publication_consent (ParticipantPublicationConsent): given, not_recorded or withdrawn: whether what came from
            them (their words, voice, picture) may be published beyond your organisation, asked separately from consent to
            take part. Given only with consent given and with consent_given_on and consent_given_by recorded. Existing
            participants start at not_recorded. Default: ParticipantPublicationConsent.NOT_RECORDED.
        publication_consent_recorded_at (datetime.datetime | None): When consent to publish was last given or withdrawn,
            set by the server; null while it is not recorded.
        role (ParticipantRole): The part they play: person_using_services, family_member_or_carer,
            neighbour_or_community_member, professional, volunteer, partner_organisation, commissioner.
        updated_at (datetime.datetime):
        version (int): Rises with every change; the ETag is built from it.
    """

    consent_given_by: (
        None
        | ParticipantConsentGivenByType1
        | ParticipantConsentGivenByType2Type1
        | ParticipantConsentGivenByType3Type1
    )
    consent_given_on: datetime.date | None
    consent_recorded_at: datetime.datetime | None
    created_at: datetime.datetime
    display_name: str
    erased_at: datetime.datetime | None
    external_ref: None | str
    id: str
    initiative_id: str
    publication_consent_recorded_at: datetime.datetime | None
    role: ParticipantRole
    updated_at: datetime.datetime
    version: int
    consent: ParticipantConsent = ParticipantConsent.NOT_RECORDED
    publication_consent: ParticipantPublicationConsent = ParticipantPublicationConsent.NOT_RECORDED

    def to_dict(self) -> dict[str, Any]:
        consent = self.consent.value

        consent_given_by: None | str
        if isinstance(self.consent_given_by, ParticipantConsentGivenByType1):
            consent_given_by = self.consent_given_by.value
        elif isinstance(self.consent_given_by, ParticipantConsentGivenByType2Type1):
            consent_given_by = self.consent_given_by.value
        elif isinstance(self.consent_given_by, ParticipantConsentGivenByType3Type1):
            consent_given_by = self.consent_given_by.value
        else:
            consent_given_by = self.consent_given_by

        consent_given_on: None | str
        if isinstance(self.consent_given_on, datetime.date):
            consent_given_on = self.consent_given_on.isoformat()
        else:
            consent_given_on = self.consent_given_on

        consent_recorded_at: None | str
        if isinstance(self.consent_recorded_at, datetime.datetime):
            consent_recorded_at = self.consent_recorded_at.isoformat()
        else:
            consent_recorded_at = self.consent_recorded_at

        created_at = self.created_at.isoformat()

        display_name = self.display_name

        erased_at: None | str
        if isinstance(self.erased_at, datetime.datetime):
            erased_at = self.erased_at.isoformat()
        else:
            erased_at = self.erased_at

        external_ref: None | str
        external_ref = self.external_ref

        id = self.id

        initiative_id = self.initiative_id

        publication_consent = self.publication_consent.value

        publication_consent_recorded_at: None | str
        if isinstance(self.publication_consent_recorded_at, datetime.datetime):
            publication_consent_recorded_at = self.publication_consent_recorded_at.isoformat()
        else:
            publication_consent_recorded_at = self.publication_consent_recorded_at

        role = self.role.value

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "consent": consent,
                "consent_given_by": consent_given_by,
                "consent_given_on": consent_given_on,
                "consent_recorded_at": consent_recorded_at,
                "created_at": created_at,
                "display_name": display_name,
                "erased_at": erased_at,
                "external_ref": external_ref,
                "id": id,
                "initiative_id": initiative_id,
                "publication_consent": publication_consent,
                "publication_consent_recorded_at": publication_consent_recorded_at,
                "role": role,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        consent = ParticipantConsent(d.pop("consent"))

        def _parse_consent_given_by(
            data: object,
        ) -> (
            None
            | ParticipantConsentGivenByType1
            | ParticipantConsentGivenByType2Type1
            | ParticipantConsentGivenByType3Type1
        ):
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_by_type_1 = ParticipantConsentGivenByType1(data)

                return consent_given_by_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_by_type_2_type_1 = ParticipantConsentGivenByType2Type1(data)

                return consent_given_by_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_by_type_3_type_1 = ParticipantConsentGivenByType3Type1(data)

                return consent_given_by_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None
                | ParticipantConsentGivenByType1
                | ParticipantConsentGivenByType2Type1
                | ParticipantConsentGivenByType3Type1,
                data,
            )

        consent_given_by = _parse_consent_given_by(d.pop("consent_given_by"))

        def _parse_consent_given_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_on_type_0 = datetime.date.fromisoformat(data)

                return consent_given_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        consent_given_on = _parse_consent_given_on(d.pop("consent_given_on"))

        def _parse_consent_recorded_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_recorded_at_type_0 = datetime.datetime.fromisoformat(data)

                return consent_recorded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        consent_recorded_at = _parse_consent_recorded_at(d.pop("consent_recorded_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        display_name = d.pop("display_name")

        def _parse_erased_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                erased_at_type_0 = datetime.datetime.fromisoformat(data)

                return erased_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        erased_at = _parse_erased_at(d.pop("erased_at"))

        def _parse_external_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ref = _parse_external_ref(d.pop("external_ref"))

        id = d.pop("id")

        initiative_id = d.pop("initiative_id")

        publication_consent = ParticipantPublicationConsent(d.pop("publication_consent"))

        def _parse_publication_consent_recorded_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                publication_consent_recorded_at_type_0 = datetime.datetime.fromisoformat(data)

                return publication_consent_recorded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        publication_consent_recorded_at = _parse_publication_consent_recorded_at(
            d.pop("publication_consent_recorded_at")
        )

        role = ParticipantRole(d.pop("role"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        participant = cls(
            consent=consent,
            consent_given_by=consent_given_by,
            consent_given_on=consent_given_on,
            consent_recorded_at=consent_recorded_at,
            created_at=created_at,
            display_name=display_name,
            erased_at=erased_at,
            external_ref=external_ref,
            id=id,
            initiative_id=initiative_id,
            publication_consent=publication_consent,
            publication_consent_recorded_at=publication_consent_recorded_at,
            role=role,
            updated_at=updated_at,
            version=version,
        )

        return participant
