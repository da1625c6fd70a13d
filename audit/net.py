"""The client's IP address, trusting X-Forwarded-For only from the proxies the operator named.

Anyone can send an X-Forwarded-For header; only a proxy we run appends a value we can believe. With
`TRUSTED_PROXY_IPS` (addresses or networks) set, a request whose REMOTE_ADDR is one of them is
attributed to the right-most address in X-Forwarded-For that is not itself a trusted proxy: everything
left of it was written by the client and may be forged.
"""

import ipaddress

from django.conf import settings


def _parse_ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted_networks():
    networks = []
    for entry in getattr(settings, "TRUSTED_PROXY_IPS", None) or []:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return networks


def _is_trusted(ip, networks) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or, behind a trusted proxy, the address that proxy saw; None if neither is an IP."""
    if request is None:
        return None
    remote = _parse_ip(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = _trusted_networks()
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") or ""
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        ip = _parse_ip(hop)
        if ip is None:
            # Our proxy writes well-formed addresses; garbage here is not something it saw.
            break
        if not _is_trusted(ip, networks):
            return str(ip)
    return str(remote)
