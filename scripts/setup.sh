#!/usr/bin/env bash
# Installs what building and testing TrackLens needs, and only what is missing. Safe to re-run.
# Everything comes from package registries (crates.io, npm, Debian apt): nothing is downloaded
# from elsewhere, and no browser is fetched by npm (we use Debian's chromium and firefox-esr).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
# Firefox ESR for the Firefox package's end-to-end tests (driven over WebDriver BiDi, no driver).
[ -x /usr/bin/firefox-esr ] || apt_packages+=(firefox-esr)
command -v openssl >/dev/null || apt_packages+=(openssl)
command -v node >/dev/null || apt_packages+=(nodejs npm)
command -v python3 >/dev/null || apt_packages+=(python3)
# The fuzz targets' check (scripts/test.sh) builds libfuzzer-sys, which compiles C++.
command -v g++ >/dev/null || apt_packages+=(g++)
if [ ${#apt_packages[@]} -gt 0 ]; then
  say "installing ${apt_packages[*]} with apt"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen's CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock, or the
# generated glue does not match the module.
wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$wanted" ]; then
  say "installing wasm-bindgen-cli $wanted (have: ${have:-none}); this takes a few minutes once"
  # No --locked: it pins a dependency version the registry mirror may not have.
  cargo install wasm-bindgen-cli --version "$wanted"
fi

# npm packages exactly as package-lock.json says; reinstall only when the lock file changed.
stamp=node_modules/.tracklens-lock.sha256
if ! sha256sum --status -c "$stamp" 2>/dev/null; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json > "$stamp"
fi
