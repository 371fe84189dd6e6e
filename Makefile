# The two commands a newcomer needs: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
SOURCES := awaaz feedback mis models

.PHONY: demo test lint bench security api-fuzz translations translations-check browser clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/awaaz translate compile

demo: $(VENV)/.installed translations
	$(BIN)/awaaz init-db
	$(BIN)/awaaz seed-demo
	@echo "Awaaz is at http://$(HOST):$(PORT)/ (staff: http://$(HOST):$(PORT)/staff/login)"
	AWAAZ_INSECURE_COOKIES=1 $(BIN)/awaaz serve --host $(HOST) --port $(PORT)

browser:
	bash scripts/install-browser.sh

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

translations-check: $(VENV)/.installed
	$(BIN)/awaaz translate check

test: $(VENV)/.installed browser node_modules/.package-lock.json lint translations translations-check
	$(BIN)/python -m pytest

# wapiti against a running server, signed in as staff and as admin (docs/security.md).
security: $(VENV)/.installed translations
	bash scripts/security-scan.sh

# schemathesis against a running server: every API operation, no 5xx, every response as
# documented (docs/api.md).
api-fuzz: $(VENV)/.installed translations
	bash scripts/api-fuzz.sh

bench: $(VENV)/.installed
	$(BIN)/python -m pytest tests/benchmarks -m benchmark -s

clean:
	rm -rf $(VENV) .venv-wapiti .venv-schemathesis instance test-output
