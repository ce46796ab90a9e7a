# Two commands for a new user: `make run` and `make test`. Both create .venv when it is missing.
VENV       := .venv
PY         := $(VENV)/bin/python
UV_VERSION := 0.13.8
PORT       ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: install run test lint check ci bench clean compilemessages messages

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv sync --frozen --inexact --all-groups
	touch $@

## make install: create .venv with the locked dependencies, and compile the translations
install: $(VENV)/.installed compilemessages

## make compilemessages: the translations, locale/ and <app>/locale/<language>/LC_MESSAGES/django.po -> .mo, with GNU
## gettext's msgfmt (only catalogues that changed); the .mo files are built, not committed
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po */locale/*/LC_MESSAGES/django.po))
compilemessages: $(MO_FILES)
%.mo: %.po
	@command -v msgfmt >/dev/null || { echo "GNU gettext is missing (msgfmt compiles the translations): sudo apt-get install -y gettext" >&2; exit 1; }
	msgfmt --check --output-file=$@ $<

## make messages: update the catalogues from the templates and the Python code (then translate what is new)
messages: install
	$(PY) manage.py makemessages -l de -l fr --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench

## make run: migrate, load the questionnaire, serve on 127.0.0.1:$(PORT) (SQLite under var/ by default)
run: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py load_questionnaire
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test: the whole suite (on PostgreSQL when DATABASE_URL points at it), spread over the CPU cores by
## pytest-xdist (PYTEST_WORKERS=0 runs it in one process; PYTEST_ARGS adds options, as CI does)
PYTEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## make lint: ruff, and the import contracts of pyproject.toml (layers, no cycles)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py validate_questionnaire

ci:
	bash .ci/run

bench: install
	$(PY) bench/engine.py

clean:
	rm -rf $(VENV) var/*.sqlite3
