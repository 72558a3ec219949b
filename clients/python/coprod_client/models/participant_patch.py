from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.participant_patch_consent import ParticipantPatchConsent
from ..models.participant_patch_consent_given_by_type_1 import ParticipantPatchConsentGivenByType1
from ..models.participant_patch_consent_given_by_type_2_type_1 import ParticipantPatchConsentGivenByType2Type1
from ..models.participant_patch_consent_given_by_type_3_type_1 import ParticipantPatchConsentGivenByType3Type1
from ..models.participant_patch_publication_consent import ParticipantPatchPublicationConsent
from ..models.participant_patch_role import ParticipantPatchRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="ParticipantPatch")


@_attrs_define
class ParticipantPatch:
    """
    Attributes:
        consent (ParticipantPatchConsent | Unset): given, not_recorded or withdrawn. Only participants whose consent is
            given count as taking part in the toolkits' rules. Withdrawing it withdraws consent to publish too.
        consent_given_by (None | ParticipantPatchConsentGivenByType1 | ParticipantPatchConsentGivenByType2Type1 |
            ParticipantPatchConsentGivenByType3Type1 | Unset): Who gave consent: self (the person; in Scotland a child of 12
            or over is presumed able to), welfare_attorney or guardian (for an adult who cannot decide, under the Adults
            with Incapacity (Scotland) Act 2000), or parent (for a young child). Null while unknown.
        consent_given_on (datetime.date | None | Unset): The date consent was given, as you know it (the date on a
            signed paper form), not the day it is typed in; not in the future. Null while unknown.
        display_name (str | Unset): A name or pseudonym to show: nothing else about the person is stored, so use a
            pseudonym where a name is not needed.
        external_ref (None | str | Unset): Your own system's id for this record (for example a CRM id): unique where it
            is used, and a filter on lists.
        publication_consent (ParticipantPatchPublicationConsent | Unset): given, not_recorded or withdrawn: whether what
            came from them (their words, voice, picture) may be published beyond your organisation, asked separately from
            consent to take part. Given only with consent given and with consent_given_on and consent_given_by recorded.
            Existing participants start at not_recorded.
        role (ParticipantPatchRole | Unset): The part they play: person_using_services, family_member_or_carer,
            neighbour_or_community_member, professional, volunteer, partner_organisation, commissioner.
    """

    consent: ParticipantPatchConsent | Unset = UNSET
    consent_given_by: (
        None
        | ParticipantPatchConsentGivenByType1
        | ParticipantPatchConsentGivenByType2Type1
        | ParticipantPatchConsentGivenByType3Type1
        | Unset
    ) = UNSET
    consent_given_on: datetime.date | None | Unset = UNSET
    display_name: str | Unset = UNSET
    external_ref: None | str | Unset = UNSET
    publication_consent: ParticipantPatchPublicationConsent | Unset = UNSET
    role: ParticipantPatchRole | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        consent: str | Unset = UNSET
        if not isinstance(self.consent, Unset):
            consent = self.consent.value

        consent_given_by: None | str | Unset
        if isinstance(self.consent_given_by, Unset):
            consent_given_by = UNSET
        elif isinstance(self.consent_given_by, ParticipantPatchConsentGivenByType1):
            consent_given_by = self.consent_given_by.value
        elif isinstance(self.consent_given_by, ParticipantPatchConsentGivenByType2Type1):
            consent_given_by = self.consent_given_by.value
        elif isinstance(self.consent_given_by, ParticipantPatchConsentGivenByType3Type1):
            consent_given_by = self.consent_given_by.value
        else:
            consent_given_by = self.consent_given_by

        consent_given_on: None | str | Unset
        if isinstance(self.consent_given_on, Unset):
            consent_given_on = UNSET
        elif isinstance(self.consent_given_on, datetime.date):
            consent_given_on = self.consent_given_on.isoformat()
        else:
            consent_given_on = self.consent_given_on

        display_name = self.display_name

        external_ref: None | str | Unset
        if isinstance(self.external_ref, Unset):
            external_ref = UNSET
        else:
            external_ref = self.external_ref

        publication_consent: str | Unset = UNSET
        if not isinstance(self.publication_consent, Unset):
            publication_consent = self.publication_consent.value

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if consent is not UNSET:
            field_dict["consent"] = consent
        if consent_given_by is not UNSET:
            field_dict["consent_given_by"] = consent_given_by
        if consent_given_on is not UNSET:
            field_dict["consent_given_on"] = consent_given_on
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if external_ref is not UNSET:
            field_dict["external_ref"] = external_ref
        if publication_consent is not UNSET:
            field_dict["publication_consent"] = publication_consent
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _consent = d.pop("consent", UNSET)
        consent: ParticipantPatchConsent | Unset
        if isinstance(_consent, Unset):
            consent = UNSET
        else:
            consent = ParticipantPatchConsent(_consent)

        def _parse_consent_given_by(
            data: object,
        ) -> (
            None
            | ParticipantPatchConsentGivenByType1
            | ParticipantPatchConsentGivenByType2Type1
            | ParticipantPatchConsentGivenByType3Type1
            | Unset
        ):
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_by_type_1 = ParticipantPatchConsentGivenByType1(data)

                return consent_given_by_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_by_type_2_type_1 = ParticipantPatchConsentGivenByType2Type1(data)

                return consent_given_by_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_by_type_3_type_1 = ParticipantPatchConsentGivenByType3Type1(data)

                return consent_given_by_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None
                | ParticipantPatchConsentGivenByType1
                | ParticipantPatchConsentGivenByType2Type1
                | ParticipantPatchConsentGivenByType3Type1
                | Unset,
                data,
            )

        consent_given_by = _parse_consent_given_by(d.pop("consent_given_by", UNSET))

        def _parse_consent_given_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_on_type_0 = datetime.date.fromisoformat(data)

                return consent_given_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        consent_given_on = _parse_consent_given_on(d.pop("consent_given_on", UNSET))

        display_name = d.pop("display_name", UNSET)

        def _parse_external_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_ref = _parse_external_ref(d.pop("external_ref", UNSET))

        _publication_consent = d.pop("publication_consent", UNSET)
        publication_consent: ParticipantPatchPublicationConsent | Unset
        if isinstance(_publication_consent, Unset):
            publication_consent = UNSET
        else:
            publication_consent = ParticipantPatchPublicationConsent(_publication_consent)

        _role = d.pop("role", UNSET)
        role: ParticipantPatchRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = ParticipantPatchRole(_role)

        participant_patch = cls(
            consent=consent,
            consent_given_by=consent_given_by,
            consent_given_on=consent_given_on,
            display_name=display_name,
            external_ref=external_ref,
            publication_consent=publication_consent,
            role=role,
        )

        return participant_patch
