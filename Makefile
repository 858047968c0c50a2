# The two commands: `make run` and `make test`. Everything else is a step they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501

.PHONY: run test install lint clean screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,nlp]'
	# Byte-compile once so that every later start (the CLI above all) is fast.
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib toc_studio > /dev/null || true
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/toc-studio demo --init --if-missing
	$(BIN)/streamlit run app.py --server.address localhost --server.port $(PORT) \
		--server.fileWatcherType none

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Regenerate docs/screenshots/ from the browser tests (make test never rewrites them).
screenshots: install
	TOC_STUDIO_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser -q

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
