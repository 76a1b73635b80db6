# The project's front door. On a fresh clone with only python3: `make test` or `make demo`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?=
LAB_ARGS ?=

.PHONY: help setup test test-fast lint format lab demo run fetch status bench bench-run bench-stats clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (sdg17)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the pinned dependencies

test: $(STAMP)  ## run the whole test suite (offline; notebooks included)
	$(BIN)/python -m pytest

test-fast: $(STAMP)  ## the tests without notebook executions
	$(BIN)/python -m pytest -m "not notebook"

lint: $(STAMP)  ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)  ## apply ruff formatting
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# DATA=demo opens on the demo store, DATA=offline on $SDG17_DATA_DIR as it is, DATA=<folder> on
# that store; without DATA, on $SDG17_DATA_DIR, or on the demo store while the former is empty.
lab: $(STAMP)  ## open JupyterLab on your data (DATA=demo: the demo store)
	@store="$$($(BIN)/python -m helpers.paths '$(DATA)')" && \
	SDG17_DATA_DIR="$$store" $(BIN)/jupyter lab --notebook-dir=. $(LAB_ARGS) \
		$(if $(filter 0,$(shell id -u)),--allow-root)

demo: $(STAMP)  ## the main job, offline: build demo data, run every notebook, print the report path
	$(BIN)/sdg17 demo
	$(BIN)/sdg17 run --data demo $(if $(JOBS),--jobs $(JOBS))

run: $(STAMP)  ## live World Bank and OECD data: fetch, then run every notebook
	$(BIN)/sdg17 run --data live $(if $(JOBS),--jobs $(JOBS))

fetch: $(STAMP)  ## fetch what is missing or stale
	$(BIN)/sdg17 fetch

status: $(STAMP)  ## what the data store holds
	$(BIN)/sdg17 status --all

bench: $(STAMP)  ## fetch benchmark against the stand-in APIs (50 ms per request)
	$(BIN)/python bench/bench_fetch.py

bench-run: $(STAMP)  ## run benchmark: one execution's breakdown, 12 scorecards vs papermill, Dask fan-out
	$(BIN)/python bench/bench_run.py

bench-stats: $(STAMP)  ## statistics benchmark: size, power, coverage (seeded Monte Carlo)
	$(BIN)/python bench/bench_stats.py

clean:  ## remove the virtualenv and rebuildable outputs (raw data is kept)
	rm -rf $(VENV) data/processed/*.parquet outputs/runs outputs/index.html outputs/latest
