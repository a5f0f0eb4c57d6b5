// Writes a browser's manifest: the shared manifest.json with that browser's overlay applied as a
// JSON Merge Patch (RFC 7396: objects merge key by key, `null` removes a key, anything else
// replaces). Firefox's overlay is manifest.firefox.json; the pages and scripts are the same.
// Usage: node scripts/merge-manifest.mjs manifest.json manifest.firefox.json out/manifest.json
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [base, overlay, out] = process.argv.slice(2);
  if (!out) {
    console.error('usage: merge-manifest.mjs <manifest.json> <overlay.json> <out.json>');
    process.exit(2);
  }
  const merged = mergePatch(JSON.parse(readFileSync(base, 'utf8')), JSON.parse(readFileSync(overlay, 'utf8')));
  writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
}
