#!/usr/bin/env bash
# Builds the extension: the Rust core as size-optimised wasm, its wasm-bindgen glue in
# extension/pkg/, the unpacked extension in dist/chromium/ and dist/firefox/ and a store-ready zip
# beside each.
# Also builds the native `tracklens` command-line tool. Run scripts/setup.sh first (the README's
# commands do).
set -euo pipefail
cd "$(dirname "$0")/.."

wasm=target/wasm32-unknown-unknown/wasm/tracklens.wasm
pkg=extension/pkg

# The `wasm` profile (Cargo.toml): the release profile optimised for size.
cargo build --quiet --profile wasm --target wasm32-unknown-unknown -p tracklens --lib
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$pkg" "$wasm"
# binaryen from npm: a second optimisation pass over the whole module. At the wasm profile's
# opt-level "s" it buys speed, not size (measured interleaved, 1 December: page context 480-710 µs
# per page with it, 520-810 without; gzipped 717 kB with it, 687 kB without); -Os and -Oz save 1 kB
# more and are no faster. At opt-level "z" it changed neither speed nor size.
node_modules/.bin/wasm-opt -O3 "$pkg/tracklens_bg.wasm" -o "$pkg/tracklens_bg.wasm"
cargo build --quiet --release -p tracklens --bin tracklens
# The engine snapshot the service worker loads at start, so it never parses lists itself.
target/release/tracklens snapshot --list EasyPrivacy=crate/data/lists/easyprivacy.txt --out "$pkg/engine.snapshot" >&2
# Category and cookie-purpose names and labels for the pages, from the core (vocabulary.rs).
target/release/tracklens vocabulary --out "$pkg/vocabulary.js" >&2
# The EasyPrivacy static ruleset (off until the user subscribes in the options page).
target/release/tracklens dnr --list EasyPrivacy=crate/data/lists/easyprivacy.txt --out "$pkg/easyprivacy-rules.json" >&2
# DuckDuckGo's autoconsent (npm, MPL-2.0) bundled into the consent content script and the
# worker's snippet module: packaged code only, nothing fetched at run time.
for entry in content/autoconsent.js:autoconsent-content.js:iife background/autoconsent-snippets.js:autoconsent-snippets.js:esm; do
  IFS=: read -r src out format <<<"$entry"
  node_modules/.bin/esbuild "extension/$src" --bundle --format="$format" --target=chrome120 --minify \
    --legal-comments=eof --log-level=warning --outfile="$pkg/$out"
done

# Each package holds only what the browser runs: the manifest and extension/ (with pkg/). The
# Firefox package is the same files with manifest.firefox.json merged into the manifest (an event
# page instead of a service worker, the gecko id); API differences live in extension/shared/platform.js.
package() {
  local browser=$1 dir=dist/$1
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$browser" = chromium ]; then cp manifest.json "$dir/"; else node scripts/merge-manifest.mjs manifest.json "manifest.$browser.json" "$dir/manifest.json"; fi
  cp -r extension "$dir/"
  # The bundler's entry points import npm packages by name: only their bundles in pkg/ run.
  rm "$dir/extension/content/autoconsent.js" "$dir/extension/background/autoconsent-snippets.js"
  if [ "$browser" = firefox ]; then node scripts/firefox-ruleset.mjs "$dir/$pkg/easyprivacy-rules.json"; fi
  rm -f "dist/tracklens-$browser.zip"
  python3 -m zipfile -c "dist/tracklens-$browser.zip" "$dir/manifest.json" "$dir/extension" >/dev/null
}
package chromium
package firefox

size=$(stat -c %s "$pkg/tracklens_bg.wasm")
gz=$(gzip -9 -c "$pkg/tracklens_bg.wasm" | wc -c)
snap=$(stat -c %s "$pkg/engine.snapshot")
printf 'build: wasm core %s bytes (%s gzipped), engine snapshot %s bytes; extensions in dist/chromium and dist/firefox, zips beside them\n' "$size" "$gz" "$snap" >&2
