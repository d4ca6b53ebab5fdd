// Exports: HAR 1.2 validated against the HAR 1.2 JSON schemas (har-schema),
// NDJSON, both with filters, streamed chunk by chunk, and bounded by the
// per-bin and per-client export caps.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import draft6 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };
import harSchemas from "har-schema";
import { startWorker } from "./support/worker.mjs";
import { createBin, ingestOk, assertError } from "./support/api.mjs";

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft6);
addFormats(ajv);
for (const schema of Object.values(harSchemas)) ajv.addSchema(schema);
const validHar = ajv.getSchema("har.json#");

let worker;
before(async () => { worker = await startWorker({ vars: { EXPORT_MAX_PER_CLIENT: "1", EXPORT_MAX_CONCURRENT: "2", MAX_STORED_BYTES_PER_BIN: "209715200" } }); });
after(() => worker?.dispose());

const exportOf = (bin, query = "") => fetch(`${worker.url}/v1/bins/${bin.id}/export${query}`);

test("HAR 1.2: every capture with its exact request, valid against the schema", async () => {
  const bin = await createBin(worker.url);
  await ingestOk(worker.url, bin.id, { path: "/github/push", body: '{"ref":"main"}', headers: { "content-type": "application/json", cookie: "a=1; b=2" } });
  const binary = Buffer.from([0, 1, 2, 0xfe, 0xff]);
  await ingestOk(worker.url, bin.id, { method: "PUT", path: "/files?name=x%20y&n=2", body: binary, headers: { "content-type": "application/octet-stream" } });
  await ingestOk(worker.url, bin.id, { method: "GET", path: "/ping" });
  const res = await exportOf(bin);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^application\/json/);
  assert.equal(res.headers.get("content-disposition"), `attachment; filename="polyhook-${bin.id}.har"`);
  const har = await res.json();
  assert.ok(validHar(har), ajv.errorsText(validHar.errors));
  const [push, file, ping] = har.log.entries;
  assert.equal(har.log.entries.length, 3);
  assert.equal(push.request.url, `${worker.url}/v1/bins/${bin.id}/in/github/push`);
  assert.deepEqual(push.request.postData, { mimeType: "application/json", text: '{"ref":"main"}' });
  assert.deepEqual(push.request.cookies, [{ name: "a", value: "1" }, { name: "b", value: "2" }]);
  assert.equal(push.response.status, 202);
  assert.equal(JSON.parse(push.response.content.text).request_id, `${bin.id}-1`);
  assert.equal(file.request.method, "PUT");
  assert.deepEqual(file.request.queryString, [{ name: "name", value: "x y" }, { name: "n", value: "2" }]);
  assert.deepEqual(Buffer.from(file.request.postData.text, "base64"), binary);
  assert.equal(file.request.postData.encoding, "base64");
  assert.equal(file.request.bodySize, 5);
  assert.equal(ping.request.postData, undefined);
  assert.equal(ping._id, `${bin.id}-3`);
  assert.equal(new Date(ping.startedDateTime).getTime() >= new Date(push.startedDateTime).getTime(), true);
  assert.ok(validHar((await (await fetch(`${worker.url}/v1/bins/${bin.id}/export.har`)).json())));
});

test("NDJSON: one detail per line with body_b64, and filters apply to both formats", async () => {
  const bin = await createBin(worker.url);
  for (let i = 1; i <= 6; i += 1) await ingestOk(worker.url, bin.id, { method: i % 2 ? "POST" : "PUT", body: `body ${i}` });
  const res = await exportOf(bin, "?format=ndjson&method=PUT");
  assert.match(res.headers.get("content-type"), /^application\/x-ndjson/);
  assert.equal(res.headers.get("content-disposition"), `attachment; filename="polyhook-${bin.id}.ndjson"`);
  const text = await res.text();
  assert.ok(text.endsWith("\n"));
  const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.seq), [2, 4, 6]);
  assert.deepEqual(lines.map((l) => Buffer.from(l.body_b64, "base64").toString()), ["body 2", "body 4", "body 6"]);
  const har = await (await exportOf(bin, "?q=body%205")).json();
  assert.deepEqual(har.log.entries.map((e) => e._id), [`${bin.id}-5`]);
  const empty = await (await exportOf(bin, "?method=PATCH")).json();
  assert.ok(validHar(empty));
  assert.deepEqual(empty.log.entries, []);
  await assertError(await exportOf(bin, "?format=csv"), 400);
  await assertError(await exportOf(bin, "?since=never"), 400);
});

/** GET with node:http, bypassing the suite's fetch check (which reads whole bodies first). */
function open(url, ip) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { "cf-connecting-ip": ip } }, resolve);
    req.on("error", reject);
  });
}

test("a large export streams in many chunks, and the caps hold while one is open", async () => {
  const bin = await createBin(worker.url);
  const mib = Buffer.alloc(1024 * 1024, 0x61);
  for (let i = 0; i < 24; i += 1) await ingestOk(worker.url, bin.id, { body: mib });

  const streaming = await open(`${worker.url}/v1/bins/${bin.id}/export?format=ndjson`, "203.0.113.1");
  assert.equal(streaming.statusCode, 200);
  streaming.pause(); // hold it open, unread
  const second = await fetch(`${worker.url}/v1/bins/${bin.id}/export`, { headers: { "cf-connecting-ip": "203.0.113.1" } });
  assert.match((await assertError(second, 429)).details, /your address/);
  const other = await open(`${worker.url}/v1/bins/${bin.id}/export?format=ndjson`, "198.51.100.2");
  assert.equal(other.statusCode, 200, "another client still gets one");
  other.pause();
  const third = await fetch(`${worker.url}/v1/bins/${bin.id}/export`, { headers: { "cf-connecting-ip": "192.0.2.3" } });
  assert.match((await assertError(third, 429)).details, /this bin/);

  let chunks = 0;
  let lines = 0;
  let bytes = 0;
  streaming.on("data", (chunk) => { chunks += 1; bytes += chunk.length; lines += chunk.toString().split("\n").length - 1; });
  streaming.resume();
  await new Promise((resolve) => streaming.on("end", resolve));
  assert.equal(lines, 24);
  assert.ok(bytes > 24 * 1.3 * 1024 * 1024, `${bytes} bytes`);
  assert.ok(chunks >= 12, `${chunks} chunks: streamed, not built in memory`);
  other.destroy();

  // Both slots come back once the streams end or are dropped.
  let freed = null;
  for (let i = 0; i < 50 && freed?.status !== 200; i += 1) {
    freed = await fetch(`${worker.url}/v1/bins/${bin.id}/export?format=ndjson&limit=1`, { headers: { "cf-connecting-ip": "203.0.113.1" } });
    if (freed.status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(freed.status, 200);
  await freed.body.cancel();
});

test("an export whose reader stalls loses its slot to the next one, and ends", async () => {
  const w = await startWorker({ vars: { EXPORT_MAX_PER_CLIENT: "1", SSE_STALL_SECONDS: "1" } });
  try {
    const bin = await createBin(w.url);
    const mib = Buffer.alloc(1024 * 1024, 0x62);
    for (let i = 0; i < 16; i += 1) await ingestOk(w.url, bin.id, { body: mib });
    const stalled = await open(`${w.url}/v1/bins/${bin.id}/export?format=ndjson`, "203.0.113.1");
    stalled.pause();
    const refused = await fetch(`${w.url}/v1/bins/${bin.id}/export?format=ndjson`, { headers: { "cf-connecting-ip": "203.0.113.1" } });
    await assertError(refused, 429);
    await new Promise((r) => setTimeout(r, 1500));
    const next = await open(`${w.url}/v1/bins/${bin.id}/export?format=ndjson`, "203.0.113.1");
    assert.equal(next.statusCode, 200, "the stalled slot was taken over");
    let lines = 0;
    next.on("data", (chunk) => { lines += chunk.toString().split("\n").length - 1; });
    await new Promise((resolve) => next.on("end", resolve));
    assert.equal(lines, 16);
    let stalledLines = 0;
    stalled.on("data", (chunk) => { stalledLines += chunk.toString().split("\n").length - 1; });
    const ended = new Promise((resolve) => { stalled.on("end", () => resolve("end")); stalled.on("aborted", () => resolve("aborted")); stalled.on("error", () => resolve("error")); stalled.on("close", () => resolve("close")); });
    stalled.resume();
    await ended;
    assert.ok(stalledLines < 16, `the stalled export ended early (${stalledLines} of 16 lines)`);
  } finally {
    await w.dispose();
  }
});
