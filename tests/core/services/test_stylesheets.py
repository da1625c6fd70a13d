"""The app's own stylesheets parse as their authors meant: a block left open swallows every rule after it into
a media query (it happened once: every desktop rule appended after a phone-only block applied on phones alone)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

STYLESHEETS = sorted((Path(settings.BASE_DIR) / "static" / "css").glob("*.css"))
COMMENT = re.compile(r"/\*.*?\*/", re.S)
STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')


def depths(text: str):
    """(line number, depth of nesting at the start of that line), comments and strings left out."""
    text = STRING.sub('""', COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text))
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, depth, line
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"line {number}: a '}}' closes nothing"
    yield number + 1, depth, ""


def test_there_are_stylesheets():
    assert STYLESHEETS


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: p.name)
def test_every_block_is_closed_and_every_media_query_starts_at_the_top(path):
    *lines, (_end, final, _blank) = list(depths(path.read_text(encoding="utf-8")))
    assert final == 0, f"{path.name}: {final} block(s) left open at the end"
    nested = [number for number, depth, line in lines if line.lstrip().startswith("@media") and depth]
    assert not nested, f"{path.name}: a media query opened inside another block at line(s) {nested}"


def test_the_check_finds_a_block_left_open():
    opened = "@media (max-width: 640px) {\n  .a { color: red; }\n\n.b { color: blue; }\n@media print {\n}\n"
    *lines, (_end, final, _blank) = list(depths(opened))
    assert final == 1
    assert [n for n, depth, line in lines if line.startswith("@media") and depth] == [5]
