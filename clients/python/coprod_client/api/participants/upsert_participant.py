from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.participant_input import ParticipantInput
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    initiative_id: str,
    ref: str,
    *,
    body: ParticipantInput,
    if_none_match: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/initiatives/{initiative_id}/participants/by-external-ref/{ref}".format(
            initiative_id=quote(str(initiative_id), safe=""),
            ref=quote(str(ref), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | None:
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    initiative_id: str,
    ref: str,
    *,
    client: AuthenticatedClient,
    body: ParticipantInput,
    if_none_match: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem]:
    """Create or replace the initiative's participant your system knows as ref.

     The body is the whole participant, as for POST, without external_ref (the path gives
    it; a different one is 422). No participant of the initiative has ref: one is added
    (201, with Location). One has: their fields are replaced (200), and those not sent go
    back to their defaults (consent to not_recorded, with its time cleared); a participant
    with nothing to change keeps their version and ETag. The ref of an erased participant
    is refused (409 participant_erased). If-Match makes it a change of that version only
    (412 when stale, or when nobody has ref); If-None-Match: * makes it an add only (412
    record_exists when someone has).

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
        ref (str):
        if_none_match (str | Unset):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (ParticipantInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
        ref=ref,
        body=body,
        if_none_match=if_none_match,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    initiative_id: str,
    ref: str,
    *,
    client: AuthenticatedClient,
    body: ParticipantInput,
    if_none_match: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> None:
    """Create or replace the initiative's participant your system knows as ref.

     The body is the whole participant, as for POST, without external_ref (the path gives
    it; a different one is 422). No participant of the initiative has ref: one is added
    (201, with Location). One has: their fields are replaced (200), and those not sent go
    back to their defaults (consent to not_recorded, with its time cleared); a participant
    with nothing to change keeps their version and ETag. The ref of an erased participant
    is refused (409 participant_erased). If-Match makes it a change of that version only
    (412 when stale, or when nobody has ref); If-None-Match: * makes it an add only (412
    record_exists when someone has).

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
        ref (str):
        if_none_match (str | Unset):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (ParticipantInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    response = sync_detailed(
        initiative_id=initiative_id,
        ref=ref,
        client=client,
        body=body,
        if_none_match=if_none_match,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )
    return cast(None, errors.success_of(response))


async def asyncio_detailed(
    initiative_id: str,
    ref: str,
    *,
    client: AuthenticatedClient,
    body: ParticipantInput,
    if_none_match: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem]:
    """Create or replace the initiative's participant your system knows as ref.

     The body is the whole participant, as for POST, without external_ref (the path gives
    it; a different one is 422). No participant of the initiative has ref: one is added
    (201, with Location). One has: their fields are replaced (200), and those not sent go
    back to their defaults (consent to not_recorded, with its time cleared); a participant
    with nothing to change keeps their version and ETag. The ref of an erased participant
    is refused (409 participant_erased). If-Match makes it a change of that version only
    (412 when stale, or when nobody has ref); If-None-Match: * makes it an add only (412
    record_exists when someone has).

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
        ref (str):
        if_none_match (str | Unset):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (ParticipantInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
        ref=ref,
        body=body,
        if_none_match=if_none_match,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    initiative_id: str,
    ref: str,
    *,
    client: AuthenticatedClient,
    body: ParticipantInput,
    if_none_match: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> None:
    """Create or replace the initiative's participant your system knows as ref.

     The body is the whole participant, as for POST, without external_ref (the path gives
    it; a different one is 422). No participant of the initiative has ref: one is added
    (201, with Location). One has: their fields are replaced (200), and those not sent go
    back to their defaults (consent to not_recorded, with its time cleared); a participant
    with nothing to change keeps their version and ETag. The ref of an erased participant
    is refused (409 participant_erased). If-Match makes it a change of that version only
    (412 when stale, or when nobody has ref); If-None-Match: * makes it an add only (412
    record_exists when someone has).

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
        ref (str):
        if_none_match (str | Unset):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (ParticipantInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    response = await asyncio_detailed(
        initiative_id=initiative_id,
        ref=ref,
        client=client,
        body=body,
        if_none_match=if_none_match,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )
    return cast(None, errors.success_of(response))
