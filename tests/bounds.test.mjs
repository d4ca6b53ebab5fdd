// Safe to strangers, round two: what one anonymous reader of a public bin
// can make its object do is bounded. Filtered catch-ups read a bounded run
// of rows per open and pay from the search budget; the bytes all
// catch-ups of a bin hold are capped; a client that left frees its stream
// share at once; exports end and free what they hold when taken over,
// stalled or when the bin goes, and a never-matching filter pays per scan.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "./support/worker.mjs";
import { createBin, ingestOk, assertError } from "./support/api.mjs";
import { subscribe } from "./support/sse.mjs";

let worker;
const VARS = {
  SEARCH_SCAN_ROWS: "100",
  SEARCH_LIMIT_PER_MINUTE: "1",
  SEARCH_LIMIT_BURST: "4",
  SSE_MAX_PER_CLIENT: "2",
  SSE_QUEUE_BYTES: "65536",
  MAX_BODY_BYTES: "65536",
  // Three catch-ups' reservations (2 x 64 KiB + 64 KiB x 4/3 + 1 MiB each).
  SSE_CATCHUP_BYTES: String(3 * (2 * 65536 + Math.floor((65536 * 4) / 3) + 1048576)),
  EXPORT_MAX_CONCURRENT: "4",
  EXPORT_MAX_PER_CLIENT: "4",
  EXPORT_MAX_LIVE: "2",
  SSE_STALL_SECONDS: "2",
};
before(async () => { worker = await startWorker({ vars: VARS }); });
after(() => worker?.dispose());

let nextIp = 1;
/** A fresh client address, so each test has its own budgets. */
const client = () => ({ "cf-connecting-ip": `198.51.100.${nextIp++}` });

async function fill(bin, n, { method = () => "POST", body = () => "x" } = {}) {
  for (let i = 1; i <= n; i += 1) await ingestOk(worker.url, bin.id, { method: method(i), body: body(i) });
}

/** Opens a raw stream and reads until `done(text)` or the body ends; returns the text and whether it ended. */
async function readStream(url, headers, done = () => false, ms = 10_000) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  const deadline = Date.now() + ms;
  while (!done(text) && Date.now() < deadline) {
    const next = await Promise.race([reader.read(), sleep(deadline - Date.now()).then(() => null)]);
    if (next === null) break;
    if (next.done) { ended = true; break; }
    text += decoder.decode(next.value, { stream: true });
  }
  return { text, ended, controller, reader };
}

test("a filtered catch-up reads at most SEARCH_SCAN_ROWS turned-down rows per open, then says where it got to", async () => {
  const bin = await createBin(worker.url);
  await fill(bin, 250);
  const ip = client();
  const url = `${worker.url}/v1/bins/${bin.id}/stream?method=NOPE&last_event_id=0`;
  const first = await readStream(url, ip);
  assert.ok(first.ended, "the stream ends after its allowance");
  assert.match(first.text, new RegExp(`id: ${bin.id}-100\nevent: skipped\ndata: \\{"reason":"scan_limit","resumes_after":100\\}`));
  const second = await readStream(url, { ...ip, "last-event-id": `${bin.id}-100` });
  assert.match(second.text, /"resumes_after":200/);
  // Each filtered catch-up drew a search token: the budget (burst 4) runs out.
  for (let i = 0; i < 2; i += 1) assert.ok((await readStream(url, ip)).ended);
  const refused = await readStream(url, ip);
  assert.match(refused.text, /^: busy: your search budget for this bin is spent[^\n]*\nretry: \d+/);
  assert.ok(!refused.text.includes("event:"), "a refused catch-up reads nothing");
});

test("an EventSource behind a filter follows the skipped ids and gets each match once", async () => {
  const bin = await createBin(worker.url);
  await fill(bin, 230, { method: (i) => (i === 150 || i === 220 ? "PUT" : "POST") });
  const sub = subscribe(`${worker.url}/v1/bins/${bin.id}/stream?method=PUT&last_event_id=0`);
  try {
    await sub.until((events) => events.filter((e) => e.type === "request").length === 2, 20_000, "both PUTs");
    assert.deepEqual(sub.seqs(), [150, 220]);
    assert.deepEqual(sub.events.filter((e) => e.type === "skipped").map((e) => e.id), [`${bin.id}-100`, `${bin.id}-201`], "each open turns down 100; the match at 150 is not one of them");
    await ingestOk(worker.url, bin.id, { method: "PUT", body: "live" });
    await sub.until((events) => events.filter((e) => e.type === "request").length === 3, 10_000, "the live PUT");
    assert.deepEqual(sub.seqs(), [150, 220, 231]);
  } finally {
    sub.close();
  }
});

test("a client's streams stop counting against its cap as soon as it has gone", async () => {
  const bin = await createBin(worker.url);
  const ip = client();
  const url = `${worker.url}/v1/bins/${bin.id}/stream`;
  const open = [await readStream(url, ip, (t) => t.includes(": ok")), await readStream(url, ip, (t) => t.includes(": ok"))];
  const refused = await readStream(url, ip, (t) => t.includes("retry:"));
  assert.match(refused.text, /busy: 2 live streams from your address already/);
  for (const s of open) s.controller.abort();
  // No publish and no keep-alive (15 s) in between: the next open finds the dead streams itself.
  const again = await readStream(url, ip, (t) => t.includes(": ok") || t.includes("busy"), 3000);
  assert.match(again.text, /^: ok\nretry: 2000/, again.text);
  again.controller.abort();
});

test("catching-up streams of a bin hold at most SSE_CATCHUP_BYTES together; past it, come back later", async () => {
  const bin = await createBin(worker.url);
  // About 9.6 MB of backlog: more than the pipes and socket buffers of a reader that never reads can take
  // (3.6 MB sometimes fit under a loaded machine, so a catch-up finished and gave its share back early).
  await fill(bin, 160, { body: () => "b".repeat(60_000) });
  const limit = Number(VARS.SSE_CATCHUP_BYTES);
  const url = `${worker.url}/v1/bins/${bin.id}/stream?last_event_id=0`;
  // Three readers that never read: each reserves its share while its catch-up waits.
  const slow = [];
  const first = client();
  slow.push(await readStream(url, first, (t) => t.includes("event: request")));
  // One client holds at most a third of the pool: its second catch-up waits, others' do not.
  const greedy = await readStream(url, first, (t) => t.includes("retry:"));
  assert.match(greedy.text, /^: busy: your catching-up streams of this bin hold their share[^\n]*\nretry: \d+/);
  for (let i = 0; i < 2; i += 1) slow.push(await readStream(url, client(), (t) => t.includes("event: request")));
  const refused = await readStream(url, client(), (t) => t.includes("retry:"));
  const [, held, of] = refused.text.match(/busy: catching-up streams of this bin hold (\d+) of (\d+) bytes\nretry: \d+/) ?? [];
  assert.equal(Number(of), limit, refused.text);
  assert.ok(Number(held) <= limit && Number(held) > (2 * limit) / 3, `held ${held} of ${limit}`);
  // A live-only stream reserves nothing and is let in.
  const live = await readStream(`${worker.url}/v1/bins/${bin.id}/stream`, client(), (t) => t.includes(": ok"));
  assert.match(live.text, /^: ok/);
  live.controller.abort();
  // One slow reader goes: its reservation comes back once its catch-up notices.
  slow[0].controller.abort();
  let admitted = null;
  for (let i = 0; i < 50 && !admitted; i += 1) {
    const next = await readStream(url, client(), (t) => t.includes("event: request") || t.includes("retry: 1"));
    if (next.text.includes("event: request")) admitted = next;
    else await sleep(200);
  }
  assert.ok(admitted, "a freed reservation admits the next catch-up");
  for (const s of [...slow.slice(1), admitted]) s.controller.abort();
});

test("an export of a never-matching filter pays a search token per empty scan and ends when they run out", async () => {
  const bin = await createBin(worker.url);
  await fill(bin, 450);
  const res = await fetch(`${worker.url}/v1/bins/${bin.id}/export?format=ndjson&q=NEVER-THERE`, { headers: client() });
  assert.equal(res.status, 200);
  const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
  // One token to start and 4 in the burst: the fifth scan of 100 rows finds no token.
  assert.equal(lines.length, 1);
  assert.equal(lines[0].code, "export_ended");
  assert.match(lines[0].details, /search budget/);
});

/** A GET whose response the caller can pause, so a reader that stops reading is real. */
function open(url, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, resolve);
    req.on("error", reject);
  });
}

/** Reads what is left of a paused response; resolves with its text once it ends in any way. */
function drain(res) {
  let text = "";
  res.on("data", (chunk) => { text += chunk.toString(); });
  const ended = new Promise((resolve) => { for (const e of ["end", "aborted", "error", "close"]) res.on(e, () => resolve(text)); });
  res.resume();
  return ended;
}

test("exports alive at once are capped by EXPORT_MAX_LIVE; stalled ones end by themselves; deleting the bin ends the rest", async () => {
  const w = await startWorker({ vars: { EXPORT_MAX_LIVE: "2", EXPORT_MAX_CONCURRENT: "4", EXPORT_MAX_PER_CLIENT: "4", SSE_STALL_SECONDS: "2" } });
  try {
    const bin = await createBin(w.url);
    const mib = Buffer.alloc(1024 * 1024, 0x65);
    for (let i = 0; i < 24; i += 1) await ingestOk(w.url, bin.id, { body: mib });
    const url = `${w.url}/v1/bins/${bin.id}/export?format=ndjson`;
    const [a, b] = [await open(url, client()), await open(url, client())];
    a.pause();
    b.pause();
    const body = await assertError(await fetch(url, { headers: client() }), 429);
    assert.match(body.details, /2 exports still ending/);
    // Neither reader reads on: after SSE_STALL_SECONDS each export ends itself and frees its place.
    await sleep(3500);
    const c = await open(url, client());
    assert.equal(c.statusCode, 200, "stalled exports gave their places back without a takeover");
    for (const stalled of [a, b]) assert.ok((await drain(stalled)).split("\n").length - 1 < 24, "a stalled export ended early");
    // The bin goes while c streams: c ends early too.
    const del = await fetch(`${w.url}/v1/bins/${bin.id}`, { method: "DELETE", headers: { "x-delete-token": bin.delete_token } });
    assert.equal(del.status, 204);
    const lines = (await drain(c)).trim().split("\n");
    assert.ok(lines.length < 24, `the export ended early (${lines.length} lines)`);
    const last = JSON.parse(lines.at(-1));
    assert.equal(last.code, "export_ended", "a reader that keeps up is told why");
    assert.match(last.details, /the bin was deleted/);
  } finally {
    await w.dispose();
  }
});

test("a HAR of a body that escaping would blow up carries it as base64", async () => {
  const bin = await createBin(worker.url);
  const body = Buffer.alloc(60_000, 1);
  await ingestOk(worker.url, bin.id, { body, headers: { "content-type": "text/plain" } });
  const res = await fetch(`${worker.url}/v1/bins/${bin.id}/export`, { headers: client() });
  const text = await res.text();
  const har = JSON.parse(text);
  const post = har.log.entries[0].request.postData;
  assert.equal(post.encoding, "base64");
  assert.deepEqual(Buffer.from(post.text, "base64"), body);
  assert.ok(text.length < 2 * body.length, `${text.length} bytes for a ${body.length}-byte body (escaped: ${6 * body.length})`);
});
