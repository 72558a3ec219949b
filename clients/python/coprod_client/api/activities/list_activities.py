import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.activity_page import ActivityPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    initiative_id: str,
    *,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    activity_type: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    place: str | Unset = UNSET,
    on_or_after: datetime.date | Unset = UNSET,
    on_or_before: datetime.date | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    params["external_ref"] = external_ref

    json_updated_since: str | Unset = UNSET
    if not isinstance(updated_since, Unset):
        json_updated_since = updated_since.isoformat()
    params["updated_since"] = json_updated_since

    params["q"] = q

    params["stage"] = stage

    params["activity_type"] = activity_type

    params["cycle"] = cycle

    params["participant_id"] = participant_id

    json_tag: list[str] | Unset = UNSET
    if not isinstance(tag, Unset):
        json_tag = tag

    params["tag"] = json_tag

    params["place"] = place

    json_on_or_after: str | Unset = UNSET
    if not isinstance(on_or_after, Unset):
        json_on_or_after = on_or_after.isoformat()
    params["on_or_after"] = json_on_or_after

    json_on_or_before: str | Unset = UNSET
    if not isinstance(on_or_before, Unset):
        json_on_or_before = on_or_before.isoformat()
    params["on_or_before"] = json_on_or_before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/initiatives/{initiative_id}/activities".format(
            initiative_id=quote(str(initiative_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ActivityPage | Problem | None:
    if response.status_code == 200:
        response_200 = ActivityPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 431:
        response_431 = Problem.from_dict(response.json())

        return response_431

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ActivityPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    activity_type: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    place: str | Unset = UNSET,
    on_or_after: datetime.date | Unset = UNSET,
    on_or_before: datetime.date | Unset = UNSET,
) -> Response[ActivityPage | Problem]:
    """List an initiative's activities, oldest first, each with its participant_ids.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        stage (str | Unset):
        activity_type (str | Unset):
        cycle (int | Unset):
        participant_id (str | Unset):
        tag (list[str] | Unset):
        place (str | Unset):
        on_or_after (datetime.date | Unset):
        on_or_before (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActivityPage | Problem]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        stage=stage,
        activity_type=activity_type,
        cycle=cycle,
        participant_id=participant_id,
        tag=tag,
        place=place,
        on_or_after=on_or_after,
        on_or_before=on_or_before,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    activity_type: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    place: str | Unset = UNSET,
    on_or_after: datetime.date | Unset = UNSET,
    on_or_before: datetime.date | Unset = UNSET,
) -> ActivityPage:
    """List an initiative's activities, oldest first, each with its participant_ids.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        stage (str | Unset):
        activity_type (str | Unset):
        cycle (int | Unset):
        participant_id (str | Unset):
        tag (list[str] | Unset):
        place (str | Unset):
        on_or_after (datetime.date | Unset):
        on_or_before (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActivityPage
    """

    response = sync_detailed(
        initiative_id=initiative_id,
        client=client,
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        stage=stage,
        activity_type=activity_type,
        cycle=cycle,
        participant_id=participant_id,
        tag=tag,
        place=place,
        on_or_after=on_or_after,
        on_or_before=on_or_before,
    )
    return cast(ActivityPage, errors.success_of(response))


async def asyncio_detailed(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    activity_type: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    place: str | Unset = UNSET,
    on_or_after: datetime.date | Unset = UNSET,
    on_or_before: datetime.date | Unset = UNSET,
) -> Response[ActivityPage | Problem]:
    """List an initiative's activities, oldest first, each with its participant_ids.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        stage (str | Unset):
        activity_type (str | Unset):
        cycle (int | Unset):
        participant_id (str | Unset):
        tag (list[str] | Unset):
        place (str | Unset):
        on_or_after (datetime.date | Unset):
        on_or_before (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActivityPage | Problem]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        stage=stage,
        activity_type=activity_type,
        cycle=cycle,
        participant_id=participant_id,
        tag=tag,
        place=place,
        on_or_after=on_or_after,
        on_or_before=on_or_before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    activity_type: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    place: str | Unset = UNSET,
    on_or_after: datetime.date | Unset = UNSET,
    on_or_before: datetime.date | Unset = UNSET,
) -> ActivityPage:
    """List an initiative's activities, oldest first, each with its participant_ids.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        stage (str | Unset):
        activity_type (str | Unset):
        cycle (int | Unset):
        participant_id (str | Unset):
        tag (list[str] | Unset):
        place (str | Unset):
        on_or_after (datetime.date | Unset):
        on_or_before (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActivityPage
    """

    response = await asyncio_detailed(
        initiative_id=initiative_id,
        client=client,
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        stage=stage,
        activity_type=activity_type,
        cycle=cycle,
        participant_id=participant_id,
        tag=tag,
        place=place,
        on_or_after=on_or_after,
        on_or_before=on_or_before,
    )
    return cast(ActivityPage, errors.success_of(response))
