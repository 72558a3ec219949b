from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_o_auth_token_body import CreateOAuthTokenBody
from ...models.problem import Problem
from ...models.token import Token
from ...types import Response


def _get_kwargs(
    *,
    body: CreateOAuthTokenBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/oauth/token",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Token:
    if response.status_code == 200:
        response_200 = Token.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Token]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateOAuthTokenBody,
) -> Response[Problem | Token]:
    """Trade a client's id and secret for a bearer token (OAuth2 client credentials).

     Send them by HTTP Basic (client_secret_basic) or in the form (client_secret_post),
    with grant_type=client_credentials and, optionally, the scopes wanted.

    Args:
        body (CreateOAuthTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Token]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateOAuthTokenBody,
) -> Token:
    """Trade a client's id and secret for a bearer token (OAuth2 client credentials).

     Send them by HTTP Basic (client_secret_basic) or in the form (client_secret_post),
    with grant_type=client_credentials and, optionally, the scopes wanted.

    Args:
        body (CreateOAuthTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Token
    """

    response = sync_detailed(
        client=client,
        body=body,
    )
    return cast(Token, errors.success_of(response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateOAuthTokenBody,
) -> Response[Problem | Token]:
    """Trade a client's id and secret for a bearer token (OAuth2 client credentials).

     Send them by HTTP Basic (client_secret_basic) or in the form (client_secret_post),
    with grant_type=client_credentials and, optionally, the scopes wanted.

    Args:
        body (CreateOAuthTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Token]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateOAuthTokenBody,
) -> Token:
    """Trade a client's id and secret for a bearer token (OAuth2 client credentials).

     Send them by HTTP Basic (client_secret_basic) or in the form (client_secret_post),
    with grant_type=client_credentials and, optionally, the scopes wanted.

    Args:
        body (CreateOAuthTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Token
    """

    response = await asyncio_detailed(
        client=client,
        body=body,
    )
    return cast(Token, errors.success_of(response))
