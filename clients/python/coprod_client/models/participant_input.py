from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.participant_input_age_band import ParticipantInputAgeBand
from ..models.participant_input_consent import ParticipantInputConsent
from ..models.participant_input_consent_given_by_type_1 import ParticipantInputConsentGivenByType1
from ..models.participant_input_consent_given_by_type_2_type_1 import ParticipantInputConsentGivenByType2Type1
from ..models.participant_input_consent_given_by_type_3_type_1 import ParticipantInputConsentGivenByType3Type1
from ..models.participant_input_publication_consent import ParticipantInputPublicationConsent
from ..models.participant_input_role import ParticipantInputRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="ParticipantInput")


@_attrs_define
class ParticipantInput:
    """
    Attributes:
        display_name (str): A name or pseudonym to show: nothing else about the person is stored, so use a pseudonym
            where a name is not needed.
        role (ParticipantInputRole): The part they play in this initiative (not their job title; where they come from is
            affiliation). Choose by what they do here:

            - person_using_services: Someone the initiative is about, taking part from their own experience: a person living
            with dementia, a pupil, a tenant, someone who uses or could use the service.
            - family_member_or_carer: A relative, partner, friend or unpaid carer of someone using services, taking part
            from that side of the experience. A paid care worker is a professional.
            - neighbour_or_community_member: Someone from the local community taking part as a resident or local trader, for
            themself rather than for an organisation: a neighbour, a café owner who hosts a session. Put the business or
            group they belong to in affiliation.
            - professional: Someone taking part as part of their paid job of providing a service to the people the
            initiative is about, whoever employs them: a council or NHS worker, a teacher, a dementia link worker. Staff of
            the organisation running the initiative are professionals. If they mainly deliver support or services here,
            choose professional even when their employer is a partner.
            - volunteer: Someone giving unpaid time to help run the initiative (a walk leader, a befriender, a young
            volunteer), not taking part as a person using services or a carer.
            - partner_organisation: Someone speaking for another organisation that shares the work (a charity, a network, a
            school, a business lending a venue): they represent it, bring its resources and can commit it, rather than
            deliver a service to people themselves. Put the organisation's name in affiliation.
            - commissioner: Someone who decides what services are bought or funded (a council or health board commissioner,
            a funder), taking part so that what is learnt can change what is paid for.

            GET /toolkits/{key} lists the same roles with labels.
        affiliation (None | str | Unset): The organisation or group they come from, as free text (Café Brio, St Ninian's
            High School, the local dementia network), whatever their role; null for none. Keep job titles and organisations
            out of display_name.
        age_band (ParticipantInputAgeBand | Unset): adult (18 or over; the default, and what every participant recorded
            before this field is), 16-17, or under_16. It decides who may give consent. under_16: consent (to take part or
            to publish) must be given by a parent or guardian, so recording it needs consent_given_by parent or guardian
            (422 consent_needs_parent otherwise, also when age_band changes to under_16 while the consent recorded was the
            person's own: send the parent's consent in the same change, or set consent to not_recorded). 16-17: in Scotland
            a young person of 16 or 17 can usually decide for themself, so self or parent may give it, but consent_given_by
            must be recorded (422 consent_giver_needed). Withdrawing consent is never refused. Default:
            ParticipantInputAgeBand.ADULT.
        consent (ParticipantInputConsent | Unset): given, not_recorded or withdrawn. Only participants whose consent is
            given count as taking part in the toolkits' rules. Withdrawing it withdraws consent to publish too. Default:
            ParticipantInputConsent.NOT_RECORDED.
        consent_given_by (None | ParticipantInputConsentGivenByType1 | ParticipantInputConsentGivenByType2Type1 |
            ParticipantInputConsentGivenByType3Type1 | Unset): Who gave consent: self (the person), welfare_attorney or
            guardian (for an adult who cannot decide, under the Adults with Incapacity (Scotland) Act 2000; guardian also
            for a child's legal guardian), or parent (someone with parental responsibility). For an age_band of under_16 it
            must be parent or guardian; for 16-17 it must be recorded. Null while unknown.
        consent_given_on (datetime.date | None | Unset): The date consent was given, as you know it (the date on a
            signed paper form), not the day it is typed in; not in the future. Null while unknown.
        external_ref (None | str | Unset): Your own system's id for this record (for example a CRM id): unique where it
            is used, and a filter on lists.
        publication_consent (ParticipantInputPublicationConsent | Unset): given, not_recorded or withdrawn: whether what
            came from them (their words, voice, picture) may be published beyond your organisation, asked separately from
            consent to take part. Given only with consent given and with consent_given_on and consent_given_by recorded.
            Existing participants start at not_recorded. Default: ParticipantInputPublicationConsent.NOT_RECORDED.
    """

    display_name: str
    role: ParticipantInputRole
    affiliation: None | str | Unset = UNSET
    age_band: ParticipantInputAgeBand | Unset = ParticipantInputAgeBand.ADULT
    consent: ParticipantInputConsent | Unset = ParticipantInputConsent.NOT_RECORDED
    consent_given_by: (
        None
        | ParticipantInputConsentGivenByType1
        | ParticipantInputConsentGivenByType2Type1
        | ParticipantInputConsentGivenByType3Type1
        | Unset
    ) = UNSET
    consent_given_on: datetime.date | None | Unset = UNSET
    external_ref: None | str | Unset = UNSET
    publication_consent: ParticipantInputPublicationConsent | Unset = ParticipantInputPublicationConsent.NOT_RECORDED

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        role = self.role.value

        affiliation: None | str | Unset
        if isinstance(self.affiliation, Unset):
            affiliation = UNSET
        else:
            affiliation = self.affiliation

        age_band: str | Unset = UNSET
        if not isinstance(self.age_band, Unset):
            age_band = self.age_band.value

        consent: str | Unset = UNSET
        if not isinstance(self.consent, Unset):
            consent = self.consent.value

        consent_given_by: None | str | Unset
        if isinstance(self.consent_given_by, Unset):
            consent_given_by = UNSET
        elif isinstance(self.consent_given_by, ParticipantInputConsentGivenByType1):
            consent_given_by = self.consent_given_by.value
        elif isinstance(self.consent_given_by, ParticipantInputConsentGivenByType2Type1):
            consent_given_by = self.consent_given_by.value
        elif isinstance(self.consent_given_by, ParticipantInputConsentGivenByType3Type1):
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

        external_ref: None | str | Unset
        if isinstance(self.external_ref, Unset):
            external_ref = UNSET
        else:
            external_ref = self.external_ref

        publication_consent: str | Unset = UNSET
        if not isinstance(self.publication_consent, Unset):
            publication_consent = self.publication_consent.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "display_name": display_name,
                "role": role,
            }
        )
        if affiliation is not UNSET:
            field_dict["affiliation"] = affiliation
        if age_band is not UNSET:
            field_dict["age_band"] = age_band
        if consent is not UNSET:
            field_dict["consent"] = consent
        if consent_given_by is not UNSET:
            field_dict["consent_given_by"] = consent_given_by
        if consent_given_on is not UNSET:
            field_dict["consent_given_on"] = consent_given_on
        if external_ref is not UNSET:
            field_dict["external_ref"] = external_ref
        if publication_consent is not UNSET:
            field_dict["publication_consent"] = publication_consent

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("display_name")

        role = ParticipantInputRole(d.pop("role"))

        def _parse_affiliation(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        affiliation = _parse_affiliation(d.pop("affiliation", UNSET))

        _age_band = d.pop("age_band", UNSET)
        age_band: ParticipantInputAgeBand | Unset
        if isinstance(_age_band, Unset):
            age_band = UNSET
        else:
            age_band = ParticipantInputAgeBand(_age_band)

        _consent = d.pop("consent", UNSET)
        consent: ParticipantInputConsent | Unset
        if isinstance(_consent, Unset):
            consent = UNSET
        else:
            consent = ParticipantInputConsent(_consent)

        def _parse_consent_given_by(
            data: object,
        ) -> (
            None
            | ParticipantInputConsentGivenByType1
            | ParticipantInputConsentGivenByType2Type1
            | ParticipantInputConsentGivenByType3Type1
            | Unset
        ):
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_by_type_1 = ParticipantInputConsentGivenByType1(data)

                return consent_given_by_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_by_type_2_type_1 = ParticipantInputConsentGivenByType2Type1(data)

                return consent_given_by_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                consent_given_by_type_3_type_1 = ParticipantInputConsentGivenByType3Type1(data)

                return consent_given_by_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None
                | ParticipantInputConsentGivenByType1
                | ParticipantInputConsentGivenByType2Type1
                | ParticipantInputConsentGivenByType3Type1
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

        def _parse_external_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_ref = _parse_external_ref(d.pop("external_ref", UNSET))

        _publication_consent = d.pop("publication_consent", UNSET)
        publication_consent: ParticipantInputPublicationConsent | Unset
        if isinstance(_publication_consent, Unset):
            publication_consent = UNSET
        else:
            publication_consent = ParticipantInputPublicationConsent(_publication_consent)

        participant_input = cls(
            display_name=display_name,
            role=role,
            affiliation=affiliation,
            age_band=age_band,
            consent=consent,
            consent_given_by=consent_given_by,
            consent_given_on=consent_given_on,
            external_ref=external_ref,
            publication_consent=publication_consent,
        )

        return participant_input
