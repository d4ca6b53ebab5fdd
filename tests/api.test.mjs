// Bin creation, health, routing errors and CORS, over real HTTP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, withWorker } from "./support/worker.mjs";
import { createBin, ingestOk, getJson, assertError } from "./support/api.mjs";

let worker;
before(async () => { worker = await startWorker(); });
after(async () => { await worker?.dispose(); });

test("healthz reports the rust implementation", async () => {
  const body = await getJson(`${worker.url}/healthz`);
  assert.equal(body.status, "ok");
  assert.equal(body.impl, "rust");
  assert.ok(Number.isInteger(body.uptime_seconds) && body.uptime_seconds >= 0);
});

test("POST /v1/bins answers the contract's BinCreated", async () => {
  const bin = await createBin(worker.url);
  assert.match(bin.id, /^[a-z0-9]{12}$/);
  assert.equal(bin.ingest_url, `${worker.url}/v1/bins/${bin.id}/in`);
  assert.equal(bin.view_url, `${worker.url}/v1/bins/${bin.id}/requests`);
  assert.equal(bin.stream_url, `${worker.url}/v1/bins/${bin.id}/stream`);
  assert.ok(bin.delete_token.length >= 32, "token carries at least 128 bits");
  const ttl = Date.parse(bin.expires_at) - Date.now();
  assert.ok(ttl > 86_000_000 && ttl <= 86_400_000, `expires in ${ttl} ms`);
  const other = await createBin(worker.url);
  assert.notEqual(other.id, bin.id);
  assert.notEqual(other.delete_token, bin.delete_token);
});

test("PUBLIC_URL overrides the request origin in bin URLs", async () => {
  await withWorker({ vars: { PUBLIC_URL: "https://hooks.example.com/" } }, async (w) => {
    const bin = await createBin(w.url);
    assert.equal(bin.ingest_url, `https://hooks.example.com/v1/bins/${bin.id}/in`);
  });
});

test("unknown routes are 404 JSON, wrong methods 405 with Allow", async () => {
  await assertError(await fetch(`${worker.url}/nope`), 404);
  await assertError(await fetch(`${worker.url}/v1/bins/abc/requests`), 404);
  const res = await fetch(`${worker.url}/v1/bins`, { method: "GET" });
  await assertError(res, 405);
  assert.equal(res.headers.get("allow"), "POST, OPTIONS");
  const bin = await createBin(worker.url);
  const put = await fetch(`${worker.url}/v1/bins/${bin.id}/requests`, { method: "PUT" });
  await assertError(put, 405);
  assert.equal(put.headers.get("allow"), "GET, HEAD, OPTIONS");
});

test("an unknown but well-formed bin is 404 on every bin route", async () => {
  const ghost = "zzzzzzzzzzzz";
  for (const [method, path] of [["POST", "/in"], ["GET", "/requests"], ["GET", `/requests/${ghost}-1`], ["GET", `/requests/${ghost}-1/raw`], ["DELETE", ""]]) {
    const res = await fetch(`${worker.url}/v1/bins/${ghost}${path}`, { method, headers: { "x-delete-token": "x" } });
    const body = await assertError(res, 404);
    assert.equal(body.error, "bin not found", `${method} ${path}`);
  }
});

test("every answer allows any origin and exposes ETag and rate-limit headers", async () => {
  const bin = await createBin(worker.url);
  const res = await fetch(`${worker.url}/v1/bins/${bin.id}/requests`, { headers: { origin: "https://playground.example" } });
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  const exposed = res.headers.get("access-control-expose-headers");
  for (const h of ["ETag", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]) {
    assert.ok(exposed.includes(h), h);
  }
  const missing = await fetch(`${worker.url}/nope`);
  assert.equal(missing.headers.get("access-control-allow-origin"), "*");
});

test("CORS preflights are answered for API routes", async () => {
  const bin = await createBin(worker.url);
  const res = await fetch(`${worker.url}/v1/bins/${bin.id}`, {
    method: "OPTIONS",
    headers: { origin: "https://playground.example", "access-control-request-method": "DELETE", "access-control-request-headers": "x-delete-token" },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.match(res.headers.get("access-control-allow-methods"), /DELETE/);
  assert.match(res.headers.get("access-control-allow-headers"), /x-delete-token/i);
  const create = await fetch(`${worker.url}/v1/bins`, {
    method: "OPTIONS",
    headers: { origin: "https://playground.example", "access-control-request-method": "POST" },
  });
  assert.equal(create.status, 204);
  assert.match(create.headers.get("access-control-allow-methods"), /POST/);
});

test("an ingest preflight is answered, not captured; a plain OPTIONS is captured", async () => {
  const bin = await createBin(worker.url);
  const pre = await fetch(`${worker.url}/v1/bins/${bin.id}/in/hook`, {
    method: "OPTIONS",
    headers: { origin: "https://sender.example", "access-control-request-method": "PATCH", "access-control-request-headers": "x-signature, content-type" },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-methods"), "PATCH");
  assert.equal(pre.headers.get("access-control-allow-headers"), "x-signature, content-type");
  let page = await getJson(`${worker.url}/v1/bins/${bin.id}/requests`);
  assert.equal(page.items.length, 0, "the preflight was not captured");

  const plain = await ingestOk(worker.url, bin.id, { method: "OPTIONS", path: "/hook" });
  page = await getJson(`${worker.url}/v1/bins/${bin.id}/requests`);
  assert.equal(page.items.length, 1);
  assert.equal(page.items[0].id, plain.request_id);
  assert.equal(page.items[0].method, "OPTIONS");
});

test("errors answered before the body is read leave kept-alive connections usable", async () => {
  // The runtime drops a connection whose request body was left unread; a
  // client reusing it would fail its next request.
  const bin = await createBin(worker.url);
  let failures = 0;
  for (let i = 0; i < 100; i += 1) {
    const early = [
      fetch(`${worker.url}/v1/bins/zzzzzzzzzzzz/in`, { method: "POST", body: "x".repeat(1000) }),
      fetch(`${worker.url}/v1/bins/${bin.id}/requests/${bin.id}-99/replay`, { method: "POST", body: "{}" }),
      fetch(`${worker.url}/nope`, { method: "POST", body: "y".repeat(1000) }),
    ][i % 3];
    try {
      await (await early).arrayBuffer();
      await (await fetch(`${worker.url}/healthz`)).arrayBuffer();
    } catch {
      failures += 1;
    }
  }
  assert.equal(failures, 0);
});
