"""The apps form layers and imports point only down (README: Layout). The contracts live in pyproject.toml
([tool.importlinter]) and import-linter checks them; these tests run it on the code and on a copy with a planted
bad import, so a contract that no longer catches anything fails here too."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env={"PATH": "/usr/bin:/bin",
                          "PYTHONPATH": str(root)}, capture_output=True, text=True, timeout=120)


def test_apps_keep_their_layers():
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "planted", "contract"), [
    ("mahallas/models.py", "dashboards", "Apps import only downwards"),  # upward
    ("mahallas/models.py", "audit", "mahallas does not read audit"),  # sideways, the undeclared direction
    ("incidents/models.py", "surveillance", "incidents reads neither roadmaps nor surveillance"),
    ("roadmaps/models.py", "surveillance", "roadmaps and surveillance do not read each other"),
])
def test_a_planted_import_breaks_its_contract(tmp_path, module, planted, contract):
    # given a copy of the project's packages with one import the layers forbid
    for package in CONFIG["root_packages"]:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / module).open("a", encoding="utf-8") as source:
        source.write(f"\nimport {planted}  # noqa: E402, F401 - planted by tests/test_layers.py\n")
    owner = module.removesuffix(".py").replace("/", ".")

    # when
    result = lint_imports(tmp_path)

    # then
    assert result.returncode != 0, result.stdout
    assert f"{contract} BROKEN" in result.stdout
    assert f"{owner} -> {planted}" in result.stdout, result.stdout
