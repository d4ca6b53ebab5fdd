// The v1 API over fetch, with relative URLs (same origin, so the strict
// connect-src 'self' holds). A private bin's read token travels as
// X-Authorization on fetches; EventSource cannot send headers, so the page
// trades it for a short-lived stream ticket and never puts it in a URL.

import { filterQuery } from "./filtermodel.js";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.details ? `${body.error}: ${body.details}` : body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? null;
  }
}

/** A bin as the API functions need it: its id and, if private, its read token. */
const authHeaders = (bin) => (bin?.read_token ? { "X-Authorization": bin.read_token } : {});

const binPath = (bin) => `/v1/bins/${encodeURIComponent(bin.id)}`;

/**
 * Lists answer `Cache-Control: private, max-age=2`; a page reading them
 * from the HTTP cache would start its stream from a stale newest seq, so
 * they are revalidated (If-None-Match, a cheap 304 when unchanged).
 */
const FRESH = "no-cache";

/** fetch that throws ApiError for any non-2xx, with the contract's error text. */
async function call(path, { method = "GET", bin = null, json, headers = {}, body, cache = "default" } = {}) {
  const init = { method, cache, headers: { ...authHeaders(bin), ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (body !== undefined) {
    init.body = body;
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    const payload = await res.json().catch(() => null);
    throw new ApiError(res.status, payload);
  }
  return res;
}

const json = async (promise) => (await promise).json();

export const createBin = (isPrivate) =>
  json(call("/v1/bins", { method: "POST", ...(isPrivate ? { json: { private: true } } : {}) }));

export function deleteBin(bin) {
  return call(binPath(bin), { method: "DELETE", headers: { "X-Delete-Token": bin.delete_token } });
}

export function listRequests(bin, { cursor = null, limit = 50, filter = null } = {}) {
  const query = filterQuery(filter);
  query.set("limit", String(limit));
  if (cursor) query.set("cursor", cursor);
  return json(call(`${binPath(bin)}/requests?${query}`, { bin, cache: FRESH }));
}

export const getRequest = (bin, rid) =>
  json(call(`${binPath(bin)}/requests/${encodeURIComponent(rid)}`, { bin }));

/** The exact body bytes, read as an ArrayBuffer so nothing is decoded on the way. */
export async function getRaw(bin, rid) {
  const res = await call(`${binPath(bin)}/requests/${encodeURIComponent(rid)}/raw`, { bin });
  return { bytes: new Uint8Array(await res.arrayBuffer()), contentType: res.headers.get("content-type") };
}

export const startReplay = (bin, rid, targetUrl, maxRetries) =>
  json(call(`${binPath(bin)}/requests/${encodeURIComponent(rid)}/replay`, {
    method: "POST", bin, json: { target_url: targetUrl, max_retries: maxRetries },
  }));

/** An edited replay: `order` holds the target and the overrides; re-signing sends the delete token. */
export const startEditedReplay = (bin, rid, order) =>
  json(call(`${binPath(bin)}/requests/${encodeURIComponent(rid)}/replay`, {
    method: "POST", bin, json: order, headers: order.resign ? { "X-Delete-Token": bin.delete_token ?? "" } : {},
  }));

/** Starts a sequence (the owner's): `order` as `POST .../sequences` takes it. */
export const startSequence = (bin, order) =>
  json(call(`${binPath(bin)}/sequences`, { method: "POST", bin, json: order, headers: { "X-Delete-Token": bin.delete_token ?? "" } }));

export const getSequence = (bin, n) => json(call(`${binPath(bin)}/sequences/${n}`, { bin, cache: FRESH }));

/** `pause`, `resume` or `cancel` a sequence. */
export const controlSequence = (bin, n, action) =>
  json(call(`${binPath(bin)}/sequences/${n}${action === "cancel" ? "" : `/${action}`}`, {
    method: action === "cancel" ? "DELETE" : "POST", bin, headers: { "X-Delete-Token": bin.delete_token ?? "" },
  }));

export const getReplay = (bin, replayId) =>
  json(call(`/v1/replays/${encodeURIComponent(replayId)}`, { bin, cache: FRESH }));

export function listReplays(bin, { status = null, limit = 100 } = {}) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (status) query.set("status", status);
  return json(call(`${binPath(bin)}/replays?${query}`, { bin, cache: FRESH }));
}

export const retryReplay = (bin, replayId) =>
  json(call(`/v1/replays/${encodeURIComponent(replayId)}/retry`, { method: "POST", bin }));

/** The "Fire a test webhook" button: a sample JSON event, as a sender would post it. */
export function fireTestWebhook(bin) {
  // randomUUID exists only in secure contexts; a plain-http deployment still gets an id.
  const id = crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const sample = { event: "playground.test", id, sent_at: new Date().toISOString(), data: { hello: "world", n: 42 } };
  return json(call(`${binPath(bin)}/in/playground/test?source=button`, {
    method: "POST", json: sample, headers: { "X-Polyhook-Test": "1" },
  }));
}

/**
 * The stream URL; `lastSeq` resumes a stream the page itself recreates. A
 * private bin's URL carries a fresh ticket (valid about a minute); when it
 * has expired the browser's reconnect fails and the page makes a new one.
 */
export async function streamUrl(bin, lastSeq, filter = null) {
  const query = filterQuery(filter, { withQ: false });
  query.set("last_event_id", String(lastSeq));
  if (bin.read_token) {
    const { ticket } = await json(call(`${binPath(bin)}/stream-ticket`, { method: "POST", bin }));
    query.set("ticket", ticket);
  }
  return `${binPath(bin)}/stream?${query}`;
}

/**
 * The URL of the bin's live socket after `lastSeq`, with `filter`: the
 * stream's query on the same origin's ws:// or wss://. A private bin's read
 * token is traded for a ticket here too, never put in the URL.
 */
export async function socketUrl(bin, lastSeq, filter = null) {
  const url = new URL((await streamUrl(bin, lastSeq, filter)).replace(/\/stream\?/, "/ws?"), location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/** The bin's response rules, with their use counts. */
export function getRules(bin) {
  return json(call(`${binPath(bin)}/responses`, { bin, cache: FRESH }));
}

/** Replaces the bin's response rules (needs its delete token). */
export function putRules(bin, rules) {
  return json(call(`${binPath(bin)}/responses`, { method: "PUT", json: { rules }, headers: { "X-Delete-Token": bin.delete_token } }));
}

/** Back to the default 202 answer. */
export function clearRules(bin) {
  return json(call(`${binPath(bin)}/responses`, { method: "DELETE", headers: { "X-Delete-Token": bin.delete_token } }));
}

/** The bin's signature verifiers: schemes and fingerprints, never secrets. */
export function getVerifiers(bin) {
  return json(call(`${binPath(bin)}/verify`, { bin, cache: FRESH }));
}

/** Replaces the bin's verifiers (needs its delete token); `[]` removes them. */
export function putVerifiers(bin, verifiers) {
  return json(call(`${binPath(bin)}/verify`, { method: "PUT", json: { verifiers }, headers: { "X-Delete-Token": bin.delete_token } }));
}

/**
 * Checks capture `rid` again under the verifiers set now. The owner's check
 * (with the delete token) replaces the stored outcome; a shared link's only shows it.
 */
export const reverify = (bin, rid) =>
  json(call(`${binPath(bin)}/requests/${encodeURIComponent(rid)}/verify`, {
    method: "POST",
    bin,
    headers: bin.delete_token ? { "X-Delete-Token": bin.delete_token } : {},
  }));

/** The export's URL: HAR or NDJSON, with the feed's filters. */
export function exportUrl(bin, format, filter = null) {
  const query = filterQuery(filter);
  query.set("format", format);
  return `${binPath(bin)}/export?${query}`;
}

/** Downloads an export through fetch, so a private bin's token stays in a header. */
export async function downloadExport(bin, format, filter = null) {
  const res = await call(exportUrl(bin, format, filter), { bin });
  return { blob: await res.blob(), name: `polyhook-${bin.id}.${format}` };
}

/**
 * Is the bin still there? "ok", "gone" (404: deleted or expired while we
 * were away), "denied" (401/403) or "down" (network or server trouble).
 */
export async function probeBin(bin) {
  try {
    await call(`${binPath(bin)}/requests?limit=1`, { bin, cache: FRESH });
    return "ok";
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return "gone";
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return "denied";
    return "down";
  }
}

/** GET /metrics as text; never throws, since the endpoint may not exist yet. */
export async function getMetrics() {
  try {
    const res = await fetch("/metrics", { headers: { Accept: "text/plain" }, cache: "no-store" });
    return { ok: res.ok, status: res.status, text: res.ok ? await res.text() : "" };
  } catch {
    return { ok: false, status: 0, text: "" };
  }
}
