// The bins this browser made, in localStorage. Tokens are shown once by the
// API, so this is the only place the page can get them back after a reload.
// The storage object is passed in, which keeps this file free of the DOM.

const KEY = "polyhook.bins.v1";

const isRecord = (r) => r && typeof r.id === "string" && typeof r.expires_at === "string";

/** The record kept for a `BinCreated` answer. */
export function recordFromCreated(created, now = new Date()) {
  return {
    id: created.id,
    delete_token: created.delete_token,
    read_token: created.read_token ?? null,
    expires_at: created.expires_at,
    ingest_url: created.ingest_url,
    created_at: now.toISOString(),
    ended: null,
  };
}

/** @param {Pick<Storage, "getItem"|"setItem">} storage */
export function createBinStore(storage) {
  const read = () => {
    try {
      const list = JSON.parse(storage.getItem(KEY) ?? "[]");
      return Array.isArray(list) ? list.filter(isRecord) : [];
    } catch {
      return []; // corrupt or unavailable storage: start empty rather than break the page
    }
  };
  const write = (list) => {
    try {
      storage.setItem(KEY, JSON.stringify(list));
    } catch {
      // Quota or privacy mode: the bin still works, it just isn't remembered.
    }
  };
  return {
    /** Newest first. */
    list: () => read().sort((a, b) => String(b.created_at).localeCompare(String(a.created_at))),
    get: (id) => read().find((r) => r.id === id) ?? null,
    save(record) {
      write([...read().filter((r) => r.id !== record.id), record]);
    },
    update(id, patch) {
      const list = read();
      const found = list.find((r) => r.id === id);
      if (found) write(list.map((r) => (r.id === id ? { ...r, ...patch } : r)));
      return Boolean(found);
    },
    remove(id) {
      write(read().filter((r) => r.id !== id));
    },
  };
}
