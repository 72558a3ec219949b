from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.stage_entry import StageEntry
from ...models.transition_request import TransitionRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    initiative_id: str,
    *,
    body: TransitionRequest,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/initiatives/{initiative_id}/transitions".format(
            initiative_id=quote(str(initiative_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | StageEntry | None:
    if response.status_code == 201:
        response_201 = StageEntry.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

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
) -> Response[Problem | StageEntry]:
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
    body: TransitionRequest,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | StageEntry]:
    """Move the initiative to another stage, or start a new round (new_round true).

     Refused with 409 (code transition_refused) and every blocker, from the toolkit's
    stage flow and its plugins, when it may not move yet; nothing changes then. A paused,
    completed or archived initiative does not move (409 initiative_paused,
    initiative_completed or initiative_archived). A new round goes from the last stage to
    the first where the toolkit allows it; what earlier rounds recorded stays, each record
    under its cycle. If-Match takes the initiative's ETag, so that two people cannot both
    move it on.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (TransitionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StageEntry]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    body: TransitionRequest,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> StageEntry:
    """Move the initiative to another stage, or start a new round (new_round true).

     Refused with 409 (code transition_refused) and every blocker, from the toolkit's
    stage flow and its plugins, when it may not move yet; nothing changes then. A paused,
    completed or archived initiative does not move (409 initiative_paused,
    initiative_completed or initiative_archived). A new round goes from the last stage to
    the first where the toolkit allows it; what earlier rounds recorded stays, each record
    under its cycle. If-Match takes the initiative's ETag, so that two people cannot both
    move it on.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (TransitionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        StageEntry
    """

    response = sync_detailed(
        initiative_id=initiative_id,
        client=client,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )
    return cast(StageEntry, errors.success_of(response))


async def asyncio_detailed(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    body: TransitionRequest,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | StageEntry]:
    """Move the initiative to another stage, or start a new round (new_round true).

     Refused with 409 (code transition_refused) and every blocker, from the toolkit's
    stage flow and its plugins, when it may not move yet; nothing changes then. A paused,
    completed or archived initiative does not move (409 initiative_paused,
    initiative_completed or initiative_archived). A new round goes from the last stage to
    the first where the toolkit allows it; what earlier rounds recorded stays, each record
    under its cycle. If-Match takes the initiative's ETag, so that two people cannot both
    move it on.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (TransitionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | StageEntry]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    body: TransitionRequest,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> StageEntry:
    """Move the initiative to another stage, or start a new round (new_round true).

     Refused with 409 (code transition_refused) and every blocker, from the toolkit's
    stage flow and its plugins, when it may not move yet; nothing changes then. A paused,
    completed or archived initiative does not move (409 initiative_paused,
    initiative_completed or initiative_archived). A new round goes from the last stage to
    the first where the toolkit allows it; what earlier rounds recorded stays, each record
    under its cycle. If-Match takes the initiative's ETag, so that two people cannot both
    move it on.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (TransitionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        StageEntry
    """

    response = await asyncio_detailed(
        initiative_id=initiative_id,
        client=client,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )
    return cast(StageEntry, errors.success_of(response))
