# The two commands: `make run` (set up everything, load the demo, start web + worker + beat)
# and `make test` (set up everything, run the whole suite). Both work on a fresh Debian 12 machine.
SHELL := /bin/bash
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-fast lint lock messages bench clean

# Python's bytecode cache stays on for everything these targets start, even where the environment turns it off
# (PYTHONDONTWRITEBYTECODE): without it each test process compiles the project again and pytest rewrites every
# test module's asserts again, about 6 s per process before the first test runs.
unexport PYTHONDONTWRITEBYTECODE

setup:
	@bash scripts/setup.sh

run: setup
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_activity
	# This week's risk scores, hot spots and backtest (beat recomputes them every Monday night).
	$(PY) manage.py risk_compute
	$(PY) manage.py collectstatic --noinput -v 0
	@HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

test: setup
	@bash scripts/test.sh

# The tests a developer runs every few minutes, after one `make setup` (or `make test`): all but the browser,
# real-worker and fuzzing tests, in parallel processes (pytest-xdist), each with a test database of its own that
# later runs reuse and migrate forward; tests marked with an xdist group (tests/risk/conftest.py) share one
# process. `make test` stays the whole suite.
XDIST ?= auto
test-fast:
	@test -x $(PY) || { echo "run \`make setup\` first"; exit 1; }
	$(PY) -m pytest -p no:cacheprovider -q -n $(XDIST) --dist loadgroup -m "not browser and not worker and not fuzz"

# ruff for style, import-linter for the apps' layers (the contracts are in pyproject.toml).
lint:
	.venv/bin/ruff check .
	.venv/bin/lint-imports

# Regenerate the hashed lock file after changing pyproject.toml.
lock:
	.venv/bin/pip install -q pip-tools
	.venv/bin/pip-compile -q --extra dev --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# Extract user-facing strings into locale/*/LC_MESSAGES/django.po (translations are then edited by hand).
messages:
	$(PY) manage.py makemessages -l uz -l ru -l en --ignore=.venv --ignore=staticfiles --no-obsolete

clean:
	rm -rf .venv staticfiles .pytest_cache
