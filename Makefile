# The two entry points of the README: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8765

.PHONY: install test lint typecheck pytest demo standin clean bench bench-scripts

$(BIN)/arazzo-runner: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@echo "installing arazzo-runner and its test tools into $(VENV) (log: $(VENV)/install.log)"
	@$(BIN)/python -m pip install --upgrade pip > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@$(BIN)/python -m pip install -e '.[test]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@touch $@

install: $(BIN)/arazzo-runner

pytest: install
	$(BIN)/python -m pytest -q

typecheck: install
	$(BIN)/python -m mypy arazzo_runner

lint: install
	$(BIN)/python -m ruff check arazzo_runner tests standin benchmarks

test: pytest typecheck lint

demo: install
	$(BIN)/python standin/demo.py

standin: install
	PYTHONPATH=standin $(BIN)/python -m mixpanel_standin --port $(PORT)

# Measures every section and rewrites BENCHMARKS.md; installs the peers under .bench/ on first use.
bench: install
	$(BIN)/python benchmarks/suite.py

# The older stand-alone scripts, printing their figures without writing BENCHMARKS.md.
bench-scripts: install
	$(BIN)/python benchmarks/engine_bench.py
	$(BIN)/python benchmarks/step_bench.py
	$(BIN)/python benchmarks/expressions_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
