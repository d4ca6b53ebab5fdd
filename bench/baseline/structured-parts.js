// The structured floor's other parts (bench/baseline/structured.js): the
// creation limiters and the metrics shards, each doing in JavaScript what
// its polyhook-rs counterpart does per request, and a capture's list view.

// A name for the client's network object. A compressed IPv6 address
// (`2001:db8::1`) gets an odd but stable name: it only names an object.
export function network(ip) {
  if (!ip) return "unknown";
  return ip.includes(":") ? `${ip.split(":").slice(0, 3).join(":")}::/48` : `${ip.split(".").slice(0, 3).join(".")}.0/24`;
}

/** `key`'s token bucket in `buckets`, refilled at `perSecond` up to `burst` for the time since its last use. */
export function refilled(buckets, key, now, perSecond, burst) {
  const b = buckets.get(key) ?? { tokens: burst, at: now };
  b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
  b.at = now;
  buckets.set(key, b);
  return b;
}

// Buckets in memory, as polyhook's limiters keep them: a network's object
// holds one per client beside its own and charges both or neither; a
// ceiling shard (asked with no client) holds only its own.
export class Limiter {
  constructor() {
    this.buckets = new Map();
  }

  fetch(request) {
    const client = new URL(request.url).searchParams.get("client");
    const now = Date.now();
    const keys = client === null ? [""] : [`client:${client}`, ""];
    const buckets = keys.map((key) => refilled(this.buckets, key, now, 1, 1e6));
    const allowed = buckets.every((b) => b.tokens >= 1);
    if (allowed) for (const b of buckets) b.tokens -= 1;
    return Response.json({ allowed, limit: 1e6, remaining: Math.floor(buckets[0].tokens), reset_epoch_s: 0, retry_after_s: 1 });
  }
}

// polyhook-rs's metrics shard statements (src/edge/objects/metrics.rs).
const UPSERT_ALL = "INSERT INTO totals (name, label, value) SELECT s.value ->> 0, s.value ->> 1, s.value ->> 2 FROM json_each(?) AS s WHERE true ON CONFLICT (name, label) DO UPDATE SET value = totals.value + excluded.value";
const SAVE = "INSERT OR REPLACE INTO sources (source, epoch, seq, clients, sockets, seen_ms) VALUES (?, ?, ?, ?, ?, ?)";

// A metrics shard: adds each batch to its totals, once per batch.
export class Metrics {
  constructor(state) {
    this.sql = state.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS totals (name TEXT NOT NULL, label TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (name, label))");
    this.sql.exec("CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, epoch TEXT NOT NULL, seq INTEGER NOT NULL, clients INTEGER NOT NULL, sockets INTEGER NOT NULL, seen_ms INTEGER NOT NULL)");
  }

  async fetch(request) {
    const batch = await request.json();
    const last = this.sql.exec("SELECT epoch, seq, clients, sockets FROM sources WHERE source = ?", batch.source).toArray()[0];
    if (last && last.epoch === batch.epoch && last.seq >= batch.seq) return new Response(null, { status: 204 });
    const samples = [...batch.samples, ["polyhook_metrics_batches_total", "", 1], ["polyhook_metrics_flush_seconds_total", "", batch.flush_ms / 1000]];
    this.sql.exec(UPSERT_ALL, JSON.stringify(samples));
    this.sql.exec(SAVE, batch.source, batch.epoch, batch.seq, batch.sse_clients, batch.ws_clients, Date.now());
    return new Response(null, { status: 204 });
  }
}

const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** The SHA-256 of a string or bytes, in hex. */
export const sha256 = async (data) => hex(await crypto.subtle.digest("SHA-256", typeof data === "string" ? new TextEncoder().encode(data) : data));

/** A stored capture row as polyhook's list shows it. */
export function view(bin, r) {
  const answer = r.answer === null ? null : JSON.parse(r.answer);
  const reply = r.reply === null ? null : JSON.parse(r.reply);
  return {
    id: `${bin}-${r.seq}`,
    seq: r.seq,
    method: r.method,
    path: r.path,
    query: r.query,
    headers: JSON.parse(r.headers),
    set_cookies: JSON.parse(r.set_cookies),
    content_type: r.content_type,
    client_ip: r.client_ip,
    body_size: r.body_size,
    received_at: new Date(r.received_at_ms).toISOString(),
    response: { rule: answer?.rule ?? null, status: answer?.status ?? 202, delay_ms: answer?.delay_ms ?? 0, delay_skipped: false, source: answer ? "rule" : "default", pending: false, waited_ms: reply?.waited_ms ?? 0, fallback: reply?.fallback ?? null, listener: null },
    verification: r.verification === null ? null : JSON.parse(r.verification),
  };
}
