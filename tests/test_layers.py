"""The apps form layers and imports point only down (README: Layout). A lower app that must tell a higher
one about a change sends a signal instead; this test reads every module's imports and fails on an upward one."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYER = {
    "core": -1,
    "mahallas": 0, "audit": 0,
    "accounts": 1,
    # The territory pages show people (accounts) and take panels from every app above them.
    "territories": 1.5,
    "incidents": 2, "roadmaps": 2, "surveillance": 2,
    "zones": 3,
    "dashboards": 4,
}


def imported_apps(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top in LAYER:
                found.add((top, node.lineno))
    return found


def app_modules():
    for app in LAYER:
        folder = ROOT / app
        if folder.is_dir():
            for path in folder.rglob("*.py"):
                yield app, path


@pytest.mark.parametrize("app", [a for a in LAYER if (ROOT / a).is_dir()])
def test_no_app_imports_a_higher_layer(app):
    upward = []
    for owner, path in app_modules():
        if owner != app:
            continue
        for target, line in imported_apps(path):
            if LAYER[target] > LAYER[owner]:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert upward == [], "upward imports:\n" + "\n".join(upward)


def test_same_layer_apps_do_not_import_each_other_except_declared():
    # Apps of one layer are siblings: a sibling import must be a deliberate, listed choice.
    # audit records where an event happened, so it reads the territory tree (never the reverse).
    allowed = {("audit", "mahallas"), ("surveillance", "incidents"), ("roadmaps", "incidents")}
    sideways = []
    for owner, path in app_modules():
        for target, line in imported_apps(path):
            if target != owner and LAYER[target] == LAYER[owner] and (owner, target) not in allowed:
                sideways.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert sideways == [], "sideways imports:\n" + "\n".join(sideways)
