# PostApp IMVO. The two commands a newcomer needs:  make run   and   make test
# Everything else here is what those two are built from.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
LANGS := nl en fr es
POT := translations/messages.pot
DEMO_PERSONS ?= 2000

.PHONY: run test setup lint typecheck pytest extract update compile bench installer smoke clean

run: setup
	$(PY) -m postapp demo --persons $(DEMO_PERSONS) --if-empty
	$(PY) -m postapp survey demo --if-empty
	$(PY) -m postapp

test: setup lint typecheck pytest

setup: $(STAMP) compile

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check postapp tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) compile
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# Translations: extract the strings from the code, merge them into each catalog, compile to .mo.
extract: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-by-file -F babel.cfg -k N_ -k ngettext:1,2 \
		--project="PostApp IMVO" --copyright-holder="Ministerie van Buitenlandse Zaken" -o $(POT) postapp

update: extract
	for lang in $(LANGS); do \
		if [ -f translations/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update --no-fuzzy-matching -i $(POT) -d translations -l $$lang; \
		else \
			$(BIN)/pybabel init -i $(POT) -d translations -l $$lang; \
		fi; \
	done
	$(PY) tools/fill_english.py translations/en/LC_MESSAGES/messages.po

compile: $(STAMP)
	$(BIN)/pybabel compile --statistics -d translations

bench: setup
	cd bench && QT_QPA_PLATFORM=offscreen ../$(PY) run_all.py

# The one-folder application in dist/PostAppIMVO (README, "Building the installer"). `make smoke` then has
# the frozen program check itself: a new data file, demo data, PDFs, .ics, its window offscreen.
installer: setup
	$(PY) -m pip install --quiet 'pyinstaller>=6'
	$(BIN)/pyinstaller --noconfirm build_installer.spec

smoke:
	@test -x dist/PostAppIMVO/PostAppIMVO || { echo "No dist/PostAppIMVO yet: run make installer first."; exit 1; }
	out=$$(mktemp -d) && QT_QPA_PLATFORM=offscreen dist/PostAppIMVO/PostAppIMVO smoke --out $$out/smoke

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
	find translations -name '*.mo' -delete
