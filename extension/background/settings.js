// The settings store: the one writer of the settings (protection and history preferences, one
// object in chrome.storage.local, durable across worker and browser restarts and updates), read
// and checked by the core (protection.rs). Pages never write it: they send the worker a whole
// replacement (an import) or an edit (a click), and the edit is applied here to the settings as
// stored at that moment, so two pages never undo each other's change.
// Reading is lenient: a value this version does not understand is dropped and named, never the
// rest. Saving is strict: settings with any problem are refused and nothing changes.
import { SETTINGS_KEY } from '../shared/state-keys.js';

export { SETTINGS_KEY };

// Top-level settings an edit of kind 'merge' may set (the options form, the dashboard).
const MERGEABLE = new Set(['categories', 'sensitivePages', 'gpc', 'dnt', 'removeTrackingParams', 'easyPrivacy', 'consent', 'historyEnabled', 'retentionDays']);
const NEW_SITE = () => ({ mode: 'protect', categories: {}, companies: {}, domains: {}, deleteCookies: [] });

/**
 * The settings after `edit`, a page's change:
 * - { kind: 'merge', fields: { categories?, gpc?, ..., historyEnabled?, retentionDays? } }
 * - { kind: 'site-mode', site, mode }                       trust, pause or protect a site
 * - { kind: 'company', site, scope: 'site' | 'all', company, treatment }
 * - { kind: 'companies', site, companies: [company], treatment }  several companies on a site
 *   at once (the sensitive-page alert's "Block these companies here")
 * - { kind: 'keep-deleted', site, purposes: [purpose] }     cookie purposes kept deleted
 * - { kind: 'sensitive-pages', site, category, treatment }  the alert's "Always block…": the
 *   protection of sites about `category`, and `site` recorded as one of them
 * - { kind: 'site-about', site, categories: [category] }   the worker records what a site is
 *   about for that protection (the core keeps it only while the protection covers it)
 * Values are not checked here: the core checks the result. Throws on an edit of no known kind.
 */
export function applyEdit(settings, edit) {
  const next = structuredClone(settings);
  const site = () => {
    if (typeof edit.site !== 'string' || !edit.site) throw new Error('the edit names no site');
    next.sites ??= {};
    next.sites[edit.site] ??= NEW_SITE();
    return next.sites[edit.site];
  };
  switch (edit?.kind) {
    case 'merge':
      for (const [key, value] of Object.entries(edit.fields ?? {})) {
        if (!MERGEABLE.has(key)) throw new Error(`${key} cannot be changed this way`);
        next[key] = value;
      }
      return next;
    case 'site-mode':
      site().mode = edit.mode;
      return next;
    case 'company': {
      const scope = edit.scope === 'all' ? next : site();
      scope.companies = { ...scope.companies, [edit.company]: edit.treatment };
      return next;
    }
    case 'companies': {
      if (!Array.isArray(edit.companies) || !edit.companies.every((c) => typeof c === 'string')) throw new Error('the edit names no companies');
      const here = site();
      here.companies = { ...here.companies, ...Object.fromEntries(edit.companies.map((c) => [c, edit.treatment])) };
      return next;
    }
    case 'sensitive-pages':
      next.sensitivePages = { ...next.sensitivePages, [edit.category]: edit.treatment };
      about(site(), [edit.category]);
      return next;
    case 'site-about':
      if (!Array.isArray(edit.categories)) throw new Error('the edit names no categories');
      about(site(), edit.categories);
      return next;
    case 'keep-deleted': {
      const here = site();
      here.deleteCookies = [...new Set([...(here.deleteCookies ?? []), ...(edit.purposes ?? [])])];
      return next;
    }
    default:
      throw new Error(`unknown settings edit ${JSON.stringify(edit?.kind ?? null)}`);
  }
}

export function createSettingsStore({ local, core }) {
  let chain = Promise.resolve();
  // What is stored, as the core read it; the store is the only writer, so it stays true.
  let cached = null;
  // Writes one after another, so two saves never interleave their read and write.
  const serial = (task) => {
    const next = chain.then(task);
    chain = next.catch(() => {});
    return next;
  };

  async function read() {
    const api = await core;
    const stored = (await local.get(SETTINGS_KEY))[SETTINGS_KEY];
    if (stored === undefined) return { settings: defaults(api), problems: [], stored: false };
    const { settings, problems } = api.readSettings(stored);
    return { settings, problems, stored: true };
  }

  /** The current settings (the defaults on a new install) and the problems met reading them. */
  function load() {
    cached ??= read().catch((error) => {
      cached = null;
      throw error;
    });
    return cached;
  }

  async function write(candidate) {
    const api = await core;
    const { settings, problems } = api.readSettings(candidate);
    if (problems.length) return { ok: false, problems };
    await local.set({ [SETTINGS_KEY]: settings });
    cached = Promise.resolve({ settings, problems: [], stored: true });
    return { ok: true, settings };
  }

  /** Stores the defaults on a new install; keeps what an earlier version stored on update. */
  function ensureStored() {
    return serial(async () => {
      cached = null;
      const loaded = await load();
      if (!loaded.stored) await local.set({ [SETTINGS_KEY]: loaded.settings });
      return loaded;
    });
  }

  /**
   * Replaces the settings. Resolves to { ok: true, settings } or { ok: false, problems } when the
   * core does not accept every value (then nothing is written).
   */
  const save = (candidate) => serial(() => write(candidate));

  /** Applies a page's edit (see applyEdit) to the stored settings; resolves as save() does. */
  const change = (edit) => serial(async () => {
    let next;
    try {
      next = applyEdit((await load()).settings, edit);
    } catch (error) {
      return { ok: false, problems: [error.message] };
    }
    return write(next);
  });

  return { load, ensureStored, save, change };
}

function about(site, categories) {
  site.about = [...new Set([...(site.about ?? []), ...categories])];
}

function defaults(api) {
  return api.readSettings({ version: 1 }).settings;
}
