"""JSON nested thousands deep is a 400, never a RecursionError (500), on every JSON endpoint."""

import json

import pytest
from rest_framework.test import APIClient

from accounts.parsers import MAX_DEPTH, JSONTooDeep, check_depth, loads

DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000


def test_depth_limit_counts_arrays_and_objects_but_not_brackets_in_strings():
    at_limit = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    check_depth(at_limit)
    check_depth(json.dumps({"text": "[" * 1000 + '\\"{' * 1000}))
    with pytest.raises(JSONTooDeep):
        check_depth("[" + at_limit + "]")
    with pytest.raises(JSONTooDeep):
        loads(DEEP_OBJECT.encode())
    assert loads(b'{"a": [1, {"b": "]]]"}]}') == {"a": [1, {"b": "]]]"}]}


@pytest.mark.django_db
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT])
@pytest.mark.parametrize(("method", "path"), [("post", "/api/v1/surveillance/cameras/"),
                                              ("post", "/api/v1/visits/"),
                                              ("post", "/api/v1/auth/token/")])
def test_drf_endpoints_refuse_deep_json_with_400(personas, method, path, body):
    client = APIClient()
    client.force_login(personas.district_official)
    response = client.generic(method.upper(), path, body, content_type="application/json")
    assert response.status_code == 400
    assert str(MAX_DEPTH) in response.json()["detail"]


def _api_views(patterns):
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns)
        elif hasattr(pattern.callback, "cls"):
            yield pattern.callback.cls


def test_no_api_view_parses_json_with_drfs_unbounded_parser():
    # A view that names its own parser_classes (as DRF's ObtainAuthToken does) would bypass the setting.
    from django.urls import get_resolver
    from rest_framework.parsers import JSONParser

    from accounts.parsers import BoundedJSONParser

    unbounded = sorted({f"{view.__module__}.{view.__qualname__}" for view in _api_views(get_resolver().url_patterns)
                        for parser in getattr(view, "parser_classes", [])
                        if issubclass(parser, JSONParser) and not issubclass(parser, BoundedJSONParser)})
    assert unbounded == []
