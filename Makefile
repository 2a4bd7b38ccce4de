# Kindred's two commands: `make run` and `make test`. Everything they need is installed here.
#   make run      system libraries for the window (apt, when missing) + .venv, then the app on
#                 the demo data (server-only with a printed URL when there is no display)
#   make test     + Xvfb, ImageMagick and Chromium (apt, when missing), lint, the whole suite
#   make package  the standalone app with PyInstaller (dist/Kindred/)
#   make bench    the benchmarks, peers included (the optional `bench` extra); make bench-scale

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
PYTEST_ARGS ?=

# KINDRED_TEST_PACKAGE=1 (CI sets it) adds the PyInstaller build and its self-test to `make test`.
ifeq ($(KINDRED_TEST_PACKAGE),1)
TEST_EXTRAS := window,test,package
else
TEST_EXTRAS := window,test
endif

.PHONY: run test lint package icon bench bench-scale clean system-run system-test

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Kindred needs Python 3.11 or newer"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { bash scripts/install-system-packages.sh venv && $(PYTHON) -m venv $(VENV); }
	@$(PIP) install --upgrade pip==25.3

# One stamp file per set of extras, remade when pyproject.toml changes.
$(VENV)/.installed-%: pyproject.toml | $(PY)
	@echo "kindred: installing Python packages [$*] into $(VENV)"
	@$(PIP) install -e ".[$*]"
	@touch $@

system-run:
	@bash scripts/install-system-packages.sh run

system-test:
	@bash scripts/install-system-packages.sh test

run: system-run $(VENV)/.installed-window
	$(PY) -m desktop

lint: $(VENV)/.installed-$(TEST_EXTRAS)
	$(PY) -m ruff check recommender ui desktop tests benchmarks scripts
	$(PY) -m ruff format --check recommender ui desktop tests benchmarks scripts

test: system-test $(VENV)/.installed-$(TEST_EXTRAS) lint
	$(PY) -m pytest $(PYTEST_ARGS)

package: system-run $(VENV)/.installed-window,package
	$(PY) -m PyInstaller build.spec --noconfirm --clean
	dist/Kindred/Kindred --self-test

icon: $(VENV)/.installed-window
	$(PY) scripts/make_icon.py

bench: $(VENV)/.installed-window,test,bench
	$(PY) benchmarks/engine_accuracy.py
	$(PY) benchmarks/run.py --sizes small,1m
	$(PY) benchmarks/startup.py

# The issue-8 scale run at every size (32M takes the better part of an hour on 2 cores).
bench-scale: $(VENV)/.installed-window,test,bench
	$(PY) benchmarks/run.py --sizes small,1m,10m,32m

clean:
	rm -rf build dist test-artifacts .pytest_cache .ruff_cache
