// The runtime floor with polyhook's structure, in plain JavaScript on the
// same workerd: what the runtime itself charges for the work polyhook-rs
// does, whatever the language. Against it, polyhook-rs's ratio is what the
// Rust and workers-rs add; against the plain floor (worker.js), the ratio
// also holds the cost of polyhook's promises.
// - Creation takes a token from the client's network limiter object, then
//   from a shard of the service-wide one, then makes the bin's object, which
//   writes polyhook's whole schema (BIN_SCHEMA: src/edge/storage/schema/
//   bin_fresh.sql, with `captures` renamed `rs_captures`), one bin row and
//   the 24 h alarm.
// - An ingest is polyhook's: the client's token bucket, the declared and the
//   read body size checked, the header map and cookies, one insert into the
//   `capture_in` view (16 columns; its trigger writes the row and the body),
//   the bin's usage kept and its oldest captures evicted past 10,000 (the
//   same statements), the frame written to any SSE subscriber, the metrics
//   counted in memory and flushed to a metrics shard a second after the
//   first unsent one (that shard upserts them as polyhook's does), the 202
//   with its rate-limit and CORS headers.
// - A list read is polyhook's: its 13 columns, each row's JSON columns
//   parsed, the `response` object, a checked cursor, a SHA-256 ETag
//   honouring If-None-Match, and the same headers.
// Left out, as too small to show: the request log line's settings check,
// read tokens, list filters, and on creation the delete token and its digest.
// Run as the `structured` target of bench/serve.mjs.
import floor, { openStream } from "./worker.js";
import { Metrics, Limiter, network, refilled, sha256, view } from "./structured-parts.js";

export { Metrics, Limiter };

const DAY_MS = 24 * 60 * 60 * 1000;
const SHARDS = 128;
const MAX_BODY_BYTES = 1048576;
const RATE = { perSecond: 1e6, burst: 1e6 };
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Location, Content-Disposition",
};
const INSERT = "INSERT INTO capture_in (seq, method, path, query, headers, set_cookies, content_type, client_ip, body_size, received_at_ms, answer, verification, reply, stored_bytes, ns_path, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const PAGE = "SELECT seq, method, path, query, headers, set_cookies, content_type, client_ip, body_size, received_at_ms, answer, verification, reply FROM rs_captures WHERE seq < ? ORDER BY seq DESC LIMIT ?";
const BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const MAX_CAPTURES = 10000;
const MAX_STORED_BYTES = 104857600;
const TOO_LARGE = { error: "request body too large", code: "payload_too_large" };
const encoder = new TextEncoder();
const FINISHED = "request_seq <= ? AND status != 'in_progress'";
const DROP_REPLAYS = [
  `DELETE FROM replay_attempts WHERE replay_n IN (SELECT n FROM replays WHERE ${FINISHED})`,
  `DELETE FROM replay_bodies WHERE n IN (SELECT n FROM replays WHERE ${FINISHED})`,
  `DELETE FROM replays WHERE ${FINISHED}`,
];
const OLDEST = "SELECT c.seq AS seq, COALESCE(c.stored_bytes, c.body_size) + (SELECT COALESCE(SUM(r.stored_bytes), 0) FROM replays r WHERE r.request_seq = c.seq AND r.status != 'in_progress') AS size, EXISTS (SELECT 1 FROM replays r WHERE r.request_seq <= c.seq) AS replayed FROM rs_captures c ORDER BY c.seq LIMIT ?";
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/;

async function take(env, name, client) {
  const stub = env.LIMITERS.get(env.LIMITERS.idFromName(name));
  const query = client === null ? "" : `?client=${encodeURIComponent(client)}`;
  const answer = await stub.fetch(`https://limiter/take${query}`);
  return answer.json();
}

const json = (status, value, headers) => new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...CORS, ...headers } });
// As polyhook's client key: an IPv4 address, or an IPv6 address's /64.
const clientKey = (ip) => (!ip ? "unknown" : ip.includes(":") ? `${ip.split(":").slice(0, 4).join(":")}::/64` : ip);

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

export class Bin {
  constructor(state, env) {
    this.sql = state.storage.sql;
    this.storage = state.storage;
    this.env = env;
    this.schema = env.BIN_SCHEMA;
    this.writers = new Set();
    this.buckets = new Map();
    this.delta = new Map();
    this.armed = false;
    this.batch = 0;
    this.epoch = crypto.randomUUID();
  }

  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/init") return this.init(request);
    const [, , id, what = ""] = url.pathname.split("/").filter(Boolean);
    if (!this.bin()) return json(404, { error: "bin not found", code: "not_found" });
    if (what === "in") return this.ingest(request, id, url);
    if (what === "requests") return this.page(request, id, url);
    if (what === "stream") return this.stream();
    return json(404, { error: "route not found", code: "not_found" });
  }

  async init(request) {
    const { id } = await request.json();
    const now = Date.now();
    const shard = Math.floor(Math.random() * SHARDS);
    this.sql.exec(this.schema);
    this.sql.exec("INSERT INTO bin (id, token_digest, created_at_ms, expires_at_ms, next_seq, capture_count, body_bytes, metrics_shard) VALUES (?, ?, ?, ?, 1, 0, 0, ?)", id, "-", now, now + DAY_MS, shard);
    await this.storage.setAlarm(now + DAY_MS);
    this.record = { id, expires_at_ms: now + DAY_MS, metrics_shard: shard, next: 1, count: 0, bytes: 0 };
    return Response.json({ expires_at_ms: now + DAY_MS }, { status: 201 });
  }

  // The bin's record, read once and kept, as polyhook-rs keeps it.
  bin() {
    if (!this.record) {
      const made = this.sql.exec("SELECT count(*) AS n FROM sqlite_master WHERE name = 'bin'").one().n > 0;
      const row = made ? this.sql.exec("SELECT id, expires_at_ms, metrics_shard, next_seq FROM bin").toArray()[0] : undefined;
      if (!row) return null;
      const usage = this.sql.exec("SELECT count(*) AS n, COALESCE(MAX(seq), 0) AS last, COALESCE(SUM(stored_bytes), 0) AS bytes FROM rs_captures").one();
      this.record = { ...row, next: Math.max(row.next_seq, usage.last + 1), count: usage.n, bytes: usage.bytes };
    }
    return this.record.expires_at_ms > Date.now() ? this.record : null;
  }

  limit(client, now) {
    const b = refilled(this.buckets, client, now, RATE.perSecond, RATE.burst);
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    const headers = { "x-ratelimit-limit": String(RATE.burst), "x-ratelimit-remaining": String(Math.floor(b.tokens)), "x-ratelimit-reset": String(Math.ceil(now / 1000) + 1) };
    return { allowed, headers };
  }

  async ingest(request, id, url) {
    const started = Date.now();
    const declared = Number(request.headers.get("content-length"));
    if (declared > MAX_BODY_BYTES) return json(413, TOO_LARGE);
    const ip = request.headers.get("cf-connecting-ip");
    const { allowed, headers: limitHeaders } = this.limit(clientKey(ip), started);
    if (!allowed) return json(429, { error: "rate limited", code: "rate_limited" }, limitHeaders);
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.length > MAX_BODY_BYTES) return json(413, TOO_LARGE);
    const bin = this.bin();
    if (!bin) return json(404, { error: "bin not found", code: "not_found" });
    const headers = {};
    for (const [name, value] of request.headers) if (name !== "set-cookie") headers[name] = value;
    const cookies = request.headers.getSetCookie();
    if (cookies.length > 0) headers["set-cookie"] = cookies.join(", ");
    const override = headers["x-forwarded-method"];
    const method = override && TOKEN.test(override) ? override.toUpperCase() : request.method;
    const path = url.pathname.slice(url.pathname.indexOf("/in") + 3) || "/";
    const query = url.search.slice(1);
    const headerText = JSON.stringify(headers);
    const cookieText = JSON.stringify(cookies);
    const stored = body.length + headerText.length + cookieText.length + 2 * path.length + query.length + 128;
    const seq = bin.next;
    const at = Math.max(Date.now(), started);
    this.sql.exec(INSERT, seq, method, path, query, headerText, cookieText, headers["content-type"] ?? null, ip, body.length, at, null, null, null, stored, decodeURIComponent(path), body);
    bin.next += 1;
    bin.count += 1;
    bin.bytes += stored;
    this.evict(bin);
    if (this.writers.size > 0) this.publish(id, seq, method, path, headers, body, at);
    this.count("polyhook_ingest_total", "", 1);
    this.count("polyhook_captures_total", METHODS.has(method) ? method : "OTHER", 1);
    this.count("polyhook_captured_bytes_total", "", body.length);
    const seconds = (Date.now() - started) / 1000;
    const bucket = BUCKETS_S.findIndex((b) => seconds <= b);
    this.count("polyhook_ingest_duration_seconds_bucket", bucket < 0 ? "+Inf" : String(BUCKETS_S[bucket]), 1);
    this.count("polyhook_ingest_duration_seconds_sum", "", seconds);
    this.count("polyhook_ingest_duration_seconds_count", "", 1);
    return json(202, { request_id: `${id}-${seq}`, received_at: new Date(at).toISOString(), seq }, limitHeaders);
  }

  // polyhook-rs's retention, statement for statement: the oldest rows it
  // needs, then the captures and bodies up to the cut and the record's floor.
  evict(bin) {
    while (bin.count > MAX_CAPTURES || bin.bytes > MAX_STORED_BYTES) {
      const batch = bin.bytes > MAX_STORED_BYTES ? 64 : Math.min(64, Math.max(1, bin.count - MAX_CAPTURES));
      const oldest = this.sql.exec(OLDEST, batch).toArray();
      let drop = 0;
      for (const row of oldest) {
        if (bin.count <= MAX_CAPTURES && bin.bytes <= MAX_STORED_BYTES) break;
        bin.count -= 1;
        bin.bytes -= row.size;
        drop += 1;
      }
      if (drop === 0) break;
      const cut = oldest[drop - 1].seq;
      this.sql.exec("DELETE FROM rs_captures WHERE seq <= ?", cut);
      this.sql.exec("DELETE FROM bodies WHERE seq <= ?", cut);
      if (oldest[drop - 1].replayed) for (const statement of DROP_REPLAYS) this.sql.exec(statement, cut);
      this.sql.exec("UPDATE bin SET next_seq = MAX(next_seq, ?)", cut + 1);
    }
  }

  stream() {
    return openStream(this.writers, CORS);
  }

  publish(id, seq, method, path, headers, body, at) {
    const capture = { id: `${id}-${seq}`, seq, method, path, headers, body_b64: btoa(String.fromCharCode(...body)), received_at: new Date(at).toISOString() };
    const frame = encoder.encode(`id: ${id}-${seq}\nevent: request\ndata: ${JSON.stringify(capture)}\n\n`);
    for (const writer of this.writers) writer.write(frame).catch(() => this.writers.delete(writer));
  }

  async page(request, id, url) {
    const asked = url.searchParams.get("limit");
    const limit = asked === null ? 20 : /^[0-9]{1,3}$/.test(asked) ? Number(asked) : 0;
    if (limit < 1 || limit > 100) return json(400, { error: "invalid limit", code: "bad_request" });
    const cursor = url.searchParams.get("cursor");
    let before = Number.MAX_SAFE_INTEGER;
    if (cursor) {
      let parts = [];
      try {
        parts = atob(cursor.replaceAll("-", "+").replaceAll("_", "/")).split(".");
      } catch {}
      const [v, seq, check] = parts;
      const valid = parts.length === 3 && v === "v1" && /^[0-9]{1,15}$/.test(seq) && check === (await sha256(`polyhook-cursor:${seq}`)).slice(0, 8);
      if (!valid) return json(400, { error: "invalid cursor", code: "bad_request" });
      before = Number(seq);
    }
    const rows = this.sql.exec(PAGE, before, limit + 1).toArray();
    const items = rows.slice(0, limit).map((r) => view(id, r));
    const last = rows.length > limit ? items[limit - 1].seq : null;
    const next = last === null ? null : btoa(`v1.${last}.${(await sha256(`polyhook-cursor:${last}`)).slice(0, 8)}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const text = JSON.stringify({ items, next_cursor: next });
    const etag = `"${(await sha256(text)).slice(0, 32)}"`;
    const cache = { etag, "cache-control": "private, max-age=2" };
    const seen = request.headers.get("if-none-match");
    if (seen && seen.split(",").some((t) => t.trim().replace(/^W\//, "") === etag || t.trim() === "*")) return new Response(null, { status: 304, headers: { ...CORS, ...cache } });
    return new Response(text, { status: 200, headers: { "content-type": "application/json", ...CORS, ...cache } });
  }

  // Counted in memory; flushed to the bin's metrics shard a second after
  // the first unsent count, as polyhook-rs's METRICS_FLUSH_MS does. A
  // failed flush puts its samples back; news during a flush re-arms it.
  count(name, label, value) {
    const key = `${name}\u0000${label}`;
    this.delta.set(key, (this.delta.get(key) ?? 0) + value);
    this.arm();
  }

  arm() {
    if (this.armed) return;
    this.armed = true;
    setTimeout(() => this.flush(), 1000);
  }

  async flush() {
    this.armed = false;
    const sent = this.delta;
    this.delta = new Map();
    this.batch += 1;
    const samples = [...sent].map(([key, value]) => [...key.split("\u0000"), value]);
    const batch = { source: this.record.id, epoch: this.epoch, seq: this.batch, samples, flush_ms: 0, sse_clients: this.writers.size, ws_clients: 0 };
    try {
      const shard = this.env.METRICS.get(this.env.METRICS.idFromName(`shard-${this.record.metrics_shard}`));
      const answer = await shard.fetch("https://metrics/batch", { method: "POST", body: JSON.stringify(batch) });
      if (answer.status !== 204) throw new Error(`metrics batch: ${answer.status}`);
    } catch {
      for (const [key, value] of sent) this.delta.set(key, (this.delta.get(key) ?? 0) + value);
    }
    if (this.delta.size > 0) this.arm();
  }

  async alarm() {
    await this.storage.deleteAll();
  }
}
