# A tu Puerta support console. `make demo` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

export QT_QPA_PLATFORM ?= offscreen

.PHONY: help translations screenshots demo test lint typecheck imports pytest broker bench wheel clean \
	package deb msi package-check

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,demo]'
	rm -f $(VENV)/.installed-* && touch $@

translations: $(STAMP) ## Compile the Qt translations (.ts -> .qm)
	$(BIN)/python packaging/i18n.py release

demo: $(STAMP) translations ## Run the console on the embedded demo broker with live traffic
	QT_QPA_PLATFORM= $(BIN)/atp-console --demo

test: $(STAMP) translations ## Lint, type-check, check import contracts and run every test
	$(BIN)/python -m tests.kafka_harness.provision
	$(MAKE) --no-print-directory lint typecheck imports pytest

lint: $(STAMP) ## ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP) ## mypy --strict
	$(BIN)/mypy --strict

imports: $(STAMP) ## import-linter contracts
	$(BIN)/lint-imports

pytest: $(STAMP) ## pytest only (PYTEST_ARGS=... to narrow)
	$(BIN)/pytest $(PYTEST_ARGS)

broker: $(STAMP) ## Run the test Apache Kafka broker in the foreground
	$(BIN)/python -m tests.kafka_harness

bench: $(STAMP) ## Benchmarks in tests/perf; writes bench-report.json
	$(BIN)/python -m tests.perf

screenshots: $(STAMP) translations ## Screenshots of the demo under Xvfb (docs/screenshots/)
	QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1440x900x24" $(BIN)/python packaging/screenshots.py

wheel: $(STAMP) ## Build the wheel into dist/
	$(BIN)/python -m build --wheel --outdir dist .

package: $(STAMP) translations ## Frozen one-folder build (PyInstaller) into dist/atp-console/
	rm -rf dist/atp-console
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/atp-console.spec

deb: package ## Debian package of the frozen build into dist/ (DEB_REVISION=1)
	$(BIN)/python packaging/linux/deb.py --frozen dist/atp-console --out dist \
		--revision $(or $(DEB_REVISION),1)

msi: $(STAMP) ## Windows MSI authoring compiled by wixl over a placeholder payload (checks only)
	$(BIN)/python packaging/windows/msi.py --out build/msi

package-check: $(STAMP) ## Frozen build, its smoke, the .deb on a clean Debian 12 root, MSI tables
	$(BIN)/python -m tests.kafka_harness.provision
	$(BIN)/python packaging/package_check.py

clean: ## Remove the venv and caches
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
