# Two commands from a fresh clone:  make book  (build the book)  |  make test  (run every check)
# Both create .venv and install what they need from this repository's files.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BACKENDS ?= tensorflow jax torch
BOOK_FLAGS := -W -n --keep-going
PDF_FLAGS := -n --keep-going
SMOKE_OUT := _build/smoke
EDITIONS := en zh-tw
# Each edition's HTML build, as involution_book.site takes it: en=_build/en/_build/html ...
SITE_BUILDS := $(foreach e,$(EDITIONS),$(e)=_build/$(e)/_build/html)

export TF_CPP_MIN_LOG_LEVEL ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: book book-smoke pdf pdf-smoke test lint test-package test-notebooks check-notebooks check-workflows test-site test-browser install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.book-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.book-installed
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

install: $(VENV)/.book-installed
install-test: $(VENV)/.test-installed

## The full book (CIFAR-10 from $$INVOLUTION_DATA or Keras's download): each edition built from its
## folder (book/en, book/zh-tw) into _build/<edition>, then one site in _build/site.
## Only pages whose code changed execute again; trained models come from the training cache,
## shared by the two editions. The execution cache knows notebook code only, so it is dropped
## when the package changes.
book: install
	@hash=$$(cat involution/*.py involution_book/*.py requirements.txt pyproject.toml | sha256sum | cut -c1-16); \
	if [ "$$(cat _build/.package-hash 2>/dev/null)" != "$$hash" ]; then \
	  for e in $(EDITIONS); do rm -rf _build/$$e/_build/.jupyter_cache; done; \
	  mkdir -p _build; echo $$hash > _build/.package-hash; \
	fi
	@# A build that executes every page (no execution cache yet) is timed: first the
	@# models train, with their progress on the console, then the chapters of both editions
	@# execute and load them. The record holds each run's and each chapter's seconds; the
	@# prefaces, which state the total, then execute once more to show it.
	@record=$(CURDIR)/_build/build-time.json; timed=0; \
	for e in $(EDITIONS); do [ -d _build/$$e/_build/.jupyter_cache ] || timed=1; done; \
	if [ $$timed = 1 ]; then rm -f $$record; fi; \
	start=$$(date +%s); \
	if [ $$timed = 1 ]; then \
	  $(BIN)/python -m involution_book train-book --record $$record || exit $$?; \
	fi; \
	for e in $(EDITIONS); do \
	  INVOLUTION_BUILD_RECORD=$$record $(BIN)/jupyter-book build book/$$e --path-output _build/$$e $(BOOK_FLAGS) || exit $$?; \
	done; \
	if [ $$timed = 1 ]; then \
	  $(BIN)/python -c "from involution_book import provenance as p; \
	    p.add_to_record('$$record', seconds=$$(( $$(date +%s) - start )), \
	                    chapters={**p.chapter_seconds('_build/en/_build/.jupyter_cache'), \
	                              **p.chapter_seconds('_build/zh-tw/_build/.jupyter_cache')})" || exit $$?; \
	  echo "A full build took $$(( $$(date +%s) - start )) s ($$record has the parts); the prefaces show it:"; \
	  for e in $(EDITIONS); do \
	    touch book/$$e/01_preface.ipynb; \
	    INVOLUTION_BUILD_RECORD=$$record $(BIN)/jupyter-book build book/$$e --path-output _build/$$e $(BOOK_FLAGS) || exit $$?; \
	  done; \
	fi
	$(BIN)/python -m involution_book.site _build/site $(SITE_BUILDS)

## The same build on a tiny slice of CIFAR-10 for 1 epoch, executing every page afresh,
## in its own folders and caches, so nothing it leaves can serve a full build.
book-smoke: install
	for e in $(EDITIONS); do \
	  rm -rf $(SMOKE_OUT)/$$e/_build/.jupyter_cache; \
	  INVOLUTION_SMOKE=1 INVOLUTION_CACHE=$(CURDIR)/$(SMOKE_OUT)/training-cache \
	    $(BIN)/jupyter-book build book/$$e --all $(BOOK_FLAGS) --path-output $(SMOKE_OUT)/$$e || exit 1; \
	done
	$(BIN)/python -m involution_book.site $(SMOKE_OUT)/site $(foreach e,$(EDITIONS),$(e)=$(SMOKE_OUT)/$(e)/_build/html)

## Each edition as a PDF, from the notebooks make book executed (nothing executes or trains
## again): XeLaTeX with Debian's texlive-xetex, texlive-lang-chinese, texlive-latex-extra,
## texlive-fonts-recommended, latexmk, fonts-dejavu and fonts-noto-cjk. The site's landing page
## then offers both PDFs; they are also in _build/<edition>/_build/latex/.
pdf: book
	for e in $(EDITIONS); do \
	  $(BIN)/jupyter-book build book/$$e --builder pdflatex --path-output _build/$$e $(PDF_FLAGS) || exit $$?; \
	done
	$(BIN)/python -m involution_book.site _build/site $(SITE_BUILDS) \
	  $(foreach e,$(EDITIONS),--pdf $(e)=_build/$(e)/_build/latex/involution-book-$(e).pdf)

## The PDFs of the smoke build (after make book-smoke), which tests/site/test_pdf.py reads.
pdf-smoke: install
	for e in $(EDITIONS); do \
	  INVOLUTION_SMOKE=1 INVOLUTION_CACHE=$(CURDIR)/$(SMOKE_OUT)/training-cache \
	    $(BIN)/jupyter-book build book/$$e --builder pdflatex --path-output $(SMOKE_OUT)/$$e $(PDF_FLAGS) || exit 1; \
	done

test: lint test-package check-notebooks test-notebooks check-workflows test-site

## Style, import order, pyflakes and bugbear over the package, tests and benchmarks (pyproject.toml).
lint: install-test
	$(BIN)/ruff check .

## The package's tests, once per Keras backend.
test-package: install-test
	for backend in $(BACKENDS); do \
	  echo "== tests on the $$backend backend"; \
	  KERAS_BACKEND=$$backend $(BIN)/python -m pytest tests -q -p no:cacheprovider --ignore=tests/book --ignore=tests/site || exit 1; \
	done

## Both editions: same chapters, identical code but the language cell, outputs stripped.
check-notebooks: install-test
	$(BIN)/python -m pytest tests/book -q -p no:cacheprovider

## Every chapter of both editions executed in the smoke profile; hidden cells assert key facts.
test-notebooks: install-test
	INVOLUTION_SMOKE=1 INVOLUTION_CACHE=$(CURDIR)/$(SMOKE_OUT)/training-cache \
	  $(BIN)/python -m pytest --nbval-lax -q -p no:cacheprovider book/en book/zh-tw

## The smoke site in headless Chromium (Debian's chromium and chromium-driver): each edition's
## language, interface, sidebar and navigation, the switcher, each edition's search, clean pages;
## and the smoke PDFs read back with poppler-utils' pdftotext (tests/site/test_pdf.py).
test-site: book-smoke pdf-smoke install-test
	$(BIN)/python -m pytest tests/site -q -p no:cacheprovider

## The browser test alone, on the site already built (INVOLUTION_SITE names another one).
test-browser: install-test
	$(BIN)/python -m pytest tests/site -q -p no:cacheprovider

check-workflows: install-test
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

clean:
	rm -rf _build
