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
# Noto CJK makes screenshots and pages show Chinese (and ℃) instead of boxes; WenQuanYi Micro Hei
# is the TrueType font reportlab can embed in PDFs (it cannot embed Noto's PostScript outlines; the
# PDFs print °C for the ℃ it lacks); poppler's pdftotext and pdftoppm read the PDFs back in the
# tests, which fail without them.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 \
	  && fc-list 2>/dev/null | grep -qi 'noto sans cjk' && fc-list 2>/dev/null | grep -qi 'wenquanyi micro hei' || { \
	  command -v apt-get >/dev/null 2>&1 || { echo "install Debian's chromium, poppler-utils, fonts-noto-cjk and fonts-wqy-microhei to run the tests"; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-noto-cjk fonts-wqy-microhei >/dev/null; }

# The coverage summary (files below 100% only; settings in pyproject's [tool.coverage]) is printed
# here rather than in addopts, so that a plain `pytest` stays as fast as it was.
test: setup browser
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered

test-fast: setup browser
	$(BIN)/python -m pytest -m "not e2e"

e2e: setup browser
	$(BIN)/python -m pytest tests/e2e

# mypy loads the settings (django-stubs): DEBUG=1 lets them generate local keys, as the tests do.
lint: setup
	$(BIN)/ruff check .
	DEBUG=1 $(BIN)/mypy

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
	rm -rf var/test-* .pytest_cache .mypy_cache .coverage .coverage.*
