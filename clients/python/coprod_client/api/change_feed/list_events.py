from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.change_page import ChangePage
from ...models.list_events_record_type_item import ListEventsRecordTypeItem
from ...models.list_events_type_item import ListEventsTypeItem
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    type_: list[ListEventsTypeItem] | Unset = UNSET,
    record_type: list[ListEventsRecordTypeItem] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    json_type_: list[str] | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = []
        for type_item_data in type_:
            type_item = type_item_data.value
            json_type_.append(type_item)

    params["type"] = json_type_

    json_record_type: list[str] | Unset = UNSET
    if not isinstance(record_type, Unset):
        json_record_type = []
        for record_type_item_data in record_type:
            record_type_item = record_type_item_data.value
            json_record_type.append(record_type_item)

    params["record_type"] = json_record_type

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/events",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ChangePage | Problem | None:
    if response.status_code == 200:
        response_200 = ChangePage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[ChangePage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    type_: list[ListEventsTypeItem] | Unset = UNSET,
    record_type: list[ListEventsRecordTypeItem] | Unset = UNSET,
) -> Response[ChangePage | Problem]:
    """Read the change feed, oldest first, from a cursor.

     Every create, change, deletion, stage move, consent withdrawal and erasure of the
    organisation's initiatives, participants, activities, evidence and assessments is
    here, in the order the changes committed. A cursor is never passed by an event that
    commits later: keep `next_cursor` and ask again to hear of everything, once. A
    deletion or an erasure is a tombstone: the id and the external_ref the record had.
    Without a cursor the feed starts at its oldest kept event; a cursor with events after
    it older than the retention (30 days by default) answers 410 `cursor_expired`, and an
    up-to-date cursor stays good however long nothing happens.

    Needs an API key or OAuth2 token with scope `feed:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        type_ (list[ListEventsTypeItem] | Unset):
        record_type (list[ListEventsRecordTypeItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChangePage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        type_=type_,
        record_type=record_type,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    type_: list[ListEventsTypeItem] | Unset = UNSET,
    record_type: list[ListEventsRecordTypeItem] | Unset = UNSET,
) -> ChangePage:
    """Read the change feed, oldest first, from a cursor.

     Every create, change, deletion, stage move, consent withdrawal and erasure of the
    organisation's initiatives, participants, activities, evidence and assessments is
    here, in the order the changes committed. A cursor is never passed by an event that
    commits later: keep `next_cursor` and ask again to hear of everything, once. A
    deletion or an erasure is a tombstone: the id and the external_ref the record had.
    Without a cursor the feed starts at its oldest kept event; a cursor with events after
    it older than the retention (30 days by default) answers 410 `cursor_expired`, and an
    up-to-date cursor stays good however long nothing happens.

    Needs an API key or OAuth2 token with scope `feed:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        type_ (list[ListEventsTypeItem] | Unset):
        record_type (list[ListEventsRecordTypeItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChangePage
    """

    response = sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        type_=type_,
        record_type=record_type,
    )
    return cast(ChangePage, errors.success_of(response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    type_: list[ListEventsTypeItem] | Unset = UNSET,
    record_type: list[ListEventsRecordTypeItem] | Unset = UNSET,
) -> Response[ChangePage | Problem]:
    """Read the change feed, oldest first, from a cursor.

     Every create, change, deletion, stage move, consent withdrawal and erasure of the
    organisation's initiatives, participants, activities, evidence and assessments is
    here, in the order the changes committed. A cursor is never passed by an event that
    commits later: keep `next_cursor` and ask again to hear of everything, once. A
    deletion or an erasure is a tombstone: the id and the external_ref the record had.
    Without a cursor the feed starts at its oldest kept event; a cursor with events after
    it older than the retention (30 days by default) answers 410 `cursor_expired`, and an
    up-to-date cursor stays good however long nothing happens.

    Needs an API key or OAuth2 token with scope `feed:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        type_ (list[ListEventsTypeItem] | Unset):
        record_type (list[ListEventsRecordTypeItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChangePage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        type_=type_,
        record_type=record_type,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    type_: list[ListEventsTypeItem] | Unset = UNSET,
    record_type: list[ListEventsRecordTypeItem] | Unset = UNSET,
) -> ChangePage:
    """Read the change feed, oldest first, from a cursor.

     Every create, change, deletion, stage move, consent withdrawal and erasure of the
    organisation's initiatives, participants, activities, evidence and assessments is
    here, in the order the changes committed. A cursor is never passed by an event that
    commits later: keep `next_cursor` and ask again to hear of everything, once. A
    deletion or an erasure is a tombstone: the id and the external_ref the record had.
    Without a cursor the feed starts at its oldest kept event; a cursor with events after
    it older than the retention (30 days by default) answers 410 `cursor_expired`, and an
    up-to-date cursor stays good however long nothing happens.

    Needs an API key or OAuth2 token with scope `feed:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        type_ (list[ListEventsTypeItem] | Unset):
        record_type (list[ListEventsRecordTypeItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChangePage
    """

    response = await asyncio_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        type_=type_,
        record_type=record_type,
    )
    return cast(ChangePage, errors.success_of(response))
