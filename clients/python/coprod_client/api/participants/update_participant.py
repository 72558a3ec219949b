from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.participant_patch import ParticipantPatch
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    participant_id: str,
    *,
    body: ParticipantPatch | Unset = UNSET,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/participants/{participant_id}".format(
            participant_id=quote(str(participant_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
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
    participant_id: str,
    *,
    client: AuthenticatedClient,
    body: ParticipantPatch | Unset = UNSET,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem]:
    """Change a participant's role, display name, affiliation, age band, consent or
    external_ref.

     consent_recorded_at moves only when the consent status changes: sending the same
    status again keeps the time it was first recorded. Setting it to not_recorded clears
    the time. The consent rules judge the participant as the change leaves them: changing
    age_band to under_16 while their given consent was their own is refused (422
    consent_needs_parent on consent_given_by) unless the change records a parent's or
    guardian's consent, or sets consent to not_recorded.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        participant_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (ParticipantPatch | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    participant_id: str,
    *,
    client: AuthenticatedClient,
    body: ParticipantPatch | Unset = UNSET,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> None:
    """Change a participant's role, display name, affiliation, age band, consent or
    external_ref.

     consent_recorded_at moves only when the consent status changes: sending the same
    status again keeps the time it was first recorded. Setting it to not_recorded clears
    the time. The consent rules judge the participant as the change leaves them: changing
    age_band to under_16 while their given consent was their own is refused (422
    consent_needs_parent on consent_given_by) unless the change records a parent's or
    guardian's consent, or sets consent to not_recorded.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        participant_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (ParticipantPatch | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    response = sync_detailed(
        participant_id=participant_id,
        client=client,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )
    return cast(None, errors.success_of(response))


async def asyncio_detailed(
    participant_id: str,
    *,
    client: AuthenticatedClient,
    body: ParticipantPatch | Unset = UNSET,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem]:
    """Change a participant's role, display name, affiliation, age band, consent or
    external_ref.

     consent_recorded_at moves only when the consent status changes: sending the same
    status again keeps the time it was first recorded. Setting it to not_recorded clears
    the time. The consent rules judge the participant as the change leaves them: changing
    age_band to under_16 while their given consent was their own is refused (422
    consent_needs_parent on consent_given_by) unless the change records a parent's or
    guardian's consent, or sets consent to not_recorded.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        participant_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (ParticipantPatch | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    participant_id: str,
    *,
    client: AuthenticatedClient,
    body: ParticipantPatch | Unset = UNSET,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> None:
    """Change a participant's role, display name, affiliation, age band, consent or
    external_ref.

     consent_recorded_at moves only when the consent status changes: sending the same
    status again keeps the time it was first recorded. Setting it to not_recorded clears
    the time. The consent rules judge the participant as the change leaves them: changing
    age_band to under_16 while their given consent was their own is refused (422
    consent_needs_parent on consent_given_by) unless the change records a parent's or
    guardian's consent, or sets consent to not_recorded.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        participant_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (ParticipantPatch | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    response = await asyncio_detailed(
        participant_id=participant_id,
        client=client,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )
    return cast(None, errors.success_of(response))
