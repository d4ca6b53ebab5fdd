// GET /v1/bins/{id}/wait: the first matching capture after a point,
// answered when it is stored, with no polling; caps, timeouts, private and
// deleted bins, and a client that leaves.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "./support/worker.mjs";
import { createBin, ingestOk, assertError } from "./support/api.mjs";

let worker;
before(async () => { worker = await startWorker({ vars: { WAIT_MAX_SECONDS: "5", WAIT_MAX_PER_BIN: "4", WAIT_MAX_PER_CLIENT: "2" } }); });
after(() => worker?.dispose());

const wait = (bin, query = "", headers = {}) => fetch(`${worker.url}/v1/bins/${bin}/wait${query}`, { headers });

test("a wait answers the capture that arrives, in the detail form; body=1 adds the body", async () => {
  const bin = await createBin(worker.url);
  const waiting = wait(bin.id, "?after=0&body=1&timeout_s=5");
  await sleep(300);
  const sent = await ingestOk(worker.url, bin.id, { path: "/github/push", body: "hello" });
  const res = await waiting;
  assert.equal(res.status, 200);
  const got = await res.json();
  assert.equal(got.id, sent.request_id);
  assert.equal(Buffer.from(got.body_b64, "base64").toString(), "hello");
  const plain = await (await wait(bin.id, "?after=0")).json();
  assert.equal(plain.id, sent.request_id, "a stored capture is found by the scan at once");
  assert.equal(plain.body_b64, undefined, "no body unless asked");
});

test("without after, a capture from the last minute counts; with after, only later ones", async () => {
  const bin = await createBin(worker.url);
  const first = await ingestOk(worker.url, bin.id, { body: "just before" });
  assert.equal((await (await wait(bin.id)).json()).id, first.request_id);
  const waiting = wait(bin.id, `?after=${first.request_id}&timeout_s=5`);
  await sleep(300);
  const second = await ingestOk(worker.url, bin.id, { body: "after" });
  assert.equal((await (await waiting).json()).id, second.request_id);
  assert.equal((await (await wait(bin.id, `?after=${first.seq}`)).json()).id, second.request_id, "a bare seq works too");
});

test("filters: a non-match does not answer, the match does; every waiter on one capture gets it", async () => {
  const bin = await createBin(worker.url);
  const a = wait(bin.id, "?after=0&method=PUT&path_prefix=/stripe&timeout_s=5");
  const b = wait(bin.id, "?after=0&path_prefix=/stripe&timeout_s=5");
  await sleep(300);
  await ingestOk(worker.url, bin.id, { method: "POST", path: "/stripe/charge", body: "post" });
  await ingestOk(worker.url, bin.id, { method: "PUT", path: "/github", body: "wrong path" });
  const match = await ingestOk(worker.url, bin.id, { method: "PUT", path: "/stripe/refund", body: "match" });
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal((await ra.json()).id, match.request_id);
  assert.equal((await rb.json()).seq, 1, "the other waiter got the first /stripe capture");
  const q = wait(bin.id, `?after=${match.seq}&q=needle&timeout_s=5`);
  await sleep(300);
  await ingestOk(worker.url, bin.id, { body: "hay" });
  const hit = await ingestOk(worker.url, bin.id, { body: "a needle in it" });
  assert.equal((await (await q).json()).id, hit.request_id, "q looks in live bodies too");
});

test("a wait that runs out answers 204; timeout_s is capped by WAIT_MAX_SECONDS", async () => {
  const bin = await createBin(worker.url);
  const started = Date.now();
  const res = await wait(bin.id, "?timeout_s=1");
  assert.equal(res.status, 204);
  assert.ok(Date.now() - started >= 900);
  const capped = await wait(bin.id, "?timeout_s=600&method=DELETE");
  assert.equal(capped.status, 204, "600 s became the 5 s cap");
  await assertError(await wait(bin.id, "?after=tomorrow"), 400);
  await assertError(await wait(bin.id, "?timeout_s=-1"), 400);
});

// workerd aborts a request's signal when its client leaves, and the Worker then tells the bin, but
// Miniflare never fires that signal (a ten-line JS worker shows the same), so here the slot of a client
// that left is freed when its wait's own time runs out, which this test holds to one second.
test("waiters are capped per client and per bin (429), and a client that left has its slot back when its time is up", async () => {
  const bin = await createBin(worker.url);
  const as = (ip) => ({ "cf-connecting-ip": ip });
  const held = [wait(bin.id, "?timeout_s=5", as("192.0.2.1")), wait(bin.id, "?timeout_s=5", as("192.0.2.1"))];
  await sleep(300);
  await assertError(await wait(bin.id, "?timeout_s=5", as("192.0.2.1")), 429);
  // A raw request we can cut: its waiter must leave at once.
  const u = new URL(worker.url);
  const cut = http.get({ host: u.hostname, port: u.port, path: `/v1/bins/${bin.id}/wait?timeout_s=1`, headers: as("192.0.2.2") });
  cut.on("error", () => {});
  held.push(wait(bin.id, "?timeout_s=5", as("192.0.2.2")));
  await sleep(300);
  await assertError(await wait(bin.id, "?timeout_s=5", as("192.0.2.3")), 429); // the bin holds 4
  cut.destroy();
  await sleep(1200);
  const freed = wait(bin.id, "?timeout_s=5", as("192.0.2.3"));
  await sleep(300);
  const sent = await ingestOk(worker.url, bin.id, { body: "for everyone" });
  for (const res of [...(await Promise.all(held)), await freed]) assert.equal((await res.json()).id, sent.request_id);
});

test("a private bin's wait needs the read token; deleting the bin answers its waiters 404", async () => {
  const res = await fetch(`${worker.url}/v1/bins`, { method: "POST", body: JSON.stringify({ private: true }) });
  const bin = await res.json();
  await assertError(await wait(bin.id, "?timeout_s=1"), 401);
  const waiting = wait(bin.id, "?timeout_s=5", { "X-Authorization": bin.read_token });
  await sleep(300);
  const gone = await fetch(`${worker.url}/v1/bins/${bin.id}`, { method: "DELETE", headers: { "X-Delete-Token": bin.delete_token } });
  assert.equal(gone.status, 204);
  await assertError(await waiting, 404);
});
