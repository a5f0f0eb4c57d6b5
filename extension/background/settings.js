// The protection settings: one object in chrome.storage.local (durable across worker and browser
// restarts and extension updates), read and checked by the core (protection.rs). Reading is
// lenient: a value this version does not understand is dropped and named, never the rest. Saving
// is strict: settings with any problem are refused and nothing changes.
export const SETTINGS_KEY = 'settings';
// Where the worker leaves what it could not read, for the options page to show.
export const PROBLEMS_KEY = 'settingsProblems';

export function createSettingsStore({ local, core }) {
  let chain = Promise.resolve();
  // Writes one after another, so two saves never interleave their read and write.
  const serial = (task) => {
    const next = chain.then(task);
    chain = next.catch(() => {});
    return next;
  };

  /** The current settings (the defaults on a new install) and the problems met reading them. */
  async function load() {
    const api = await core;
    const stored = (await local.get(SETTINGS_KEY))[SETTINGS_KEY];
    if (stored === undefined) return { settings: defaults(api), problems: [], stored: false };
    const { settings, problems } = api.readSettings(stored);
    return { settings, problems, stored: true };
  }

  /** Stores the defaults on a new install; keeps what an earlier version stored on update. */
  function ensureStored() {
    return serial(async () => {
      const loaded = await load();
      if (!loaded.stored) await local.set({ [SETTINGS_KEY]: loaded.settings });
      return loaded;
    });
  }

  /**
   * Replaces the settings. Resolves to { ok: true, settings } or { ok: false, problems } when the
   * core does not accept every value (then nothing is written).
   */
  function save(candidate) {
    return serial(async () => {
      const api = await core;
      const { settings, problems } = api.readSettings(candidate);
      if (problems.length) return { ok: false, problems };
      await local.set({ [SETTINGS_KEY]: settings });
      return { ok: true, settings };
    });
  }

  return { load, ensureStored, save };
}

function defaults(api) {
  return api.readSettings({ version: 1 }).settings;
}
