// An in-memory stand-in for chrome.storage.{session,local} for unit tests under Node: values are
// cloned on the way in and out, as Chrome's storage serialises them.
export function fakeStorage(initial = {}) {
  const data = structuredClone(initial);
  let writes = 0;
  return {
    data,
    /** How many times set() was called: tests of debounced writers count them. */
    get writes() { return writes; },
    async get(keys) {
      if (keys === null || keys === undefined) return structuredClone(data);
      const wanted = Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(wanted.filter((k) => k in data).map((k) => [k, structuredClone(data[k])]));
    },
    async set(items) {
      writes += 1;
      Object.assign(data, structuredClone(items));
    },
    async remove(keys) {
      for (const k of Array.isArray(keys) ? keys : [keys]) delete data[k];
    },
  };
}
