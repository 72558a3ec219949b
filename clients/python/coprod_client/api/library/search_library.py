from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.library_entry_page import LibraryEntryPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    q: str | Unset = UNSET,
    toolkit: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    theme: str | Unset = UNSET,
    place: str | Unset = UNSET,
    year: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    params["q"] = q

    params["toolkit"] = toolkit

    params["stage"] = stage

    params["theme"] = theme

    params["place"] = place

    params["year"] = year

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/library",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> LibraryEntryPage | Problem | None:
    if response.status_code == 200:
        response_200 = LibraryEntryPage.from_dict(response.json())

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
) -> Response[LibraryEntryPage | Problem]:
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
    q: str | Unset = UNSET,
    toolkit: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    theme: str | Unset = UNSET,
    place: str | Unset = UNSET,
    year: int | Unset = UNSET,
) -> Response[LibraryEntryPage | Problem]:
    """Search the library of every organisation on the server, oldest published first.

     q searches the title, the organisation, the place, the themes and the section texts
    (SQLite FTS5; PostgreSQL full text); the filters narrow it; pages by cursor.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        q (str | Unset):
        toolkit (str | Unset):
        stage (str | Unset):
        theme (str | Unset):
        place (str | Unset):
        year (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LibraryEntryPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        q=q,
        toolkit=toolkit,
        stage=stage,
        theme=theme,
        place=place,
        year=year,
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
    q: str | Unset = UNSET,
    toolkit: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    theme: str | Unset = UNSET,
    place: str | Unset = UNSET,
    year: int | Unset = UNSET,
) -> LibraryEntryPage:
    """Search the library of every organisation on the server, oldest published first.

     q searches the title, the organisation, the place, the themes and the section texts
    (SQLite FTS5; PostgreSQL full text); the filters narrow it; pages by cursor.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        q (str | Unset):
        toolkit (str | Unset):
        stage (str | Unset):
        theme (str | Unset):
        place (str | Unset):
        year (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LibraryEntryPage
    """

    response = sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        q=q,
        toolkit=toolkit,
        stage=stage,
        theme=theme,
        place=place,
        year=year,
    )
    return cast(LibraryEntryPage, errors.success_of(response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    q: str | Unset = UNSET,
    toolkit: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    theme: str | Unset = UNSET,
    place: str | Unset = UNSET,
    year: int | Unset = UNSET,
) -> Response[LibraryEntryPage | Problem]:
    """Search the library of every organisation on the server, oldest published first.

     q searches the title, the organisation, the place, the themes and the section texts
    (SQLite FTS5; PostgreSQL full text); the filters narrow it; pages by cursor.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        q (str | Unset):
        toolkit (str | Unset):
        stage (str | Unset):
        theme (str | Unset):
        place (str | Unset):
        year (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LibraryEntryPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        q=q,
        toolkit=toolkit,
        stage=stage,
        theme=theme,
        place=place,
        year=year,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    q: str | Unset = UNSET,
    toolkit: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    theme: str | Unset = UNSET,
    place: str | Unset = UNSET,
    year: int | Unset = UNSET,
) -> LibraryEntryPage:
    """Search the library of every organisation on the server, oldest published first.

     q searches the title, the organisation, the place, the themes and the section texts
    (SQLite FTS5; PostgreSQL full text); the filters narrow it; pages by cursor.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        q (str | Unset):
        toolkit (str | Unset):
        stage (str | Unset):
        theme (str | Unset):
        place (str | Unset):
        year (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LibraryEntryPage
    """

    response = await asyncio_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        q=q,
        toolkit=toolkit,
        stage=stage,
        theme=theme,
        place=place,
        year=year,
    )
    return cast(LibraryEntryPage, errors.success_of(response))
