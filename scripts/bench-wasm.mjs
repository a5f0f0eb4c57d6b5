// The engine as the extension runs it: the wasm build under Node, against the native build of
// the same code in the same run, on the same snapshot (EasyList + EasyPrivacy) and requests.
//
//   node scripts/bench-wasm.mjs [DATA_DIR]      (after scripts/build.sh)
//
// DATA_DIR defaults to ../shared/data (EasyList, EasyPrivacy, the Cliqz request corpus).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.argv[2] ?? join(root, '..', 'shared', 'data');
const corpusFile = join(dataDir, 'requests-cliqz-top500-30k.jsonl.gz');
const cli = join(root, 'target', 'release', 'tracklens');
const pkg = join(root, 'extension', 'pkg');

for (const [path, hint] of [[join(dataDir, 'easyprivacy.txt'), 'pass the shared data directory'], [corpusFile, 'the Cliqz corpus is missing'],
  [join(pkg, 'tracklens_bg.wasm'), 'run scripts/build.sh first'], [cli, 'run scripts/build.sh first']]) {
  if (!existsSync(path)) {
    console.error(`bench-wasm: ${path} not found: ${hint}`);
    process.exit(2);
  }
}

const median = (values, q = 0.5) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * q)];
};

const work = mkdtempSync(join(tmpdir(), 'tracklens-bench-'));
try {
  const snapshotFile = join(work, 'engine.snapshot');
  execFileSync(cli, ['snapshot', '--list', `EasyList=${join(dataDir, 'easylist.txt')}`, '--list',
    `EasyPrivacy=${join(dataDir, 'easyprivacy.txt')}`, '--out', snapshotFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  const corpusText = gunzipSync(readFileSync(corpusFile)).toString('utf8');
  const requests = corpusText.split('\n').filter(Boolean).map((line) => JSON.parse(line))
    .map((r) => ({ url: r.url, page: r.frameUrl ?? r.sourceUrl, type: r.cpt ?? r.type }));

  // Native, same snapshot, same requests.
  const native = JSON.parse(execFileSync(cli, ['check', '--snapshot', snapshotFile], { input: corpusText, maxBuffer: 1 << 26 }));

  // Wasm, loaded as the service worker loads it.
  const { initSync, TrackLens } = await import(join(pkg, 'tracklens.js'));
  initSync({ module: readFileSync(join(pkg, 'tracklens_bg.wasm')) });
  const bytes = new Uint8Array(readFileSync(snapshotFile));
  const loads = [];
  let engine;
  for (let i = 0; i < 11; i++) {
    engine?.free();
    const start = performance.now();
    engine = TrackLens.fromSnapshot(bytes);
    loads.push(performance.now() - start);
  }
  const times = [];
  let blocked = 0;
  for (const r of requests) {
    const start = performance.now();
    const blocks = engine.blocks(r.url, r.page, r.type);
    times.push((performance.now() - start) * 1e6);
    blocked += Number(blocks);
  }
  // The path the worker really takes: whole verdicts, in batches of 100.
  const batchStart = performance.now();
  for (let i = 0; i < requests.length; i += 100) {
    engine.classifyBatch(requests.slice(i, i + 100).map((r) => ({ url: r.url, page_url: r.page, resource_type: r.type })));
  }
  const perVerdict = ((performance.now() - batchStart) * 1e3) / requests.length;

  const wasmMedian = median(times);
  const wasmP99 = median(times, 0.99);
  console.log(`TrackLens wasm vs native, EasyList + EasyPrivacy, ${requests.length} Cliqz requests`);
  console.log(`  wasm module            ${readFileSync(join(pkg, 'tracklens_bg.wasm')).length} bytes`);
  console.log(`  snapshot               ${bytes.length} bytes, load (median of 11) ${median(loads).toFixed(1)} ms in wasm`);
  console.log(`  decide median          wasm ${(wasmMedian / 1e3).toFixed(2)} µs   native ${(native.median_ns / 1e3).toFixed(2)} µs   wasm/native ${(wasmMedian / native.median_ns).toFixed(2)}x`);
  console.log(`  decide p99             wasm ${(wasmP99 / 1e3).toFixed(2)} µs   native ${(native.p99_ns / 1e3).toFixed(2)} µs   wasm/native ${(wasmP99 / native.p99_ns).toFixed(2)}x`);
  console.log(`  full verdict (batched) wasm ${perVerdict.toFixed(2)} µs per request, JS objects included`);
  console.log(`  blocked                wasm ${blocked}   native ${native.blocked}${blocked === native.blocked ? ' (identical)' : ' (DIFFERENT)'}`);
  engine.free();
  if (blocked !== native.blocked) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
