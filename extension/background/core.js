// Loads the Rust core (wasm). The module is fetched from the extension package itself; there is
// no remote code. Start-up begins at import so the first request waits as little as possible.
import init, * as core from '../pkg/tracklens.js';

const wasmUrl = new URL('../pkg/tracklens_bg.wasm', import.meta.url);

/** Resolves to the core's exports once the wasm module is instantiated; rejects if it cannot be. */
export const ready = init({ module_or_path: wasmUrl }).then(() => core);
