// TrackLens against the engines people would pick instead, in one Node process: uBlock Origin's
// network engine (@gorhill/ubo-core) and Ghostery's (@ghostery/adblocker), on the same lists
// (EasyList + EasyPrivacy) and the same 30,524 Cliqz requests. TrackLens runs as the extension
// runs it: the wasm build (extension/pkg from scripts/build.sh) on a snapshot of the same lists.
//
//   node scripts/bench-peers.mjs [DATA_DIR] [ROUNDS]   (after scripts/build.sh)
//
// DATA_DIR defaults to ../shared/data. The engines take turns in each round, in a rotating
// order, so drift in the machine's speed (another process, turbo, GC) is spread over all of them.
// Per-request times are pooled over the rounds; the first round is a warm-up and not counted.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.argv[2] ?? join(root, '..', 'shared', 'data');
const rounds = Number(process.argv[3] ?? 5);
const lists = { easylist: join(dataDir, 'easylist.txt'), easyprivacy: join(dataDir, 'easyprivacy.txt') };
const corpusFile = join(dataDir, 'requests-cliqz-top500-30k.jsonl.gz');
const cli = join(root, 'target', 'release', 'tracklens');
const pkg = join(root, 'extension', 'pkg');

for (const [path, hint] of [
  [lists.easylist, `the data directory ${dataDir} is missing or incomplete: pass it as the first argument`],
  [lists.easyprivacy, `the data directory ${dataDir} is missing or incomplete: pass it as the first argument`],
  [corpusFile, `the Cliqz corpus is missing from ${dataDir}`],
  [join(pkg, 'tracklens_bg.wasm'), 'run scripts/build.sh first'],
  [cli, 'run scripts/build.sh first'],
  [join(root, 'node_modules', '@ghostery', 'adblocker'), 'run npm install first'],
]) {
  if (!existsSync(path)) {
    console.error(`bench-peers: ${path} not found: ${hint}`);
    process.exit(2);
  }
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const quantile = (sorted, q) => sorted[Math.round((sorted.length - 1) * q)];
const median = (values) => quantile([...values].sort((a, b) => a - b), 0.5);
/** Memory the process holds after a full collection: JS heap plus buffers (wasm memory included). */
const heldBytes = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

// The request types as the browser's webRequest API names them, for every engine alike (the
// Cliqz corpus uses Puppeteer's names; TrackLens reads both, the peers read these).
const webRequestType = { document: 'main_frame', xhr: 'xmlhttprequest', fetch: 'xmlhttprequest', texttrack: 'other', manifest: 'other' };
const corpusText = gunzipSync(readFileSync(corpusFile)).toString('utf8');
const requests = corpusText.split('\n').filter(Boolean).map((line) => JSON.parse(line))
  .map((r) => ({ url: r.url, page: r.frameUrl ?? r.sourceUrl, type: webRequestType[r.cpt] ?? r.cpt }));
const ghosteryOptions = { loadCosmeticFilters: false };
const listText = { easylist: readFileSync(lists.easylist, 'utf8'), easyprivacy: readFileSync(lists.easyprivacy, 'utf8') };

/** Loads each engine: from its lists and from its serialised form (median of `times`), and its memory. */
async function timeLoads(load, times) {
  const durations = [];
  let engine;
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    engine = await load();
    durations.push(performance.now() - start);
  }
  return { engine, ms: median(durations) };
}

const work = mkdtempSync(join(tmpdir(), 'tracklens-peers-'));
const engines = [];
try {
  // Each engine's memory is what the process holds after loading its serialised form, read from
  // a file inside the measured window: an engine that keeps the bytes (Ghostery reads in place)
  // is charged for them, one that copies them out is not. Measured before anything else of
  // that engine runs in this process (uBO keeps module-wide buffers once it has parsed lists).
  const uboSelfie = join(work, 'ubo.selfie');
  const ghosterySerialized = join(work, 'ghostery.engine');
  execFileSync(process.execPath, ['--input-type=module', '-e', `
    import { readFileSync, writeFileSync } from 'node:fs';
    import { StaticNetFilteringEngine } from '@gorhill/ubo-core';
    import { FiltersEngine } from '@ghostery/adblocker';
    const raw = ${JSON.stringify(Object.values(lists))}.map((file) => readFileSync(file, 'utf8'));
    const snfe = await StaticNetFilteringEngine.create();
    await snfe.useLists(raw.map((text, i) => ({ name: String(i), raw: text })));
    writeFileSync(${JSON.stringify(uboSelfie)}, await snfe.serialize());
    writeFileSync(${JSON.stringify(ghosterySerialized)}, FiltersEngine.parse(raw.join('\\n'), ${JSON.stringify(ghosteryOptions)}).serialize());
  `], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

  // TrackLens: the snapshot the build makes (native CLI), loaded in wasm as the service worker does.
  const snapshotFile = join(work, 'engine.snapshot');
  const parseStart = performance.now();
  execFileSync(cli, ['snapshot', '--list', `EasyList=${lists.easylist}`, '--list', `EasyPrivacy=${lists.easyprivacy}`,
    '--out', snapshotFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  const trackLensParse = performance.now() - parseStart;
  {
    const before = heldBytes();
    const { initSync, TrackLens } = await import(join(pkg, 'tracklens.js'));
    initSync({ module: readFileSync(join(pkg, 'tracklens_bg.wasm')) });
    const live = TrackLens.fromSnapshot(new Uint8Array(readFileSync(snapshotFile)));
    const memory = heldBytes() - before;
    const snapshot = new Uint8Array(readFileSync(snapshotFile));
    const load = await timeLoads(() => TrackLens.fromSnapshot(snapshot).free(), 11);
    engines.push({
      name: 'TrackLens wasm',
      parseMs: trackLensParse,
      parseNote: 'native CLI, build time',
      loadMs: load.ms,
      serialized: snapshot.length,
      memory,
      blocks: (r) => live.blocks(r.url, r.page, r.type),
    });
  }

  // Ghostery: network filters only, as TrackLens; its defaults otherwise (the in-memory cache
  // keeps decoded index buckets, not results: without it every lookup decodes filters again).
  {
    const before = heldBytes();
    const { FiltersEngine, Request } = await import('@ghostery/adblocker');
    const live = FiltersEngine.deserialize(new Uint8Array(readFileSync(ghosterySerialized)));
    const memory = heldBytes() - before;
    const serialized = new Uint8Array(readFileSync(ghosterySerialized));
    const load = await timeLoads(() => FiltersEngine.deserialize(serialized), 11);
    const parsed = await timeLoads(() => FiltersEngine.parse(`${listText.easylist}\n${listText.easyprivacy}`, ghosteryOptions), 3);
    engines.push({
      name: 'Ghostery 2.18',
      parseMs: parsed.ms,
      loadMs: load.ms,
      serialized: serialized.length,
      memory,
      blocks: (r) => live.match(Request.fromRawDetails({ url: r.url, sourceUrl: r.page, type: r.type })).match,
    });
  }

  // uBlock Origin: one engine instance per process (the package's rule), from its own serialised
  // form ("selfie"), then timed loading its lists (which leaves the same filters in it).
  {
    const before = heldBytes();
    const { StaticNetFilteringEngine } = await import('@gorhill/ubo-core');
    const snfe = await StaticNetFilteringEngine.create();
    await snfe.deserialize(readFileSync(uboSelfie, 'utf8'));
    const memory = heldBytes() - before;
    const selfie = readFileSync(uboSelfie, 'utf8');
    const load = await timeLoads(() => snfe.deserialize(selfie), 11);
    const parsed = await timeLoads(() => snfe.useLists([{ name: 'easylist', raw: listText.easylist }, { name: 'easyprivacy', raw: listText.easyprivacy }]), 3);
    engines.push({
      name: 'uBO core 0.1.30',
      parseMs: parsed.ms,
      loadMs: load.ms,
      serialized: selfie.length,
      memory,
      // 1 = blocked, 2 = allowed by an exception, 0 = no filter.
      blocks: (r) => snfe.matchRequest({ originURL: r.page, url: r.url, type: r.type }) === 1,
    });
  }

  // Interleaved rounds; decisions from the last round (every round decides the same).
  for (const engine of engines) engine.times = new Float64Array(requests.length * rounds);
  for (let round = 0; round <= rounds; round++) {
    for (let k = 0; k < engines.length; k++) {
      const engine = engines[(round + k) % engines.length];
      const { blocks, times } = engine;
      const decisions = new Uint8Array(requests.length);
      const offset = (round - 1) * requests.length;
      for (let i = 0; i < requests.length; i++) {
        const start = performance.now();
        decisions[i] = blocks(requests[i]) ? 1 : 0;
        const elapsed = performance.now() - start;
        if (round > 0) times[offset + i] = elapsed * 1e3;
      }
      engine.decisions = decisions;
    }
  }

  const base = engines[0];
  for (const engine of engines) {
    const sorted = Float64Array.from(engine.times).sort();
    engine.median = quantile(sorted, 0.5);
    engine.p99 = quantile(sorted, 0.99);
    engine.mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    engine.blocked = engine.decisions.reduce((a, b) => a + b, 0);
  }
  const ratio = (engine, of) => (engine === base ? '' : ` (${(engine[of] / base[of]).toFixed(2)}x)`);
  const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
  const row = (label, cell) => console.log(`  ${label.padEnd(22)}${engines.map((e) => cell(e).padEnd(24)).join('')}`);
  console.log(`Engines on EasyList + EasyPrivacy, ${requests.length} Cliqz requests, ${rounds} interleaved rounds (+1 warm-up), Node ${process.version}`);
  console.log(`Ratios are the peer's figure over TrackLens's: above 1 means TrackLens is faster or smaller.`);
  row('', (e) => e.name);
  row('median per request', (e) => `${e.median.toFixed(2)} µs${ratio(e, 'median')}`);
  row('p99 per request', (e) => `${e.p99.toFixed(2)} µs${ratio(e, 'p99')}`);
  row('mean per request', (e) => `${e.mean.toFixed(2)} µs${ratio(e, 'mean')}`);
  row('load serialised', (e) => `${e.loadMs.toFixed(1)} ms${ratio(e, 'loadMs')}`);
  row('serialised size', (e) => kb(e.serialized));
  row('parse lists', (e) => `${e.parseMs.toFixed(0)} ms${e.parseNote ? ' (native)' : ''}`);
  row('memory (code + engine)', (e) => `${kb(e.memory)}${ratio(e, 'memory')}`);
  row('blocked', (e) => `${e.blocked}`);
  console.log('  block-decision agreement:');
  for (let a = 0; a < engines.length; a++) {
    for (let b = a + 1; b < engines.length; b++) {
      let same = 0;
      for (let i = 0; i < requests.length; i++) same += Number(engines[a].decisions[i] === engines[b].decisions[i]);
      console.log(`    ${engines[a].name} / ${engines[b].name}: ${((100 * same) / requests.length).toFixed(2)}% (${requests.length - same} differ)`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
