# OKTRA: `make run` to start the app on http://localhost:3000, `make test` to run every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
BUN_VERSION := 1.4.4

export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null)
export NPM_CONFIG_UPDATE_NOTIFIER := false

.PHONY: setup run test lint services test-tools i18n-extract i18n-update clean prod-check

$(BIN)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(TOOLS)/node_modules/.bin/bun:
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)
	test -x $@

FIREBASE_TOOLS_VERSION := 15.34.2
$(TOOLS)/node_modules/.bin/firebase:
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error firebase-tools@$(FIREBASE_TOOLS_VERSION)
	test -x $@

# The Firebase Auth emulator that tests/unit/integrations starts and stops (docs/firebase.md).
firebase-tools: $(TOOLS)/node_modules/.bin/firebase

setup: $(BIN)/.installed $(TOOLS)/node_modules/.bin/bun

run: setup
	$(BIN)/oktra db upgrade
	$(BIN)/oktra demo load
	$(BIN)/oktra serve --prod

services:
	bash scripts/ensure-services.sh

test-tools:
	test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test: setup test-tools firebase-tools services lint
	$(BIN)/pytest $(PYTEST_ARGS)

i18n-extract: setup
	$(BIN)/pybabel extract -F babel.cfg -k t:2 -k N_ -k _t --no-location --sort-output --omit-header \
	  -o oktra/i18n/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel update -i oktra/i18n/messages.pot -d oktra/i18n/locales --no-wrap \
	  --ignore-obsolete --omit-header --no-fuzzy-matching


clean:
	rm -rf $(VENV) $(TOOLS) .web data

# Validate a production configuration: `make prod-check ENV_FILE=/etc/oktra/oktra.env`
prod-check: setup
	$(BIN)/oktra config prod-check $(if $(ENV_FILE),--env-file $(ENV_FILE))
