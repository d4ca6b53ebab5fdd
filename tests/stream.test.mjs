// The live SSE stream, driven by a real EventSource client.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker, withWorker } from "./support/worker.mjs";
import { createBin, ingestOk, getJson, assertError } from "./support/api.mjs";
import { subscribe } from "./support/sse.mjs";

let worker;
before(async () => { worker = await startWorker({ vars: { SSE_KEEPALIVE_SECONDS: "1" } }); });
after(async () => { await worker?.dispose(); });

const streamUrl = (bin, query = "") => `${worker.url}/v1/bins/${bin}/stream${query}`;

/** Reads a streaming response until the server closes it. */
async function readToEnd(res) {
  let text = "";
  for await (const chunk of res.body) text += new TextDecoder().decode(chunk);
  return text;
}

test("the stream opens with SSE headers, a comment and a retry hint", async () => {
  const bin = await createBin(worker.url);
  const res = await fetch(streamUrl(bin.id));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/event-stream/);
  assert.match(res.headers.get("cache-control"), /no-cache/);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.equal(res.headers.get("content-encoding"), null);
  const reader = res.body.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /^: ok\nretry: \d+\n\n/);
  await reader.cancel();
});

test("an unknown bin is 404 JSON, not a stream", async () => {
  await assertError(await fetch(streamUrl("zzzzzzzzzzzz")), 404);
});

test("captures arrive live with their exact bodies, binary and multi-line", async () => {
  const bin = await createBin(worker.url);
  const sub = subscribe(streamUrl(bin.id));
  await sub.opened;
  const binary = randomBytes(4096);
  const multiline = Buffer.from("line one\nline two\r\n\r\ndata: not a field\n");
  const a = await ingestOk(worker.url, bin.id, { body: binary, headers: { "content-type": "application/octet-stream" } });
  const b = await ingestOk(worker.url, bin.id, { method: "PUT", path: "/x?y=1", body: multiline });
  await sub.until((ev) => ev.length >= 2, 15_000, "two events");
  sub.close();
  const [ea, eb] = sub.events;
  assert.equal(ea.type, "request");
  assert.equal(ea.id, a.request_id, "the event id is the request id, as the twins send it");
  assert.equal(ea.data.id, a.request_id);
  assert.ok(Buffer.from(ea.data.body_b64, "base64").equals(binary));
  assert.equal(eb.id, b.request_id);
  assert.equal(eb.data.method, "PUT");
  assert.equal(eb.data.path, "/x");
  assert.ok(Buffer.from(eb.data.body_b64, "base64").equals(multiline));
  const detail = await getJson(`${worker.url}/v1/bins/${bin.id}/requests/${b.request_id}`);
  assert.deepEqual(eb.data, detail, "the event is the detail endpoint's CapturedRequest");
});

/** Keeps ingesting into `bin` until stopped; returns the seqs it stored. */
function writer(bin) {
  let running = true;
  const seqs = [];
  const done = (async () => {
    while (running) {
      seqs.push((await ingestOk(worker.url, bin, { body: `w${seqs.length}` })).seq);
      await sleep(5);
    }
    return seqs;
  })();
  return { stop: () => { running = false; return done; }, seqs };
}

test("a client killed and restarted with Last-Event-ID sees every capture exactly once", async () => {
  const bin = await createBin(worker.url);
  for (let i = 0; i < 5; i += 1) await ingestOk(worker.url, bin.id, { body: `pre${i}` });
  const first = subscribe(streamUrl(bin.id), { lastEventId: "0" });
  const w = writer(bin.id);
  await first.until((ev) => ev.length >= 12, 15_000, "12 events");
  first.close();
  const seen = first.seqs();
  const last = seen.at(-1);
  await sleep(150); // captures keep arriving while nobody listens
  const second = subscribe(streamUrl(bin.id), { lastEventId: String(last) });
  await second.until((ev) => ev.length >= 5, 15_000, "resumed events");
  const written = await w.stop();
  const finalSeq = written.at(-1);
  await second.until(() => second.seqs().at(-1) === finalSeq, 15_000, `seq ${finalSeq}`);
  second.close();
  const all = [...seen, ...second.seqs()];
  const expected = Array.from({ length: finalSeq }, (_, i) => i + 1);
  assert.deepEqual(all, expected, "1..final, in order, none twice, none missing");
  assert.ok(second.seqs()[0] === last + 1);
});

test("last_event_id in the query resumes a first connect", async () => {
  const bin = await createBin(worker.url);
  for (let i = 0; i < 6; i += 1) await ingestOk(worker.url, bin.id, { body: `q${i}` });
  const sub = subscribe(streamUrl(bin.id, "?last_event_id=3"));
  await sub.until(() => sub.seqs().length >= 3, 15_000, "backlog");
  await ingestOk(worker.url, bin.id, { body: "live" });
  await sub.until(() => sub.seqs().length >= 4, 15_000, "live event");
  sub.close();
  assert.deepEqual(sub.seqs(), [4, 5, 6, 7]);
});

test("100 concurrent subscribers all receive every event in order", async () => {
  const bin = await createBin(worker.url);
  const subs = Array.from({ length: 100 }, () => subscribe(streamUrl(bin.id)));
  try {
    await Promise.all(subs.map((s) => s.opened));
    const sent = [];
    for (let i = 0; i < 20; i += 1) sent.push((await ingestOk(worker.url, bin.id, { body: `e${i}` })).seq);
    await Promise.all(subs.map((s) => s.until(() => s.seqs().length >= sent.length, 30_000, "all events")));
    for (const s of subs) assert.deepEqual(s.seqs(), sent);
  } finally {
    subs.forEach((s) => s.close());
  }
});

test("a namespace receives its path and below, not siblings; the list filters the same", async () => {
  const bin = await createBin(worker.url);
  const gh = subscribe(streamUrl(bin.id, "?path=/github"));
  const all = subscribe(streamUrl(bin.id));
  await Promise.all([gh.opened, all.opened]);
  for (const path of ["/github", "/github/push", "/githubx", "/stripe", "/github/pr/1"]) {
    await ingestOk(worker.url, bin.id, { path });
  }
  await all.until((ev) => ev.length >= 5, 15_000, "all five");
  await gh.until((ev) => ev.length >= 3, 15_000, "three github");
  await sleep(100);
  gh.close();
  all.close();
  assert.deepEqual(gh.events.map((e) => e.data.path), ["/github", "/github/push", "/github/pr/1"]);
  const page = await getJson(`${worker.url}/v1/bins/${bin.id}/requests?path=/github`);
  assert.deepEqual(page.items.map((c) => c.path), ["/github/pr/1", "/github/push", "/github"]);
});

test("keep-alive comments arrive on an idle stream", async () => {
  const bin = await createBin(worker.url);
  const res = await fetch(streamUrl(bin.id));
  const reader = res.body.getReader();
  let text = "";
  const deadline = Date.now() + 10_000;
  while (!text.includes(": ping\n\n") && Date.now() < deadline) {
    const { value } = await reader.read();
    text += new TextDecoder().decode(value);
  }
  await reader.cancel();
  assert.ok(text.includes(": ping\n\n"), text);
});

test("deleting the bin sends a final deleted event and closes the stream", async () => {
  const bin = await createBin(worker.url);
  const res = await fetch(streamUrl(bin.id));
  const rest = readToEnd(res);
  const del = await fetch(`${worker.url}/v1/bins/${bin.id}`, { method: "DELETE", headers: { "x-delete-token": bin.delete_token } });
  assert.equal(del.status, 204);
  const text = await rest;
  assert.match(text, /event: deleted\ndata: \{"bin":"[a-z0-9]{12}","reason":"deleted"\}\n\n$/);
});

test("Last-Event-ID as a request id or a bare sequence number resumes alike", async () => {
  const bin = await createBin(worker.url);
  const sent = [];
  for (let i = 1; i <= 4; i += 1) sent.push(await ingestOk(worker.url, bin.id, { body: `n${i}` }));
  for (const id of [sent[1].request_id, String(sent[1].seq)]) {
    const sub = subscribe(streamUrl(bin.id), { lastEventId: id });
    await sub.until(() => sub.seqs().length >= 2, 15_000, "the backlog");
    sub.close();
    assert.deepEqual(sub.seqs(), [3, 4], id);
    assert.equal(sub.events.at(-1).id, sent[3].request_id);
  }
});

test("a request id of another bin as the resume point is a 400", async () => {
  const bin = await createBin(worker.url);
  const other = await createBin(worker.url);
  const { request_id } = await ingestOk(worker.url, other.id, { body: "x" });
  const res = await fetch(streamUrl(bin.id, `?last_event_id=${request_id}`));
  const body = await assertError(res, 400);
  assert.match(body.details, /another bin/);
});

test("a malformed or future Last-Event-ID gets a reset event, then live", async () => {
  const bin = await createBin(worker.url);
  let newest = (await ingestOk(worker.url, bin.id, { body: "one" })).seq;
  for (const id of ["abc", "999"]) {
    const sub = subscribe(streamUrl(bin.id), { lastEventId: id });
    await sub.until((ev) => ev.length >= 1, 15_000, "reset");
    assert.equal(sub.events[0].type, "reset");
    assert.equal(sub.events[0].data.resumes_after, newest);
    assert.equal(sub.events[0].data.last_event_id, id);
    assert.equal(sub.events[0].id, "", "notices carry no id");
    newest = (await ingestOk(worker.url, bin.id, { body: "after" })).seq;
    await sub.until(() => sub.seqs().length >= 1, 15_000, "live");
    sub.close();
    assert.deepEqual(sub.seqs(), [newest], "live only, no backlog");
  }
});

test("resuming from an evicted id announces the loss, then sends what is kept", async () => {
  await withWorker({ vars: { MAX_CAPTURES_PER_BIN: "3" } }, async (w) => {
    const bin = await createBin(w.url);
    for (let i = 0; i < 6; i += 1) await ingestOk(w.url, bin.id, { body: `${i}` });
    const sub = subscribe(`${w.url}/v1/bins/${bin.id}/stream`, { lastEventId: "1" });
    await sub.until((ev) => ev.length >= 4, 15_000, "lost + 3");
    sub.close();
    assert.equal(sub.events[0].type, "lost");
    assert.deepEqual(sub.events[0].data, { first_seq: 2, last_seq: 3, resumes_after: 3 });
    assert.deepEqual(sub.seqs(), [4, 5, 6]);
  });
});

test("a subscriber that never reads is cut off; others keep receiving and ingest keeps answering", async () => {
  await withWorker({ vars: { SSE_QUEUE_BYTES: "65536" } }, async (w) => {
    const bin = await createBin(w.url);
    const url = `${w.url}/v1/bins/${bin.id}/stream`;
    let stalledText = "";
    let stalledEnded = false;
    const stalled = await new Promise((resolve) => http.get(url, resolve));
    stalled.setEncoding("utf8");
    stalled.on("data", (d) => { stalledText += d; });
    stalled.on("end", () => { stalledEnded = true; });
    stalled.pause(); // never reads again until the end of the test
    const healthy = subscribe(url);
    await healthy.opened;
    const body = randomBytes(256 * 1024);
    const sent = [];
    for (let i = 0; i < 80; i += 1) sent.push((await ingestOk(w.url, bin.id, { body })).seq);
    await healthy.until(() => healthy.seqs().length >= sent.length, 60_000, "all events at the healthy subscriber");
    assert.deepEqual(healthy.seqs(), sent, "the healthy subscriber got everything in order");
    healthy.close();
    stalled.resume();
    const deadline = Date.now() + 30_000;
    while (!stalledEnded && Date.now() < deadline) await sleep(50);
    assert.ok(stalledEnded, "the stalled stream was closed by the server");
    const got = (stalledText.match(/^id: \d+$/gm) ?? []).map((l) => Number(l.slice(4)));
    assert.ok(got.length < sent.length, `the stalled subscriber was cut after ${got.length} events`);
    assert.deepEqual(got, sent.slice(0, got.length), "what it did get has no holes");
  });
});

test("when the bin expires, subscribers get a final expired event and the stream closes", async () => {
  await withWorker({ vars: { BIN_TTL_SECONDS: "2" } }, async (w) => {
    const bin = await createBin(w.url);
    const res = await fetch(`${w.url}/v1/bins/${bin.id}/stream`);
    const text = await readToEnd(res);
    assert.match(text, /event: expired\ndata: \{"bin":"[a-z0-9]{12}","reason":"expired"\}\n\n$/);
    await assertError(await fetch(`${w.url}/v1/bins/${bin.id}/stream`), 404);
  });
});
