import pytest
from django.test import RequestFactory

from audit.net import client_ip


def request_from(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_remote_addr_is_the_client(settings):
    settings.TRUSTED_PROXY_IPS = []
    assert client_ip(request_from("198.51.100.7")) == "198.51.100.7"


def test_spoofed_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_IPS = []
    assert client_ip(request_from("198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_spoofed_forwarded_for_is_ignored_when_remote_addr_is_not_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.1"]
    assert client_ip(request_from("198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_behind_trusted_proxy_the_right_most_address_is_the_client(settings):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.1"]
    # The client sent "6.6.6.6" itself; our proxy appended the address it really saw.
    assert client_ip(request_from("10.0.0.1", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"


def test_chain_of_trusted_proxies_given_as_network_is_skipped(settings):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.0/8"]
    assert client_ip(request_from("10.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.2.3")) == "203.0.113.9"


def test_ipv6_client_behind_trusted_proxy(settings):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.1"]
    assert client_ip(request_from("10.0.0.1", "2001:db8::5")) == "2001:db8::5"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-ip", "10.0.0.1"])
def test_trusted_proxy_without_usable_forwarded_for_is_the_client(settings, forwarded):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.1"]
    assert client_ip(request_from("10.0.0.1", forwarded)) == "10.0.0.1"


def test_no_request_or_no_remote_addr_gives_none():
    assert client_ip(None) is None
    assert client_ip(request_from("")) is None
