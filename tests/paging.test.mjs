// The request list: cursor paging under concurrent writes, ETags, limits
// and retention.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, withWorker } from "./support/worker.mjs";
import { createBin, ingestOk, getJson, assertError } from "./support/api.mjs";

let worker;
before(async () => { worker = await startWorker(); });
after(async () => { await worker?.dispose(); });

/** Sends `count` captures, `parallel` at a time; returns their seqs. */
async function fill(bin, count, parallel = 8) {
  const seqs = [];
  for (let i = 0; i < count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - i) }, (_, j) => ingestOk(worker.url, bin, { body: `n${i + j}` }));
    for (const r of await Promise.all(batch)) seqs.push(r.seq);
  }
  return seqs;
}

test("paging through 250 captures while more arrive: none twice, none skipped", async () => {
  const bin = await createBin(worker.url);
  const initial = await fill(bin.id, 250);
  assert.equal(new Set(initial).size, 250);

  let writing = true;
  const writer = (async () => {
    let n = 0;
    while (writing) { await ingestOk(worker.url, bin.id, { body: `late${n}` }); n += 1; }
    return n;
  })();

  const seen = [];
  let cursor = null;
  let pages = 0;
  let firstPageTop = 0;
  do {
    const query = cursor ? `?limit=37&cursor=${encodeURIComponent(cursor)}` : "?limit=37";
    const page = await getJson(`${worker.url}/v1/bins/${bin.id}/requests${query}`);
    if (pages === 0) firstPageTop = page.items[0].seq;
    for (const item of page.items) {
      assert.equal(item.body_b64, undefined, "list items carry no body");
      seen.push(item.seq);
    }
    cursor = page.next_cursor;
    pages += 1;
    await ingestOk(worker.url, bin.id, { body: "between pages" });
  } while (cursor);
  writing = false;
  const late = await writer;

  assert.ok(late > 0, "captures kept arriving during paging");
  assert.equal(new Set(seen).size, seen.length, "no item appears twice");
  for (let i = 1; i < seen.length; i += 1) assert.ok(seen[i] < seen[i - 1], "newest first, strictly");
  const expected = Array.from({ length: firstPageTop }, (_, i) => firstPageTop - i);
  assert.deepEqual(seen, expected, "every capture up to the first page's newest is listed exactly once");
  assert.ok(seen.length >= 250);
  assert.ok(pages >= 7);
});

test("limit defaults to 20 and must be 1..100", async () => {
  const bin = await createBin(worker.url);
  await fill(bin.id, 25);
  const page = await getJson(`${worker.url}/v1/bins/${bin.id}/requests`);
  assert.equal(page.items.length, 20);
  assert.equal(typeof page.next_cursor, "string");
  assert.equal((await getJson(`${worker.url}/v1/bins/${bin.id}/requests?limit=100`)).next_cursor, null);
  for (const bad of ["0", "101", "-3", "abc", "1.5", ""]) {
    const body = await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/requests?limit=${bad}`), 400);
    assert.equal(body.error, "invalid limit");
    assert.match(body.details, /1 to 100/);
  }
});

test("a bad cursor is 400 with a clear message", async () => {
  const bin = await createBin(worker.url);
  await fill(bin.id, 3);
  const good = (await getJson(`${worker.url}/v1/bins/${bin.id}/requests?limit=1`)).next_cursor;
  const tampered = good.slice(0, -2) + (good.endsWith("A") ? "BB" : "AA");
  for (const bad of ["garbage!", "djEuMy5mZmZmZmZmZg", tampered, "x".repeat(400)]) {
    const body = await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/requests?cursor=${encodeURIComponent(bad)}`), 400);
    assert.equal(body.error, "invalid cursor");
  }
});

test("a strong ETag turns a repeated read into 304 until the page changes", async () => {
  const bin = await createBin(worker.url);
  await fill(bin.id, 2);
  const url = `${worker.url}/v1/bins/${bin.id}/requests`;
  const first = await fetch(url);
  assert.equal(first.status, 200);
  const etag = first.headers.get("etag");
  assert.match(etag, /^"[0-9a-f]{32}"$/, "strong, quoted");
  assert.equal(first.headers.get("cache-control"), "private, max-age=2");

  const again = await fetch(url, { headers: { "if-none-match": etag } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get("etag"), etag);
  assert.equal((await again.arrayBuffer()).byteLength, 0);

  await ingestOk(worker.url, bin.id, { body: "new" });
  const changed = await fetch(url, { headers: { "if-none-match": etag } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get("etag"), etag);
});

test("retention keeps the newest captures within the count and byte caps", async () => {
  await withWorker({ vars: { MAX_CAPTURES_PER_BIN: "5", MAX_STORED_BYTES_PER_BIN: "5000", MAX_BODY_BYTES: "1000" } }, async (w) => {
    const bin = await createBin(w.url);
    for (let i = 1; i <= 8; i += 1) await ingestOk(w.url, bin.id, { body: "x".repeat(10) });
    let page = await getJson(`${w.url}/v1/bins/${bin.id}/requests`);
    assert.deepEqual(page.items.map((c) => c.seq), [8, 7, 6, 5, 4], "count cap keeps the newest five");
    await assertError(await fetch(`${w.url}/v1/bins/${bin.id}/requests/${bin.id}-3`), 404);

    for (let i = 0; i < 3; i += 1) await ingestOk(w.url, bin.id, { body: "y".repeat(1000) });
    page = await getJson(`${w.url}/v1/bins/${bin.id}/requests`);
    // The cap counts every stored byte (headers too), not only bodies.
    const size = (c) => c.body_size + Object.entries(c.headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
    const bytes = page.items.reduce((sum, c) => sum + size(c), 0);
    assert.ok(bytes <= 5000, `stored ${bytes} bytes`);
    const seqs = page.items.map((c) => c.seq);
    assert.deepEqual(seqs.slice(0, 3), [11, 10, 9], "the newest stay");
    assert.ok(seqs.length < 5, "the byte cap evicted small old ones to make room");
    assert.deepEqual(seqs, seqs.map((_, i) => 11 - i), "oldest first: what is kept is contiguous");
  });
});
