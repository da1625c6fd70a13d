"""JSON with a bounded nesting depth, for DRF's parser and for the JSON the ingest adapters read.

Python's json module recurses once per nesting level: a body like `[[[[...` a few thousand levels deep raises
RecursionError, which no `except ValueError` catches (a 500), and every later walk over the value recurses as
well. No payload of this platform nests more than a handful of levels, so anything deeper than MAX_DEPTH is
refused before it is parsed, by a linear scan that never recurses.
"""

import codecs
import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json as drf_json

MAX_DEPTH = 32

# A JSON string (escapes included), or one bracket: strings are skipped so brackets inside them never count.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class JSONTooDeep(ValueError):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(_("JSON nested deeper than %(n)d levels.") % {"n": limit})


def check_depth(text: str, *, limit: int = MAX_DEPTH) -> None:
    """Raise JSONTooDeep when arrays and objects nest deeper than `limit`; malformed text is left to json."""
    depth = 0
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece in "[{":
            depth += 1
            if depth > limit:
                raise JSONTooDeep(limit)
        elif piece in "]}":
            depth -= 1


def loads(data: bytes | str, *, limit: int = MAX_DEPTH, **kwargs):
    """json.loads that refuses nesting deeper than `limit` (JSONTooDeep, a ValueError) instead of recursing."""
    text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
    check_depth(text, limit=limit)
    return json.loads(text, **kwargs)


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser with the depth bound: a too-deep body is a 400 like any malformed one."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read() if stream is not None else ""
            constant = drf_json.strict_constant if self.strict else None
            return loads(text, parse_constant=constant)
        except JSONTooDeep as exc:
            raise ParseError(str(exc)) from None
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
