# The two commands a newcomer needs: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
SOURCES := awaaz feedback mis models

.PHONY: lock demo test lint bench security api-fuzz translations translations-check browser clean

# Pinned, hash-checked dependencies (requirements-test.lock), so that nothing drifts between
# two installs; `make lock` refreshes them on purpose. pip shows its progress.
$(VENV)/.installed: pyproject.toml requirements-test.lock
	bash scripts/install-system.sh
	$(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned, hash-checked Python packages (a few minutes the first time) …"
	$(BIN)/pip install --progress-bar on --require-hashes -r requirements-test.lock
	$(BIN)/pip install --no-deps -e .
	touch $@

# Refresh the locks: the newest versions pyproject.toml allows, with their hashes.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --extra test -o requirements-test.lock pyproject.toml

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
