// Search and filters on the list and the stream: each filter alone and
// together, paging and ETags with filters, the bounded scan whose cursor
// goes on after an empty page, the per-client search budget, and 400s.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker, withWorker } from "./support/worker.mjs";
import { createBin, ingestOk, getJson, assertError } from "./support/api.mjs";
import { subscribe } from "./support/sse.mjs";
import { scrapeUntil, value } from "./support/metrics.mjs";

let worker;
before(async () => { worker = await startWorker({ vars: { SEARCH_SCAN_ROWS: "25" } }); });
after(() => worker?.dispose());

const list = (bin, query) => getJson(`${worker.url}/v1/bins/${bin.id}/requests?${query}`);
const seqs = (page) => page.items.map((i) => i.seq);

/** Follows next_cursor to the end; returns every seq found and the pages read. */
async function all(bin, query) {
  const found = [];
  let cursor = "";
  let pages = 0;
  do {
    const page = await list(bin, `${query}&cursor=${encodeURIComponent(cursor)}`);
    found.push(...seqs(page));
    cursor = page.next_cursor;
    pages += 1;
  } while (cursor);
  return { found, pages };
}

test("each filter, alone and combined, over the same captures", async () => {
  const bin = await createBin(worker.url);
  const send = (options) => ingestOk(worker.url, bin.id, options);
  await send({ path: "/github/push", body: '{"ref":"refs/heads/main"}', headers: { "x-github-event": "push" } });
  await send({ method: "PUT", path: "/stripe", body: "amount=42", headers: { "x-trace": "needle-in-header" } });
  await send({ path: "/github/issues", body: Buffer.from([0x00, 0xff, 0x6e, 0x65, 0x65, 0x64, 0x6c, 0x65]), headers: { "x-github-event": "issues" } });
  await sleep(20);
  const cut = new Date().toISOString();
  await sleep(20);
  await send({ method: "DELETE", path: "/githubx", headers: { "x-github-event": "push" } });

  assert.deepEqual(seqs(await list(bin, "method=put")), [2]);
  assert.deepEqual(seqs(await list(bin, "path_prefix=/github")), [3, 1]);
  assert.deepEqual(seqs(await list(bin, "path=/github")), [3, 1], "the older name");
  assert.deepEqual(seqs(await list(bin, "header=x-github-event:push")), [4, 1]);
  assert.deepEqual(seqs(await list(bin, "header=x-trace")), [2]);
  assert.deepEqual(seqs(await list(bin, "q=needle")), [3, 2], "binary body bytes and a header value");
  assert.deepEqual(seqs(await list(bin, "q=refs%2Fheads")), [1]);
  assert.deepEqual(seqs(await list(bin, "q=NEEDLE")), [], "case-sensitive");
  assert.deepEqual(seqs(await list(bin, `until=${encodeURIComponent(cut)}`)), [3, 2, 1]);
  assert.deepEqual(seqs(await list(bin, `since=${encodeURIComponent(cut)}`)), [4]);
  assert.deepEqual(seqs(await list(bin, "verified=false")), [], "no verifier: neither true nor false");
  assert.deepEqual(seqs(await list(bin, `path_prefix=/github&header=x-github-event:push&until=${encodeURIComponent(cut)}&method=POST`)), [1]);
  const item = (await list(bin, "method=PUT")).items[0];
  assert.equal(item.body_b64, undefined, "list items carry no body");
  assert.equal(item.verification, null);
});

test("filtered pages page and revalidate like plain ones", async () => {
  const bin = await createBin(worker.url);
  for (let i = 1; i <= 12; i += 1) await ingestOk(worker.url, bin.id, { method: i % 2 ? "POST" : "PUT", body: `n=${i}` });
  const first = await list(bin, "method=PUT&limit=4");
  assert.deepEqual(seqs(first), [12, 10, 8, 6]);
  const second = await list(bin, `method=PUT&limit=4&cursor=${first.next_cursor}`);
  assert.deepEqual(seqs(second), [4, 2]);
  assert.equal(second.next_cursor, null);
  const url = `${worker.url}/v1/bins/${bin.id}/requests?method=PUT&limit=4`;
  const res = await fetch(url);
  const tag = res.headers.get("etag");
  assert.ok(tag);
  assert.equal((await fetch(url, { headers: { "if-none-match": tag } })).status, 304);
  await ingestOk(worker.url, bin.id, { method: "POST", body: "not a put" });
  assert.equal((await fetch(url, { headers: { "if-none-match": tag } })).status, 304, "a non-matching capture leaves the page as it was");
  await ingestOk(worker.url, bin.id, { method: "PUT", body: "a put" });
  assert.equal((await fetch(url, { headers: { "if-none-match": tag } })).status, 200);
});

test("a page scans at most SEARCH_SCAN_ROWS captures; the cursor continues the scan", async () => {
  const bin = await createBin(worker.url);
  await ingestOk(worker.url, bin.id, { body: "the only match: zebra" });
  for (let i = 0; i < 99; i += 1) await ingestOk(worker.url, bin.id, { body: `filler ${i}` });
  const first = await list(bin, "q=zebra");
  assert.deepEqual(first.items, [], "25 newest rows scanned, nothing found");
  assert.ok(first.next_cursor, "but the search is not over");
  const { found, pages } = await all(bin, "q=zebra");
  assert.deepEqual(found, [1]);
  assert.equal(pages, 4, "100 captures, 25 per page");
  const plain = await all(bin, "limit=100");
  assert.equal(plain.found.length, 100, "an unfiltered list is not limited by the scan");
});

test("q searches at most SEARCH_SCAN_BYTES of bodies per page, and always makes progress", async () => {
  await withWorker({ vars: { SEARCH_SCAN_BYTES: "3000" } }, async ({ url }) => {
    const bin = await createBin(url);
    await ingestOk(url, bin.id, { body: `${"x".repeat(990)} needle` });
    for (let i = 0; i < 9; i += 1) await ingestOk(url, bin.id, { body: "y".repeat(1000) });
    const found = [];
    let cursor = "";
    let pages = 0;
    do {
      const page = await getJson(`${url}/v1/bins/${bin.id}/requests?q=needle&cursor=${cursor}`);
      found.push(...seqs(page));
      cursor = page.next_cursor ?? "";
      pages += 1;
    } while (cursor && pages < 20);
    assert.deepEqual(found, [1]);
    assert.equal(pages, 4, "ten 1000-byte bodies, three per page");
    await ingestOk(url, bin.id, { body: "z".repeat(100_000) });
    const big = await getJson(`${url}/v1/bins/${bin.id}/requests?q=needle`);
    assert.ok(big.next_cursor, "a body over the budget is still searched, and the search goes on");
  });
});

test("the stream takes every filter but q", async () => {
  const bin = await createBin(worker.url);
  await ingestOk(worker.url, bin.id, { method: "PUT", path: "/a", body: "backlog put" });
  await ingestOk(worker.url, bin.id, { method: "POST", path: "/a", body: "backlog post" });
  const stream = subscribe(`${worker.url}/v1/bins/${bin.id}/stream?method=PUT&header=x-kind:live&last_event_id=0`);
  const backlog = subscribe(`${worker.url}/v1/bins/${bin.id}/stream?method=PUT&last_event_id=0`);
  await Promise.all([stream.opened, backlog.opened]);
  await ingestOk(worker.url, bin.id, { method: "PUT", body: "live, kind", headers: { "x-kind": "live" } });
  await ingestOk(worker.url, bin.id, { method: "POST", body: "live post", headers: { "x-kind": "live" } });
  await ingestOk(worker.url, bin.id, { method: "PUT", body: "live, other", headers: { "x-kind": "other" } });
  await backlog.until((ev) => backlog.seqs().length === 3, 15_000, "three PUTs");
  assert.deepEqual(backlog.seqs(), [1, 3, 5]);
  await stream.until(() => stream.seqs().length === 1, 15_000, "the one match");
  assert.deepEqual(stream.seqs(), [3]);
  stream.close();
  backlog.close();
  const q = await fetch(`${worker.url}/v1/bins/${bin.id}/stream?q=x`);
  assert.match((await assertError(q, 400)).details, /^q:/);
});

test("bad filters are 400s naming the parameter, and touch no other bin", async () => {
  const bin = await createBin(worker.url);
  for (const [query, name] of [["method=", "method"], ["since=yesterday", "since"], ["until=2026-13-01T00:00:00Z", "until"],
    ["verified=maybe", "verified"], ["q=", "q"], [`q=${"x".repeat(257)}`, "q"], ["header=", "header"]]) {
    const body = await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/requests?${query}`), 400);
    assert.ok(body.details.startsWith(name), `${query}: ${body.details}`);
  }
});

test("filtered lists, exports and re-checks draw on a per-client search budget", async () => {
  await withWorker({ vars: { SEARCH_LIMIT_BURST: "3", SEARCH_LIMIT_PER_MINUTE: "1" } }, async ({ url }) => {
    const bin = await createBin(url);
    const from = (ip, query = "q=x") => fetch(`${url}/v1/bins/${bin.id}/requests?${query}`, { headers: { "cf-connecting-ip": ip } });
    for (let i = 0; i < 3; i += 1) assert.equal((await from("203.0.113.5")).status, 200);
    const refused = await from("203.0.113.5");
    await assertError(refused, 429);
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    assert.equal((await from("203.0.113.5", "limit=5")).status, 200, "a plain page costs nothing");
    const same = { headers: { "cf-connecting-ip": "203.0.113.5" } };
    await assertError(await fetch(`${url}/v1/bins/${bin.id}/export`, same), 429);
    await assertError(await fetch(`${url}/v1/bins/${bin.id}/requests/${bin.id}-1/verify`, { method: "POST", ...same }), 429);
    assert.equal((await from("198.51.100.9")).status, 200, "another client is not affected");
    assert.equal((await from("2001:db8:1:2::5")).status, 200);
    for (let i = 0; i < 2; i += 1) await from("2001:db8:1:2::77");
    await assertError(await from("2001:db8:1:2:ffff::1"), 429);
    await scrapeUntil(url, (text) => value(text, "polyhook_rate_limited_total", 'route="search"') >= 2, "search refusals");
  });
});
