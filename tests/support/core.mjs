// The real Rust core (the wasm the build put in extension/pkg/), for unit tests under Node: the
// page report is the core's, so tests that build reports use the same function the extension does.
import { readFileSync } from 'node:fs';
import * as pkg from '../../extension/pkg/tracklens.js';

pkg.initSync({ module: readFileSync(new URL('../../extension/pkg/tracklens_bg.wasm', import.meta.url)) });

/** The core's page-report functions, as core.js hands them to the recorder. */
export const reportCore = {
  applyPageEvents: pkg.applyPageEvents,
  readPageReport: pkg.readPageReport,
  trimPageReport: pkg.trimPageReport,
  planReportBudget: pkg.planReportBudget,
};

export { pkg };
