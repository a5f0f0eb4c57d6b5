#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust core's tests (native), the extension's unit
# tests, and the end-to-end tests in headless Chromium with the built extension. Installs and
# builds what is missing first, so it works on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh

echo '== cargo fmt, clippy (native and wasm32)' >&2
cargo fmt --all -- --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown -p tracklens --lib -- -D warnings

echo '== Rust core tests' >&2
cargo test --quiet

# Firefox before Chromium: after the Chromium end-to-end run, the Firefox protection suite found
# its add-on's pages without their extension API (2 fresh-clone runs of 2; never when run alone,
# 12 runs). The cause is not found yet; the order keeps both suites testing what they test.
echo '== Firefox package: web-ext lint, end-to-end tests in headless Firefox' >&2
node scripts/lint-firefox.mjs
node --test --test-concurrency=1 --test-timeout=600000 tests/e2e-firefox/

echo '== extension unit tests and end-to-end tests in headless Chromium' >&2
# A test file that hangs fails after ten minutes with its name, instead of stalling the run
# (node applies the timeout to each file as well as to each test).
node --test --test-concurrency=1 --test-timeout=600000 tests/unit/ tests/e2e/

