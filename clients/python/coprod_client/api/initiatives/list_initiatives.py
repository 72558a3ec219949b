import datetime
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.initiative_page import InitiativePage
from ...models.list_initiatives_status import ListInitiativesStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    status: ListInitiativesStatus | Unset = UNSET,
    toolkit: str | Unset = UNSET,
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

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["toolkit"] = toolkit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/initiatives",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> InitiativePage | Problem | None:
    if response.status_code == 200:
        response_200 = InitiativePage.from_dict(response.json())

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
) -> Response[InitiativePage | Problem]:
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
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    status: ListInitiativesStatus | Unset = UNSET,
    toolkit: str | Unset = UNSET,
) -> Response[InitiativePage | Problem]:
    """List your organisation's initiatives, oldest first.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        status (ListInitiativesStatus | Unset):
        toolkit (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InitiativePage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        status=status,
        toolkit=toolkit,
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
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    status: ListInitiativesStatus | Unset = UNSET,
    toolkit: str | Unset = UNSET,
) -> InitiativePage:
    """List your organisation's initiatives, oldest first.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        status (ListInitiativesStatus | Unset):
        toolkit (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InitiativePage
    """

    response = sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        status=status,
        toolkit=toolkit,
    )
    return cast(InitiativePage, errors.success_of(response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    status: ListInitiativesStatus | Unset = UNSET,
    toolkit: str | Unset = UNSET,
) -> Response[InitiativePage | Problem]:
    """List your organisation's initiatives, oldest first.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        status (ListInitiativesStatus | Unset):
        toolkit (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InitiativePage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        status=status,
        toolkit=toolkit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    status: ListInitiativesStatus | Unset = UNSET,
    toolkit: str | Unset = UNSET,
) -> InitiativePage:
    """List your organisation's initiatives, oldest first.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        status (ListInitiativesStatus | Unset):
        toolkit (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InitiativePage
    """

    response = await asyncio_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        status=status,
        toolkit=toolkit,
    )
    return cast(InitiativePage, errors.success_of(response))
