PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: demo test bench system-deps clean

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	touch $@

$(VENV)/.core: $(VENV)/.created pyproject.toml
	$(PIP) install -q -e ".[torch,pandas]"
	touch $@

$(VENV)/.test: $(VENV)/.created pyproject.toml
	$(PIP) install -q -e ".[test]"
	touch $@

$(VENV)/.bench: $(VENV)/.test pyproject.toml
	$(PIP) install -q -e ".[bench]"
	touch $@

# System packages the end-to-end tests run for real: gcc compiles exported C (g++ links it from C++), SWI-Prolog consults
# exported Prolog, Chromium renders the HTML report (as the tests find it: chromium, chromium-browser
# or google-chrome). Installed when missing (root, Debian); a tool apt-get leaves missing is an error.
system-deps:
	@check() { \
		missing=""; \
		command -v gcc >/dev/null 2>&1 || missing="$$missing gcc"; \
		command -v g++ >/dev/null 2>&1 || missing="$$missing g++"; \
		command -v swipl >/dev/null 2>&1 || missing="$$missing swi-prolog-nox"; \
		command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
			command -v google-chrome >/dev/null 2>&1 || missing="$$missing chromium"; \
	}; \
	check; \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
			check; \
			for package in $$missing; do \
				case $$package in swi-prolog-nox) tool=swipl;; *) tool=$$package;; esac; \
				echo "error: $$tool is still not on PATH after apt-get installed $$package" >&2; \
			done; \
			[ -z "$$missing" ]; \
		else \
			echo "warning: missing system packages:$$missing (tests that need them are skipped)"; \
		fi; \
	fi

demo: $(VENV)/.core
	$(VENV)/bin/symdistill demo

test: $(VENV)/.test system-deps
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest -n 2 -q

bench: $(VENV)/.bench
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info .pytest_cache
