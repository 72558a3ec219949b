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
    *,
    body: ParticipantInput,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/initiatives/{initiative_id}/participants".format(
            initiative_id=quote(str(initiative_id), safe=""),
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
    *,
    client: AuthenticatedClient,
    body: ParticipantInput,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem]:
    """Add a participant to an initiative.

     Giving or withdrawing consent stamps consent_recorded_at with the server's time;
    consent_given_on is the date you say it was given. Consent to publish is separate.
    An under-16's consent must be given by a parent or guardian (422 on consent_given_by
    otherwise). Refused with 409 while the initiative is archived.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
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
        body=body,
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
    body: ParticipantInput,
    idempotency_key: str | Unset = UNSET,
) -> None:
    """Add a participant to an initiative.

     Giving or withdrawing consent stamps consent_recorded_at with the server's time;
    consent_given_on is the date you say it was given. Consent to publish is separate.
    An under-16's consent must be given by a parent or guardian (422 on consent_given_by
    otherwise). Refused with 409 while the initiative is archived.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
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
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    )
    return cast(None, errors.success_of(response))


async def asyncio_detailed(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    body: ParticipantInput,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem]:
    """Add a participant to an initiative.

     Giving or withdrawing consent stamps consent_recorded_at with the server's time;
    consent_given_on is the date you say it was given. Consent to publish is separate.
    An under-16's consent must be given by a parent or guardian (422 on consent_given_by
    otherwise). Refused with 409 while the initiative is archived.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
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
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    body: ParticipantInput,
    idempotency_key: str | Unset = UNSET,
) -> None:
    """Add a participant to an initiative.

     Giving or withdrawing consent stamps consent_recorded_at with the server's time;
    consent_given_on is the date you say it was given. Consent to publish is separate.
    An under-16's consent must be given by a parent or guardian (422 on consent_given_by
    otherwise). Refused with 409 while the initiative is archived.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        initiative_id (str):
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
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    )
    return cast(None, errors.success_of(response))
