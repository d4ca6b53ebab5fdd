// Captures are stored byte-exactly, with every header, method and path.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { randomBytes } from "node:crypto";
import { startWorker } from "./support/worker.mjs";
import { createBin, ingest, ingestOk, getJson, assertError } from "./support/api.mjs";

const MiB = 1024 * 1024;
let worker;
let bin;
before(async () => {
  worker = await startWorker();
  bin = await createBin(worker.url);
});
after(async () => { await worker?.dispose(); });

/** Fetches a capture's detail and raw body. */
async function readBack(rid) {
  const detail = await getJson(`${worker.url}/v1/bins/${bin.id}/requests/${rid}`);
  const raw = await fetch(`${worker.url}/v1/bins/${bin.id}/requests/${rid}/raw`);
  assert.equal(raw.status, 200);
  return { detail, raw, rawBytes: Buffer.from(await raw.arrayBuffer()) };
}

async function roundTrip(body, contentType = "application/octet-stream") {
  const { request_id } = await ingestOk(worker.url, bin.id, { body, headers: { "content-type": contentType } });
  const { detail, raw, rawBytes } = await readBack(request_id);
  assert.equal(detail.body_size, body.length);
  assert.ok(Buffer.from(detail.body_b64, "base64").equals(body), "body_b64 decodes to the exact bytes");
  assert.ok(rawBytes.equals(body), "raw answers the exact bytes");
  assert.equal(raw.headers.get("content-type"), contentType);
  return detail;
}

test("random binary bodies round-trip byte for byte", async () => {
  await roundTrip(randomBytes(64 * 1024));
});

test("an empty body round-trips", async () => {
  const detail = await roundTrip(Buffer.alloc(0));
  assert.equal(detail.body_b64, "");
});

test("non-UTF-8 bytes are kept, not replaced", async () => {
  await roundTrip(Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xa0, 0xa1, 0x80]), "text/plain; charset=latin1");
});

test("a body of exactly MAX_BODY_BYTES is accepted", async () => {
  await roundTrip(randomBytes(MiB));
});

test("one byte over MAX_BODY_BYTES is 413, declared or chunked", async () => {
  await assertError(await ingest(worker.url, bin.id, { body: randomBytes(MiB + 1) }), 413);
  const chunks = [randomBytes(MiB), randomBytes(1)];
  const stream = new ReadableStream({ pull(c) { const next = chunks.shift(); next ? c.enqueue(next) : c.close(); } });
  const res = await fetch(`${worker.url}/v1/bins/${bin.id}/in`, { method: "POST", body: stream, duplex: "half" });
  await assertError(res, 413);
});

/** Sends a request with raw header lines, so names can repeat on the wire. */
function rawRequest(url, { method = "POST", headers = [], body = "" }) {
  return new Promise((resolve, reject) => {
    // A raw header array gets no default Host; HTTP/1.1 requires one.
    const withHost = ["Host", new URL(url).host, ...headers];
    const req = http.request(url, { method, headers: withHost }, (res) => {
      let data = "";
      res.on("data", (d) => { data += d; });
      res.on("end", () => resolve({ status: res.statusCode, body: data }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("repeated headers are joined and each Set-Cookie is kept apart", async () => {
  const headers = [
    "X-Tag", "one", "x-tag", "two",
    "Set-Cookie", "a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT", "Set-Cookie", "b=2; Path=/",
    "Content-Type", "application/json",
  ];
  const res = await rawRequest(`${worker.url}/v1/bins/${bin.id}/in`, { headers, body: "{}" });
  assert.equal(res.status, 202, res.body);
  const { detail } = await readBack(JSON.parse(res.body).request_id);
  assert.equal(detail.headers["x-tag"], "one, two");
  assert.equal(detail.headers["content-type"], "application/json");
  assert.deepEqual(detail.set_cookies, ["a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT", "b=2; Path=/"]);
  for (const name of Object.keys(detail.headers)) assert.equal(name, name.toLowerCase());
});

test("any method is captured, with the sub-path and query", async () => {
  for (const method of ["GET", "PUT", "PATCH", "DELETE", "HEAD", "PROPFIND"]) {
    const res = await ingest(worker.url, bin.id, { method, path: "/github/push?ref=main&x=%2F" });
    assert.equal(res.status, 202, method);
    if (method === "HEAD") continue;
    const { request_id } = await res.json();
    const { detail } = await readBack(request_id);
    assert.equal(detail.method, method);
    assert.equal(detail.path, "/github/push");
    assert.equal(detail.query, "ref=main&x=%2F");
  }
});

test("X-Forwarded-Method names the captured method", async () => {
  const { request_id } = await ingestOk(worker.url, bin.id, { headers: { "x-forwarded-method": "put" } });
  const { detail } = await readBack(request_id);
  assert.equal(detail.method, "PUT");
  assert.equal(detail.headers["x-forwarded-method"], "put");
});

test("the client IP comes from CF-Connecting-IP", async () => {
  const { request_id } = await ingestOk(worker.url, bin.id, { headers: { "cf-connecting-ip": "203.0.113.7" } });
  const { detail } = await readBack(request_id);
  assert.equal(detail.client_ip, "203.0.113.7");
});

test("sequence numbers and receipt times only increase", async () => {
  const seen = [];
  for (let i = 0; i < 5; i += 1) seen.push(await ingestOk(worker.url, bin.id, { body: `${i}` }));
  for (let i = 1; i < seen.length; i += 1) {
    assert.ok(seen[i].seq > seen[i - 1].seq);
    assert.ok(Date.parse(seen[i].received_at) >= Date.parse(seen[i - 1].received_at));
    assert.match(seen[i].received_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
});

test("raw bodies are served sandboxed, so captured HTML cannot run script", async () => {
  const { request_id } = await ingestOk(worker.url, bin.id, { body: "<script>alert(1)</script>", headers: { "content-type": "text/html" } });
  const { raw } = await readBack(request_id);
  assert.equal(raw.headers.get("x-content-type-options"), "nosniff");
  assert.match(raw.headers.get("content-security-policy"), /^sandbox/);
});

test("request ids of one bin are 404 under another", async () => {
  const other = await createBin(worker.url);
  const { request_id } = await ingestOk(worker.url, bin.id, { body: "mine" });
  await assertError(await fetch(`${worker.url}/v1/bins/${other.id}/requests/${request_id}`), 404);
  await assertError(await fetch(`${worker.url}/v1/bins/${other.id}/requests/${request_id}/raw`), 404);
  const mirrored = request_id.replace(bin.id, other.id);
  await assertError(await fetch(`${worker.url}/v1/bins/${other.id}/requests/${mirrored}`), 404);
  const page = await getJson(`${worker.url}/v1/bins/${other.id}/requests`);
  assert.equal(page.items.length, 0, "nothing leaks into the other bin");
});

test("malformed request ids are 404, never 5xx", async () => {
  for (const rid of ["x", `${bin.id}-0`, `${bin.id}-abc`, `${bin.id}-99999999999999999999`, "%00"]) {
    await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/requests/${rid}`), 404);
  }
});
