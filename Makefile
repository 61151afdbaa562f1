# Dân vận Archive — the two set-up commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DJANGO_DEBUG ?= 0
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test install install-dev browser libreoffice migrate seed serve serve-prod lint bench screenshots clean messages

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's LibreOffice Calc, headless, for the test that opens the CSV export in it (issue #19;
# ~57 packages, ~30 s when the package lists are fresh).
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; }

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ensure_admin

seed: migrate
	$(PY) manage.py ingest seeds/
	$(PY) manage.py ensure_index

# Saves only queue their articles; the index worker writes them to the index within seconds (README,
# "Search index worker"). Started in the background beside gunicorn and stopped with it (Ctrl+C too).
WITH_INDEX_WORKER = $(PY) manage.py index_worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM;

serve:
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Dân vận Archive: http://$(HOST):$(PORT)/  ·  tìm kiếm: http://$(HOST):$(PORT)/tim-kiem/  ·  quản trị: http://$(HOST):$(PORT)/admin/  ·  API: http://$(HOST):$(PORT)/api/articles/"
	@echo "Stop with Ctrl+C.  Debug pages are off; DJANGO_DEBUG=1 make run shows them."
	$(WITH_INDEX_WORKER) DJANGO_DEBUG=$(DJANGO_DEBUG) HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn config.wsgi:application -c gunicorn.conf.py

# Production settings (HTTPS, HSTS, secure cookies): needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS
# and, behind a TLS proxy, DJANGO_BEHIND_TLS_PROXY=1 (see README, "Production").
serve-prod: export DJANGO_SETTINGS_MODULE = config.settings.prod
serve-prod: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(WITH_INDEX_WORKER) HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn config.wsgi:application -c gunicorn.conf.py

run: seed serve

# Runs on SQLite by default; DATABASE_URL=postgres://... runs the same suite on PostgreSQL.
test: install-dev browser libreoffice
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

bench: install-dev
	$(PY) bench/search_bench.py $(BENCH_ARGS)

# Screenshots of the main pages at 1366 and 360 px, at real volume, for the README (the real-volume
# browser test takes them: seeds + 2,000 corpus articles, ../shared/corpus).
screenshots: install-dev browser
	SCREENSHOT_DIR=docs/screenshots DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -q tests/browser/test_real_volume.py

clean:
	rm -rf var

# The project's own Vietnamese (locale/vi): the compiled .mo files are committed, so running needs
# no gettext tools; after editing a .po, run this (polib, from requirements-dev) and commit both.
messages: install-dev
	$(PY) -c "import pathlib, polib; [polib.pofile(str(p)).save_as_mofile(str(p.with_suffix('.mo'))) for p in pathlib.Path('locale').rglob('*.po')]"
