# Two commands for a fresh machine:  make run  (the hotline with demo data)  and  make test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
MO := locale/th/LC_MESSAGES/django.mo

.PHONY: run test lint format messages migrate demo clean

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
	@echo "The hotline is at http://127.0.0.1:8000/  (Ctrl-C stops the web server, worker and beat)"
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/honcho --procfile Procfile.dev start

test: $(VENV)/.test-installed $(MO)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerating the catalogue needs GNU gettext (xgettext); compiling it does not.
makemessages: $(VENV)/.run-installed
	$(PY) manage.py makemessages --locale th --no-location --no-obsolete \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'

clean:
	rm -rf $(VENV) var/test
