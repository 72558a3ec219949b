from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Attendance")


@_attrs_define
class Attendance:
    """
    Attributes:
        commissioner (int | Unset): How many came as commissioner.
        family_member_or_carer (int | Unset): How many came as family member or carer.
        neighbour_or_community_member (int | Unset): How many came as neighbour or community member.
        partner_organisation (int | Unset): How many came as partner organisation.
        person_using_services (int | Unset): How many came as person using services.
        professional (int | Unset): How many came as professional.
        volunteer (int | Unset): How many came as volunteer.
    """

    commissioner: int | Unset = UNSET
    family_member_or_carer: int | Unset = UNSET
    neighbour_or_community_member: int | Unset = UNSET
    partner_organisation: int | Unset = UNSET
    person_using_services: int | Unset = UNSET
    professional: int | Unset = UNSET
    volunteer: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        commissioner = self.commissioner

        family_member_or_carer = self.family_member_or_carer

        neighbour_or_community_member = self.neighbour_or_community_member

        partner_organisation = self.partner_organisation

        person_using_services = self.person_using_services

        professional = self.professional

        volunteer = self.volunteer

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if commissioner is not UNSET:
            field_dict["commissioner"] = commissioner
        if family_member_or_carer is not UNSET:
            field_dict["family_member_or_carer"] = family_member_or_carer
        if neighbour_or_community_member is not UNSET:
            field_dict["neighbour_or_community_member"] = neighbour_or_community_member
        if partner_organisation is not UNSET:
            field_dict["partner_organisation"] = partner_organisation
        if person_using_services is not UNSET:
            field_dict["person_using_services"] = person_using_services
        if professional is not UNSET:
            field_dict["professional"] = professional
        if volunteer is not UNSET:
            field_dict["volunteer"] = volunteer

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        commissioner = d.pop("commissioner", UNSET)

        family_member_or_carer = d.pop("family_member_or_carer", UNSET)

        neighbour_or_community_member = d.pop("neighbour_or_community_member", UNSET)

        partner_organisation = d.pop("partner_organisation", UNSET)

        person_using_services = d.pop("person_using_services", UNSET)

        professional = d.pop("professional", UNSET)

        volunteer = d.pop("volunteer", UNSET)

        attendance = cls(
            commissioner=commissioner,
            family_member_or_carer=family_member_or_carer,
            neighbour_or_community_member=neighbour_or_community_member,
            partner_organisation=partner_organisation,
            person_using_services=person_using_services,
            professional=professional,
            volunteer=volunteer,
        )

        return attendance
