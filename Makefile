# Two commands for a fresh machine:  make run  (the hotline with demo data)  and  make test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
MO := locale/th/LC_MESSAGES/django.mo
# make run PORT=8100 serves on another port; links in e-mails and the banner follow it.
PORT ?= 8000
export HOTLINE_PORT := $(PORT)
export HOTLINE_SITE_URL ?= http://127.0.0.1:$(PORT)
# The web server, worker and beat (and honcho's prefix) all log on Thailand's clock.
export TZ := Asia/Bangkok

.PHONY: run test fuzz lint format messages migrate demo clean system-packages

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.run-installed

# Translations compile with Babel (pure Python), so no GNU gettext is needed.
$(MO): locale/th/LC_MESSAGES/django.po | $(VENV)/.run-installed
	$(BIN)/pybabel compile --domain django --directory locale --statistics

messages: $(MO)

migrate: $(VENV)/.run-installed $(MO)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo "The hotline is at $(HOTLINE_SITE_URL)/  (Ctrl-C stops the web server, worker and beat)"
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/honcho --procfile Procfile.dev start

# Chromium, GNU gettext and a Thai font, installed with apt-get when missing (see the script).
system-packages:
	@scripts/system-packages

test: system-packages $(VENV)/.test-installed $(MO)
	$(PY) -m pytest $(PYTEST_ARGS)

# The property tests, long and random (CI runs them derandomized and bounded).
fuzz: system-packages $(VENV)/.test-installed $(MO)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -m hypothesis $(PYTEST_ARGS)

# makemigrations --check: every schema change ships a migration (docs/upgrading.md).
lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerating the catalogue needs GNU gettext (xgettext); compiling it does not.
makemessages: $(VENV)/.run-installed
	$(PY) manage.py makemessages --locale th --no-location --no-obsolete \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'

clean:
	rm -rf $(VENV) var/test
