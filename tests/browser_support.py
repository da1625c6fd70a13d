"""Shared pieces of the browser tests: real Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Only one Playwright sync session may run in the test process, so every browser test uses the session-wide
`chromium` fixture from tests/conftest.py rather than starting its own.
"""

import os

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The closed network here refuses Chromium's background connections; these flags keep it quiet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def csp_violations(page) -> list[str]:
    return [m for m in getattr(page, "console_messages", []) if "Content Security Policy" in m]
