// The runtime floor with polyhook's creation structure, in plain JavaScript
// on the same workerd: what the runtime itself charges for the way
// polyhook-rs creates a bin, whatever the language. A creation takes a
// token from the client's network limiter object, then from a shard of the
// service-wide one, then makes the bin's object, which writes polyhook's
// whole schema (BIN_SCHEMA: src/edge/storage/schema/bin_fresh.sql, its
// `captures` renamed so the floor's own table stays), one bin row and the
// 24 h alarm. Ingest, streams and lists are the floor's own (worker.js).
// Run as the `structured` target of bench/serve.mjs.
import floor, { Bin as FloorBin } from "./worker.js";

const DAY_MS = 24 * 60 * 60 * 1000;

// A name for the client's network object. A compressed IPv6 address
// (`2001:db8::1`) gets an odd but stable name: it only names an object.
function network(ip) {
  if (!ip) return "unknown";
  return ip.includes(":") ? `${ip.split(":").slice(0, 3).join(":")}::/48` : `${ip.split(".").slice(0, 3).join(".")}.0/24`;
}

async function take(env, name, client) {
  const stub = env.LIMITERS.get(env.LIMITERS.idFromName(name));
  const query = client === null ? "" : `?client=${encodeURIComponent(client)}`;
  const answer = await stub.fetch(`https://limiter/take${query}`);
  return answer.json();
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== "POST" || url.pathname !== "/v1/bins") return floor.fetch(request, env);
    const ip = request.headers.get("cf-connecting-ip") ?? "unknown";
    for (const [name, client] of [[network(ip), ip], ["global", null]]) {
      if (!(await take(env, name, client)).allowed) return Response.json({ error: "rate_limited" }, { status: 429 });
    }
    const id = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
    const init = await env.BINS.get(env.BINS.idFromName(id)).fetch("https://bin/init", { method: "POST", body: JSON.stringify({ id }) });
    const { expires_at_ms } = await init.json();
    const base = url.origin;
    const body = { id, ingest_url: `${base}/v1/bins/${id}/in`, stream_url: `${base}/v1/bins/${id}/stream`, expires_at: new Date(expires_at_ms).toISOString() };
    return Response.json(body, { status: 201 });
  },
};

export class Bin extends FloorBin {
  constructor(state, env) {
    super(state, env);
    this.storage = state.storage;
    this.schema = env.BIN_SCHEMA;
  }

  async fetch(request) {
    if (new URL(request.url).pathname === "/init") return this.init(request);
    return super.fetch(request);
  }

  async init(request) {
    const { id } = await request.json();
    const now = Date.now();
    this.sql.exec(this.schema);
    this.sql.exec("INSERT INTO bin (id, token_digest, created_at_ms, expires_at_ms, next_seq, capture_count, body_bytes) VALUES (?, ?, ?, ?, 1, 0, 0)", id, "-", now, now + DAY_MS);
    await this.storage.setAlarm(now + DAY_MS);
    return Response.json({ expires_at_ms: now + DAY_MS }, { status: 201 });
  }

  async alarm() {
    await this.storage.deleteAll();
  }
}

// Buckets in memory, as polyhook's limiters keep them: a network's object
// holds one per client beside its own and charges both or neither; a
// ceiling shard (asked with no client) holds only its own.
export class Limiter {
  constructor() {
    this.buckets = new Map();
  }

  bucket(key, now) {
    const b = this.buckets.get(key) ?? { tokens: 1e6, at: now };
    b.tokens = Math.min(1e6, b.tokens + (now - b.at) / 1000);
    b.at = now;
    this.buckets.set(key, b);
    return b;
  }

  fetch(request) {
    const client = new URL(request.url).searchParams.get("client");
    const now = Date.now();
    const keys = client === null ? [""] : [`client:${client}`, ""];
    const buckets = keys.map((key) => this.bucket(key, now));
    const allowed = buckets.every((b) => b.tokens >= 1);
    if (allowed) for (const b of buckets) b.tokens -= 1;
    return Response.json({ allowed, limit: 1e6, remaining: Math.floor(buckets[0].tokens), reset_epoch_s: 0, retry_after_s: 1 });
  }
}
