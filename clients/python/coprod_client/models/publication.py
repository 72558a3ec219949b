from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Publication")


@_attrs_define
class Publication:
    """
    Attributes:
        dated_on (datetime.date):
        id (str): The library entry's id: the audit log's record_id for its publication, each publication again and its
            withdrawal (record_type library_entry).
        kind (str): retrospective or futuring (imagined).
        organisation (str):
        owners_agreed_by (str):
        place (str):
        published_at (datetime.datetime):
        slug (str): Its address in the library.
        stage_reached (str):
        summary (str):
        themes (list[str]):
        title (str):
        toolkit (str):
        year (int):
    """

    dated_on: datetime.date
    id: str
    kind: str
    organisation: str
    owners_agreed_by: str
    place: str
    published_at: datetime.datetime
    slug: str
    stage_reached: str
    summary: str
    themes: list[str]
    title: str
    toolkit: str
    year: int

    def to_dict(self) -> dict[str, Any]:
        dated_on = self.dated_on.isoformat()

        id = self.id

        kind = self.kind

        organisation = self.organisation

        owners_agreed_by = self.owners_agreed_by

        place = self.place

        published_at = self.published_at.isoformat()

        slug = self.slug

        stage_reached = self.stage_reached

        summary = self.summary

        themes = self.themes

        title = self.title

        toolkit = self.toolkit

        year = self.year

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "dated_on": dated_on,
                "id": id,
                "kind": kind,
                "organisation": organisation,
                "owners_agreed_by": owners_agreed_by,
                "place": place,
                "published_at": published_at,
                "slug": slug,
                "stage_reached": stage_reached,
                "summary": summary,
                "themes": themes,
                "title": title,
                "toolkit": toolkit,
                "year": year,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dated_on = datetime.date.fromisoformat(d.pop("dated_on"))

        id = d.pop("id")

        kind = d.pop("kind")

        organisation = d.pop("organisation")

        owners_agreed_by = d.pop("owners_agreed_by")

        place = d.pop("place")

        published_at = datetime.datetime.fromisoformat(d.pop("published_at"))

        slug = d.pop("slug")

        stage_reached = d.pop("stage_reached")

        summary = d.pop("summary")

        themes = cast(list[str], d.pop("themes"))

        title = d.pop("title")

        toolkit = d.pop("toolkit")

        year = d.pop("year")

        publication = cls(
            dated_on=dated_on,
            id=id,
            kind=kind,
            organisation=organisation,
            owners_agreed_by=owners_agreed_by,
            place=place,
            published_at=published_at,
            slug=slug,
            stage_reached=stage_reached,
            summary=summary,
            themes=themes,
            title=title,
            toolkit=toolkit,
            year=year,
        )

        return publication
