"""Where webhooks may be sent: https URLs whose host resolves only to public addresses.

A webhook makes the server send requests to a URL an admin typed, so without this check
an admin key (or anyone who steals one) could make coprod probe the council's own network
or a cloud's metadata service (169.254.169.254). The check runs when a subscription is
made or changed, for a clear 422, and again when each delivery connects (by the worker's
network backend, with the same ``refused_address``), so a name that resolves elsewhere
later (DNS rebinding) is caught too. An operator setting lets private addresses and plain
http through, for tests and receivers on the council's own network.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from toolkits_core._services.errors import FieldProblem, InvalidRequestError

ALLOW_PRIVATE_VARIABLE = "COPROD_WEBHOOKS_ALLOW_PRIVATE"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]


def allow_private_from_environ(environ: dict[str, str] | None = None) -> bool:
    """Whether the operator allows private addresses and http (``…_ALLOW_PRIVATE=1``)."""
    value = (os.environ if environ is None else environ).get(ALLOW_PRIVATE_VARIABLE, "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def system_resolver(host: str, port: int) -> Sequence[str]:
    """Every address ``host`` resolves to, as the operating system's resolver says."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in found]


def refused_address(address: str) -> str | None:
    """Why ``address`` may not be sent to, or None for a public one.

    Public means globally routable: loopback, private ranges (10/8, 172.16/12,
    192.168/16, fc00::/7), link-local (169.254/16, where cloud metadata lives), shared,
    reserved, documentation, multicast and unspecified addresses are all refused, and an
    IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4, IPv4-compatible) is
    judged as the IPv4 address it reaches.
    """
    try:
        ip: Address = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _LOCAL_NAT64:
            return f"{ip} is a local NAT64 address, not a public one"
        ip = _carried_ipv4(ip) or ip
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if ip.is_link_local:
        return f"{ip} is a link-local address (such as a cloud's metadata service)"
    if ip.is_private:
        return f"{ip} is a private address"
    if not ip.is_global or ip.is_multicast:
        return f"{ip} is not a public address"
    return None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052's well-known prefix
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
"""RFC 8215's prefix for a network's own translators: where the IPv4 address sits in it
depends on the operator's layout, so no address in it is taken as public."""
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address reaches, where it carries one.

    IPv4-mapped (``::ffff:a.b.c.d``), NAT64 (``64:ff9b::a.b.c.d``: an IPv6-only network's
    translator connects to a.b.c.d, private ones included), 6to4 (``2002:AABB:CCDD::``)
    and the deprecated IPv4-compatible form (``::a.b.c.d``) all end at an IPv4 address,
    and Python's ``ipaddress`` calls the last three global whatever they carry. ``::``
    and ``::1`` are themselves (unspecified, loopback).
    """
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip))
    return None


def check_webhook_url(
    url: str, *, allow_private: bool, resolve: Resolver = system_resolver
) -> None:
    """422 on ``url`` unless it is https (or http where allowed) and every address its
    host resolves to is public (or private addresses are allowed)."""
    problem = _url_problem(url, allow_private, resolve)
    if problem is not None:
        raise InvalidRequestError([FieldProblem("url", problem, "webhook_url_refused")])


def _url_problem(url: str, allow_private: bool, resolve: Resolver) -> str | None:
    if any(c.isspace() or not c.isprintable() for c in url):
        # urlsplit drops tabs and line breaks where httpx refuses them: what was checked
        # would not be what is sent, and every delivery would fail.
        return (
            "Leave spaces and control characters out of the URL (percent-encode them, "
            "such as %20 for a space)."
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Give an absolute URL such as https://crm.example.org/coprod-hook."
    schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in schemes or not parts.hostname:
        return (
            "Give an absolute https URL such as https://crm.example.org/coprod-hook "
            "(plain http only where the operator allows private addresses)."
        )
    if parts.username or parts.password:
        return "Leave user names and passwords out of the URL: deliveries are signed instead."
    if parts.fragment:
        return "Leave the #fragment out of the URL: it is never sent."
    if allow_private:
        return None
    host = parts.hostname
    try:
        addresses = resolve(host, port or 443)
    except (OSError, UnicodeError):
        return f"{host} does not resolve to an address: check the host name."
    if not addresses:
        return f"{host} does not resolve to an address: check the host name."
    for address in addresses:
        refused = refused_address(address)
        if refused is not None:
            return (
                f"{host} resolves to {refused}: webhooks go to public addresses only "
                f"(an operator can allow private ones with {ALLOW_PRIVATE_VARIABLE}=1)."
            )
    return None
