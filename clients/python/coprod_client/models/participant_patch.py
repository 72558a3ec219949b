from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.participant_patch_consent import ParticipantPatchConsent
from ..models.participant_patch_role import ParticipantPatchRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="ParticipantPatch")


@_attrs_define
class ParticipantPatch:
    """
    Attributes:
        consent (ParticipantPatchConsent | Unset): given, not_recorded or withdrawn. Only participants whose consent is
            given count as taking part in the toolkits' rules.
        display_name (str | Unset): A name or pseudonym to show: nothing else about the person is stored, so use a
            pseudonym where a name is not needed.
        external_ref (None | str | Unset): Your own system's id for this record (for example a CRM id): unique where it
            is used, and a filter on lists.
        role (ParticipantPatchRole | Unset): The part they play: person_using_services, family_member_or_carer,
            neighbour_or_community_member, professional, volunteer, partner_organisation, commissioner.
    """

    consent: ParticipantPatchConsent | Unset = UNSET
    display_name: str | Unset = UNSET
    external_ref: None | str | Unset = UNSET
    role: ParticipantPatchRole | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        consent: str | Unset = UNSET
        if not isinstance(self.consent, Unset):
            consent = self.consent.value

        display_name = self.display_name

        external_ref: None | str | Unset
        if isinstance(self.external_ref, Unset):
            external_ref = UNSET
        else:
            external_ref = self.external_ref

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if consent is not UNSET:
            field_dict["consent"] = consent
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if external_ref is not UNSET:
            field_dict["external_ref"] = external_ref
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

        display_name = d.pop("display_name", UNSET)

        def _parse_external_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_ref = _parse_external_ref(d.pop("external_ref", UNSET))

        _role = d.pop("role", UNSET)
        role: ParticipantPatchRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = ParticipantPatchRole(_role)

        participant_patch = cls(
            consent=consent,
            display_name=display_name,
            external_ref=external_ref,
            role=role,
        )

        return participant_patch
