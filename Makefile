# Muster: `make demo` serves a demo city, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup demo serve test test-fast e2e browser lint fuzz bench-regions messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Muster needs Python 3.11 or newer"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/muster demo --host $(HOST) --port $(PORT)

serve: setup
	$(BIN)/muster serve --host $(HOST) --port $(PORT)

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here);
# the CJK font makes screenshots and PDFs show Chinese instead of boxes.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'wqy\|noto sans cjk' || { \
	  command -v apt-get >/dev/null 2>&1 || { echo "install Debian's chromium package to run the browser tests"; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not e2e"

e2e: setup browser
	$(BIN)/python -m pytest tests/e2e

lint: setup
	$(BIN)/ruff check .

# Schemathesis over every API operation as command and as a community coordinator (a few minutes).
fuzz: setup
	MUSTER_FUZZ=1 $(BIN)/python -m pytest tests/test_fuzz.py

messages: setup
	for app in core geo people accounts web $$(ls -d muster/*/locale 2>/dev/null | cut -d/ -f2 | sort -u); do \
	  (cd muster/$$app && mkdir -p locale && ../../$(BIN)/django-admin makemessages -l zh_Hans -l en --no-obsolete >/dev/null); done
	cd muster && ../$(BIN)/django-admin compilemessages >/dev/null

bench-regions: setup
	$(BIN)/python bench/regions.py

clean:
	rm -rf var/test-* .pytest_cache
