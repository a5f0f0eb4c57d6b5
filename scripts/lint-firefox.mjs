// Runs Mozilla's add-on linter (web-ext lint, what addons.mozilla.org runs on upload) over the
// built Firefox package. Fails on any error, and on any warning or notice not listed below with
// the reason it is a false alarm, so a new finding is never waved through.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const EXPECTED = [
  {
    code: 'COINMINER_USAGE_DETECTED',
    file: 'extension/pkg/easyprivacy-rules.json',
    why: 'EasyPrivacy blocks coin-miner scripts by name (e.g. /coinhive.min.js); the linter matches the block rule, not a miner',
  },
];

let output;
try {
  output = execFileSync('node_modules/.bin/web-ext', ['lint', '--source-dir', 'dist/firefox', '--output', 'json', '--no-input'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
} catch (error) {
  output = error.stdout; // web-ext exits non-zero when it finds errors; its JSON still says which
  if (!output) throw error;
}
const result = JSON.parse(output);
const expected = (finding) => EXPECTED.some((e) => e.code === finding.code && e.file === finding.file);
const unexpected = [...result.errors, ...result.warnings.filter((f) => !expected(f)), ...result.notices.filter((f) => !expected(f))];
for (const finding of unexpected) console.error(`web-ext lint: ${finding._type} ${finding.code} in ${finding.file ?? 'the package'}: ${finding.message}`);
for (const finding of result.warnings.filter(expected)) console.error(`web-ext lint: expected ${finding.code} in ${finding.file} (${EXPECTED.find((e) => e.code === finding.code).why})`);
console.error(`web-ext lint: ${result.count} findings, ${unexpected.length} unexpected`);
process.exit(unexpected.length ? 1 : 0);
