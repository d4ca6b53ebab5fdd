// Deleting a bin with its token, and its expiry.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startWorker } from "./support/worker.mjs";
import { createBin, ingest, ingestOk, getJson, assertError } from "./support/api.mjs";

let worker;
let persistDir;
before(async () => {
  persistDir = await mkdtemp(path.join(tmpdir(), "polyhook-lifecycle-"));
  worker = await startWorker({ persistTo: persistDir });
});
after(async () => {
  await worker?.dispose();
  await rm(persistDir, { recursive: true, force: true });
});

/** True if any file under `dir` (the persisted object storage) holds `needle`. */
async function storageHolds(dir, needle) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries.filter((e) => e.isFile())) {
    const bytes = await readFile(path.join(entry.parentPath ?? entry.path, entry.name));
    if (bytes.includes(needle)) return true;
  }
  return false;
}

function del(base, id, token) {
  return fetch(`${base}/v1/bins/${id}`, { method: "DELETE", headers: token === undefined ? {} : { "x-delete-token": token } });
}

test("delete needs the bin's token: missing or wrong is 401, as the contract says", async () => {
  const bin = await createBin(worker.url);
  const other = await createBin(worker.url);
  await assertError(await del(worker.url, bin.id), 401);
  await assertError(await del(worker.url, bin.id, ""), 401);
  await assertError(await del(worker.url, bin.id, "not-the-token"), 401);
  await assertError(await del(worker.url, bin.id, other.delete_token), 401);
  await assertError(await del(worker.url, bin.id, bin.delete_token.slice(0, -1)), 401);
  await getJson(`${worker.url}/v1/bins/${bin.id}/requests`);
});

test("after delete nothing of the bin remains and it answers 404", async () => {
  const bin = await createBin(worker.url);
  const needle = `payload-${bin.id}-${Date.now()}`;
  const { request_id } = await ingestOk(worker.url, bin.id, { body: needle });
  assert.ok(await storageHolds(persistDir, needle), "the capture is on disk before delete");
  const res = await del(worker.url, bin.id, bin.delete_token);
  assert.equal(res.status, 204);
  assert.equal((await res.arrayBuffer()).byteLength, 0);
  await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/requests`), 404);
  await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/requests/${request_id}/raw`), 404);
  await assertError(await ingest(worker.url, bin.id, { body: "late" }), 404);
  await assertError(await del(worker.url, bin.id, bin.delete_token), 404);
  assert.equal(await storageHolds(persistDir, needle), false, "no trace of the capture remains on disk");
});

test("deleting one bin leaves others untouched", async () => {
  const a = await createBin(worker.url);
  const b = await createBin(worker.url);
  await ingestOk(worker.url, b.id, { body: "keep me" });
  assert.equal((await del(worker.url, a.id, a.delete_token)).status, 204);
  const page = await getJson(`${worker.url}/v1/bins/${b.id}/requests`);
  assert.equal(page.items.length, 1);
});

test("a bin expires after BIN_TTL_SECONDS: its alarm erases it unasked", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "polyhook-expiry-"));
  const w = await startWorker({ vars: { BIN_TTL_SECONDS: "2" }, persistTo: dir });
  try {
    const bin = await createBin(w.url);
    const ttl = Date.parse(bin.expires_at) - Date.now();
    assert.ok(ttl > 0 && ttl <= 2000, `expires in ${ttl} ms`);
    const needle = `short-lived-${bin.id}`;
    await ingestOk(w.url, bin.id, { body: needle });
    await getJson(`${w.url}/v1/bins/${bin.id}/requests`);
    assert.ok(await storageHolds(dir, needle));
    // No request touches the bin from here on: only its alarm can erase it.
    const deadline = Date.now() + 15_000;
    while ((await storageHolds(dir, needle)) && Date.now() < deadline) await sleep(250);
    assert.equal(await storageHolds(dir, needle), false, "the alarm purged the bin's storage");
    await assertError(await fetch(`${w.url}/v1/bins/${bin.id}/requests`), 404);
    await assertError(await ingest(w.url, bin.id, { body: "too late" }), 404);
  } finally {
    await w.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a capture whose body is still arriving when the bin is deleted is refused, not stored", async () => {
  const bin = await createBin(worker.url);
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const parts = [Buffer.from("first half "), gate.then(() => Buffer.from("second half"))];
  const body = new ReadableStream({
    async pull(controller) {
      const next = parts.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(await next);
    },
  });
  const upload = fetch(`${worker.url}/v1/bins/${bin.id}/in`, { method: "POST", body, duplex: "half" });
  await sleep(300);
  assert.equal((await del(worker.url, bin.id, bin.delete_token)).status, 204);
  release();
  await assertError(await upload, 404);
  await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/requests`), 404);
});
