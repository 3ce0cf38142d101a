# The two commands of the README: `make demo` and `make test`.
# Each creates the virtual environment it needs in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kagglekit-installed
DEMO_DIR := demo-project

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(BIN)/kagglekit new demo $(DEMO_DIR)
	cd $(DEMO_DIR) && ../$(BIN)/kagglekit run
	cd $(DEMO_DIR) && ../$(BIN)/kagglekit submit

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_DIR) build dist *.egg-info
