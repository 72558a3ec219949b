from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Publish")


@_attrs_define
class Publish:
    """
    Attributes:
        agreed_by (str): Who agreed, such as a name and role; kept with the entry.
        owners_agree (bool): true: you confirm that the initiative's owners agree to publishing this case study to every
            organisation on the server (and, if the operator turns public pages on, to anyone).
        place (str | Unset): The local authority area it happened in, for the filters. Default: ''.
    """

    agreed_by: str
    owners_agree: bool
    place: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        agreed_by = self.agreed_by

        owners_agree = self.owners_agree

        place = self.place

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "agreed_by": agreed_by,
                "owners_agree": owners_agree,
            }
        )
        if place is not UNSET:
            field_dict["place"] = place

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agreed_by = d.pop("agreed_by")

        owners_agree = d.pop("owners_agree")

        place = d.pop("place", UNSET)

        publish = cls(
            agreed_by=agreed_by,
            owners_agree=owners_agree,
            place=place,
        )

        return publish
