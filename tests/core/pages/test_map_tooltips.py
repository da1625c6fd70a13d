"""Map tooltips show names as text: Leaflet's bindTooltip inserts a string as HTML, so a camera named
`<img src=x onerror=...>` would run script in every operator's browser. Every call passes asText(...)."""

import re
from pathlib import Path

JS = Path(__file__).resolve().parent.parent.parent.parent / "static" / "js"
CALL = re.compile(r"\.bind(?:Tooltip|Popup)\(\s*(?P<argument>[^,)]*)")


def test_every_tooltip_and_popup_is_given_text_not_html():
    calls = [(path.name, match["argument"]) for path in sorted(JS.glob("*.js"))
             for match in CALL.finditer(path.read_text(encoding="utf-8"))]
    assert calls, "no tooltip found: the pattern no longer matches the code"
    as_html = [(name, argument) for name, argument in calls if not argument.startswith("asText(")]
    assert as_html == []


def test_as_text_builds_a_text_node_in_each_file_that_uses_it():
    for path in sorted(JS.glob("*.js")):
        source = path.read_text(encoding="utf-8")
        if "asText(" in source:
            assert "span.textContent = String(text)" in source, path.name
