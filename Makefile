# Sala — two commands: `make run` and `make test`. Everything they need is installed on first use
# and reused afterwards. Compiled artefacts live outside the clone (CARGO_TARGET_DIR) so a fresh
# clone rebuilds only what changed.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export CARGO_TARGET_DIR ?= $(HOME)/.cache/sala-target
# Incremental caches are for editing loops; under `make` they only grew the shared cache (18 GB).
export CARGO_INCREMENTAL ?= 0
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

SITE_ROOT := $(CURDIR)/target/site
SALA_BIN := $(CARGO_TARGET_DIR)/release/sala
SALA_ADDR ?= 127.0.0.1:3000

.PHONY: help run build site tools test test-rust test-e2e lint postgres oidc-provider smtp-sink chromium fmt clean-data

help:
	@echo "make run   — build (release) and start Sala at http://$(SALA_ADDR) on SQLite (./data/sala.db)"
	@echo "make test  — lint, unit + integration tests (SQLite and PostgreSQL), end-to-end in Chromium"

## ---- run ---------------------------------------------------------------------------------------

run: build
	@mkdir -p data
	LEPTOS_SITE_ROOT=$(SITE_ROOT) SALA_ADDR=$(SALA_ADDR) $(SALA_BIN) serve

# The browser bundle (xtask: wasm split per route, wasm-bindgen, wasm-opt, brotli; it fails past
# the size budget in xtask/src/budget.rs), then the server.
build: site
	cargo build --release -p sala --bin sala

site: tools
	cargo run -q --release -p xtask -- site

## ---- tools (installed once per machine) ---------------------------------------------------------

# The wasm target, and binaryen's wasm-opt as a prebuilt npm package (no C++ build here).
tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@[ -x tools/node_modules/.bin/wasm-opt ] || (cd tools && npm ci --no-audit --no-fund)

## ---- test --------------------------------------------------------------------------------------

test: lint test-rust test-e2e

lint:
	cargo fmt --all -- --check
	cargo clippy -p app -p sala -p xtask --all-targets -- -D warnings

postgres:
	@scripts/ensure-postgres.sh > /dev/null

# The cluster tests put Debian's HAProxy, with deploy/haproxy.cfg, in front of three servers.
haproxy:
	@command -v haproxy >/dev/null || { echo "installing Debian's haproxy…"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; fi; }

# The sign-in tests run a real OpenID Connect provider (tools/oidc, Node.js).
oidc-provider:
	@[ -d tools/oidc/node_modules/oidc-provider ] || (cd tools/oidc && npm ci --no-audit --no-fund)

# The mail tests run a real SMTP server (tools/smtp/sink.py, Python's aiosmtpd).
smtp-sink:
	@python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet aiosmtpd

# The storage fault tests mount a small tmpfs (a full disk) and run a private PostgreSQL cluster:
# required when running as root (as CI does), skipped with a note otherwise.
# Then a short fuzzing run per target (fixed seed, < 60 s together; the long runs are in
# docs/benchmarks.md): a failing input is saved under fuzz-failures/ and fails the target.
test-rust: postgres haproxy oidc-provider smtp-sink
	SALA_TEST_POSTGRES_URL=$$(scripts/ensure-postgres.sh) SALA_REQUIRE_POSTGRES=1 SALA_REQUIRE_OIDC=1 \
	  SALA_REQUIRE_SMTP=1 \
	  SALA_REQUIRE_FAULTS=$$([ "$$(id -u)" = 0 ] && echo 1 || echo 0) \
	  cargo test -p app -p sala -p xtask
	cargo run -q -p sala --bin fuzz -- decoder --iterations 1000000 --corpus server/fuzz/corpus
	cargo run -q -p sala --bin fuzz -- room --iterations 40000 --corpus server/fuzz/corpus
	for input in server/fuzz/regressions/room-*.bin; do \
	  cargo run -q -p sala --bin fuzz -- room --strict --replay "$$input"; done

chromium:
	@{ command -v chromium && command -v pdftotext; } >/dev/null || { echo "installing Debian's chromium and poppler-utils (the acta's PDF is read back with pdftotext)…"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils; fi; }

# On the test profile's server (`cargo test` has built it): the release build would add ~10 min
# to every run and test nothing the browser can tell apart.
test-e2e: site chromium smtp-sink
	cargo build -p sala --bin sala
	@[ -d end2end/node_modules/playwright-core ] || (cd end2end && npm ci --no-audit --no-fund)
	@# calendars are read back by an independent parser (Python's icalendar)
	@python3 -c 'import icalendar' 2>/dev/null || python3 -m pip install --quiet icalendar
	cd end2end && SALA_BIN=$(CARGO_TARGET_DIR)/debug/sala LEPTOS_SITE_ROOT=$(SITE_ROOT) npm test

fmt:
	cargo fmt --all

clean-data:
	rm -rf data
