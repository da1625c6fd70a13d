from tests.browser_support import csp_violations  # noqa: F401 - re-exported for the tests in this folder
