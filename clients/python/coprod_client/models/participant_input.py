from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.participant_input_consent import ParticipantInputConsent
from ..models.participant_input_role import ParticipantInputRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="ParticipantInput")


@_attrs_define
class ParticipantInput:
    """
    Attributes:
        display_name (str): A name or pseudonym to show: nothing else about the person is stored, so use a pseudonym
            where a name is not needed.
        role (ParticipantInputRole): The part they play: person_using_services, family_member_or_carer,
            neighbour_or_community_member, professional, volunteer, partner_organisation, commissioner.
        consent (ParticipantInputConsent | Unset): given, not_recorded or withdrawn. Only participants whose consent is
            given count as taking part in the toolkits' rules. Default: ParticipantInputConsent.NOT_RECORDED.
        external_ref (None | str | Unset): Your own system's id for this record (for example a CRM id): unique where it
            is used, and a filter on lists.
    """

    display_name: str
    role: ParticipantInputRole
    consent: ParticipantInputConsent | Unset = ParticipantInputConsent.NOT_RECORDED
    external_ref: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        role = self.role.value

        consent: str | Unset = UNSET
        if not isinstance(self.consent, Unset):
            consent = self.consent.value

        external_ref: None | str | Unset
        if isinstance(self.external_ref, Unset):
            external_ref = UNSET
        else:
            external_ref = self.external_ref

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "display_name": display_name,
                "role": role,
            }
        )
        if consent is not UNSET:
            field_dict["consent"] = consent
        if external_ref is not UNSET:
            field_dict["external_ref"] = external_ref

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("display_name")

        role = ParticipantInputRole(d.pop("role"))

        _consent = d.pop("consent", UNSET)
        consent: ParticipantInputConsent | Unset
        if isinstance(_consent, Unset):
            consent = UNSET
        else:
            consent = ParticipantInputConsent(_consent)

        def _parse_external_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_ref = _parse_external_ref(d.pop("external_ref", UNSET))

        participant_input = cls(
            display_name=display_name,
            role=role,
            consent=consent,
            external_ref=external_ref,
        )

        return participant_input
