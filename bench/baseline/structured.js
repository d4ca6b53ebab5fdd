// The runtime floor with polyhook's structure, in plain JavaScript on the
// same workerd: what the runtime itself charges for the work polyhook-rs
// does, whatever the language. Against it, polyhook-rs's ratio is what the
// Rust and workers-rs add; against the plain floor (worker.js), the ratio
// also holds the cost of polyhook's promises.
// - Creation takes a token from the client's network limiter object, then
//   from a shard of the service-wide one, then makes the bin's object, which
//   writes polyhook's whole schema (BIN_SCHEMA: src/edge/storage/schema/
//   bin_fresh.sql, its `captures` renamed so the floor's own table stays),
//   one bin row and the 24 h alarm.
// - An ingest is polyhook's: the client's token bucket, the declared and the
//   read body size checked, the header map and cookies, one insert into the
//   `capture_in` view (16 columns; its trigger writes the row and the body),
//   the bin's usage kept, the metrics counted in memory and flushed to a
//   metrics shard a second after the first unsent one (that shard upserts
//   them as polyhook's does), the 202 with its rate-limit and CORS headers.
// - A list read is polyhook's: its 13 columns, each row's JSON columns
//   parsed, the `response` object, a checked cursor, a SHA-256 ETag
//   honouring If-None-Match, and the same headers.
// Streams are the floor's own (worker.js). Run as the `structured` target.
import floor, { Bin as FloorBin } from "./worker.js";
import { Metrics, Limiter, network } from "./structured-parts.js";

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
const BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/;

async function take(env, name, client) {
  const stub = env.LIMITERS.get(env.LIMITERS.idFromName(name));
  const query = client === null ? "" : `?client=${encodeURIComponent(client)}`;
  const answer = await stub.fetch(`https://limiter/take${query}`);
  return answer.json();
}

const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
const sha256 = async (data) => hex(await crypto.subtle.digest("SHA-256", typeof data === "string" ? new TextEncoder().encode(data) : data));
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

export class Bin extends FloorBin {
  constructor(state, env) {
    super(state, env);
    this.storage = state.storage;
    this.env = env;
    this.schema = env.BIN_SCHEMA;
    this.buckets = new Map();
    this.delta = new Map();
    this.flushing = false;
    this.batch = 0;
    this.epoch = crypto.randomUUID();
  }

  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/init") return this.init(request);
    const [, , id, what = ""] = url.pathname.split("/").filter(Boolean);
    if (what === "in" && this.bin()) return this.ingest(request, id, url);
    if (what === "requests" && this.bin()) return this.page(request, id, url);
    return super.fetch(request);
  }

  async init(request) {
    const { id } = await request.json();
    const now = Date.now();
    this.sql.exec(this.schema);
    this.sql.exec("INSERT INTO bin (id, token_digest, created_at_ms, expires_at_ms, next_seq, capture_count, body_bytes, metrics_shard) VALUES (?, ?, ?, ?, 1, 0, 0, ?)", id, "-", now, now + DAY_MS, Math.floor(Math.random() * SHARDS));
    await this.storage.setAlarm(now + DAY_MS);
    return Response.json({ expires_at_ms: now + DAY_MS }, { status: 201 });
  }

  // The bin's record, read once and kept, as polyhook-rs keeps it.
  bin() {
    if (this.record === undefined) {
      const made = this.sql.exec("SELECT count(*) AS n FROM sqlite_master WHERE name = 'bin'").one().n > 0;
      const row = made ? this.sql.exec("SELECT id, expires_at_ms, metrics_shard FROM bin").toArray()[0] : undefined;
      if (row) {
        const usage = this.sql.exec("SELECT count(*) AS n, COALESCE(MAX(seq), 0) AS last, COALESCE(SUM(stored_bytes), 0) AS bytes FROM rs_captures").one();
        this.record = { ...row, next: usage.last + 1, count: usage.n, bytes: usage.bytes };
      } else this.record = null;
    }
    return this.record !== null && this.record.expires_at_ms > Date.now() ? this.record : null;
  }

  limit(client, now) {
    const b = this.buckets.get(client) ?? { tokens: RATE.burst, at: now };
    b.tokens = Math.min(RATE.burst, b.tokens + ((now - b.at) / 1000) * RATE.perSecond);
    b.at = now;
    this.buckets.set(client, b);
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    const headers = { "x-ratelimit-limit": String(RATE.burst), "x-ratelimit-remaining": String(Math.floor(b.tokens)), "x-ratelimit-reset": String(Math.ceil(now / 1000) + 1) };
    return { allowed, headers };
  }

  async ingest(request, id, url) {
    const started = Date.now();
    const declared = Number(request.headers.get("content-length"));
    if (declared > MAX_BODY_BYTES) return json(413, { error: { code: "payload_too_large", message: "request body too large" } });
    const ip = request.headers.get("cf-connecting-ip");
    const { allowed, headers: limitHeaders } = this.limit(clientKey(ip), started);
    if (!allowed) return json(429, { error: { code: "rate_limited", message: "too many requests" } }, limitHeaders);
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.length > MAX_BODY_BYTES) return json(413, { error: { code: "payload_too_large", message: "request body too large" } });
    const bin = this.bin();
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
    const stored = body.length + headerText.length + cookieText.length + path.length + query.length;
    const seq = bin.next;
    const at = Math.max(Date.now(), started);
    this.sql.exec(INSERT, seq, method, path, query, headerText, cookieText, headers["content-type"] ?? null, ip, body.length, at, null, null, null, stored, path, body);
    bin.next += 1;
    bin.count += 1;
    bin.bytes += stored;
    this.count("polyhook_ingest_requests_total", "", 1);
    this.count("polyhook_captures_total", method, 1);
    this.count("polyhook_captured_bytes_total", "", body.length);
    const seconds = (Date.now() - started) / 1000;
    const bucket = BUCKETS_S.findIndex((b) => seconds <= b);
    this.count("polyhook_ingest_duration_seconds_bucket", bucket < 0 ? "+Inf" : String(BUCKETS_S[bucket]), 1);
    this.count("polyhook_ingest_duration_seconds_sum", "", seconds);
    this.count("polyhook_ingest_duration_seconds_count", "", 1);
    return json(202, { request_id: `${id}-${seq}`, received_at: new Date(at).toISOString(), seq }, limitHeaders);
  }

  async page(request, id, url) {
    const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 50) || 50, 1), 200);
    const cursor = url.searchParams.get("cursor");
    let before = Number.MAX_SAFE_INTEGER;
    if (cursor) {
      let parts = [];
      try {
        parts = atob(cursor.replaceAll("-", "+").replaceAll("_", "/")).split(".");
      } catch {}
      const [v, seq, check] = parts;
      if (v !== "v1" || check !== (await sha256(`polyhook-cursor:${seq}`)).slice(0, 8)) return json(400, { error: { code: "bad_request", message: "invalid cursor" } });
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
  // the first unsent one, as polyhook-rs's METRICS_FLUSH_MS does.
  count(name, label, value) {
    const key = `${name}\u0000${label}`;
    this.delta.set(key, (this.delta.get(key) ?? 0) + value);
    if (this.flushing) return;
    this.flushing = true;
    setTimeout(() => this.flush().finally(() => (this.flushing = false)), 1000);
  }

  async flush() {
    const samples = [...this.delta].map(([key, value]) => [...key.split("\u0000"), value]);
    this.delta = new Map();
    this.batch += 1;
    const batch = { source: this.record.id, epoch: this.epoch, seq: this.batch, samples, flush_ms: 0, sse_clients: this.writers.size, ws_clients: 0 };
    const shard = this.env.METRICS.get(this.env.METRICS.idFromName(`shard-${this.record.metrics_shard}`));
    const answer = await shard.fetch("https://metrics/batch", { method: "POST", body: JSON.stringify(batch) });
    if (answer.status !== 204) throw new Error(`metrics batch: ${answer.status}`);
  }

  async alarm() {
    await this.storage.deleteAll();
  }
}

function view(bin, r) {
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
