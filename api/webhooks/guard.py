"""A network backend for httpx that connects only to addresses webhooks may reach.

The URL was checked when the subscription was saved, but a host name can resolve
somewhere else by the time a delivery is sent (DNS rebinding), so the check is made again
where it cannot be dodged: when the connection is opened. The backend resolves the host
itself, refuses any address ``refused_address`` names, and connects to the address it
checked (never resolving twice); TLS still verifies the certificate against the host
name, since httpcore sends the URL's host as SNI. Redirects are never followed (the
client says so) and proxies from the environment are not used, so nothing else connects.
"""

from __future__ import annotations

import typing

import httpcore
import httpx

from toolkits_core.service import Resolver, refused_address, system_resolver


class AddressRefusedError(httpcore.ConnectError):
    """The delivery's host resolved to an address webhooks may not reach."""


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend, behind the address check."""

    def __init__(self, *, allow_private: bool, resolve: Resolver = system_resolver) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private
        self._resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = list(dict.fromkeys(self._resolve(host, port)))
        except OSError as error:
            raise httpcore.ConnectError(f"{host} does not resolve: {error}") from error
        refusals = []
        allowed = []
        for address in addresses:
            refused = None if self._allow_private else refused_address(address)
            if refused is None:
                allowed.append(address)
            else:
                refusals.append(refused)
        if not allowed:
            raise AddressRefusedError(
                f"{host} resolves to {', '.join(refusals) or 'nothing'}: webhooks go to "
                "public addresses only"
            )
        last: Exception | None = None
        for address in allowed:
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:  # try the host's next address
                last = error
        assert last is not None
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise AddressRefusedError("webhooks are not delivered over Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool on the ``GuardedBackend``.

    httpx does not take a network backend itself, so the pool it made is replaced by one
    made the same way on the guarded backend (the SSRF tests fail if a new httpx stops
    using it).
    """

    def __init__(self, *, allow_private: bool, resolve: Resolver = system_resolver) -> None:
        super().__init__(trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=GuardedBackend(allow_private=allow_private, resolve=resolve),
        )


def guarded_client(
    *,
    allow_private: bool,
    connect_timeout: float,
    total_timeout: float,
    resolve: Resolver = system_resolver,
) -> httpx.Client:
    """The client deliveries are sent with: guarded connects, no redirects, timeouts."""
    return httpx.Client(
        transport=GuardedTransport(allow_private=allow_private, resolve=resolve),
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
    )
