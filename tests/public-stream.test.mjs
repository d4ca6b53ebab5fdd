// Running in public, streams: a client that stops reading pins no memory
// and is cut, one client cannot take every slot of a bin, private bins
// stream with tickets instead of tokens in URLs, encoded paths match
// their namespaces, and a bin's final event always arrives.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { withWorker } from "./support/worker.mjs";
import { createBin, ingestOk, getJson, assertError } from "./support/api.mjs";
import { subscribe } from "./support/sse.mjs";

/** Opens a stream with node's http client, paused: nothing is read until `resume()`. */
function openPaused(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      res.pause();
      const chunks = [];
      const ended = new Promise((done) => {
        res.on("end", () => done("end"));
        res.on("error", () => done("error"));
        res.on("close", () => done("close"));
      });
      res.on("data", (c) => chunks.push(c));
      resolve({ res, resume: () => res.resume(), text: () => Buffer.concat(chunks).toString(), ended });
    });
    req.on("error", reject);
  });
}

const ids = (text) => [...text.matchAll(/^id: [a-z0-9]{12}-(\d+)$/gm)].map((m) => Number(m[1]));

test("a catching-up client that reads nothing is cut after SSE_STALL_SECONDS, then resumes losslessly", async () => {
  const vars = { SSE_QUEUE_BYTES: "65536", SSE_STALL_SECONDS: "1", SSE_KEEPALIVE_SECONDS: "1" };
  await withWorker({ vars }, async ({ url }) => {
    const bin = await createBin(url);
    // About 30 MB of events: more than socket buffers can swallow.
    const body = "x".repeat(800_000);
    for (let i = 0; i < 30; i += 1) await ingestOk(url, bin.id, { body });
    const stream = await openPaused(`${url}/v1/bins/${bin.id}/stream?last_event_id=0`);
    await sleep(3000);
    stream.resume();
    await stream.ended;
    const got = ids(stream.text());
    assert.ok(got.length < 30, `the stalled stream was cut before its backlog was out (${got.length} of 30)`);
    const last = got.at(-1) ?? 0;
    const again = subscribe(`${url}/v1/bins/${bin.id}/stream`, { lastEventId: `${bin.id}-${last}` });
    try {
      await again.until(() => again.seqs().length >= 30 - last, 20_000, "the rest");
      assert.deepEqual([...got, ...again.seqs()], Array.from({ length: 30 }, (_, i) => i + 1));
    } finally {
      again.close();
    }
  });
});

test("one client holds at most SSE_MAX_PER_CLIENT streams of a bin; others still get in", async () => {
  await withWorker({ vars: { SSE_MAX_PER_CLIENT: "2" } }, async ({ url }) => {
    const bin = await createBin(url);
    const from = (ip) => ({ "cf-connecting-ip": ip });
    const open = [
      await openPaused(`${url}/v1/bins/${bin.id}/stream`, from("2001:db8:5:5::1")),
      await openPaused(`${url}/v1/bins/${bin.id}/stream`, from("2001:db8:5:5::2")),
    ];
    const third = await fetch(`${url}/v1/bins/${bin.id}/stream`, { headers: from("2001:db8:5:5::3") });
    assert.equal(third.status, 200, "never a 429 or 5xx");
    assert.match(await third.text(), /^: busy: 2 live streams from your address already\nretry: \d+\n\n$/);
    const other = await openPaused(`${url}/v1/bins/${bin.id}/stream`, from("203.0.113.7"));
    other.resume();
    await sleep(200);
    assert.match(other.text(), /^: ok\n/);
    for (const s of [...open, other]) s.res.destroy();
  });
});

test("a private bin's stream opens with a short-lived ticket instead of its token", async () => {
  await withWorker({ vars: { STREAM_TICKET_SECONDS: "2" } }, async ({ url }) => {
    const priv = await (await fetch(`${url}/v1/bins`, { method: "POST", body: '{"private":true}' })).json();
    const other = await createBin(url);
    const ticketFor = (id, token) => fetch(`${url}/v1/bins/${id}/stream-ticket`, { method: "POST", headers: token ? { "x-authorization": token } : {} });
    await assertError(await ticketFor(priv.id), 401);
    const res = await ticketFor(priv.id, priv.read_token);
    assert.equal(res.status, 200);
    const { ticket, expires_at } = await res.json();
    assert.ok(Date.parse(expires_at) > Date.now());
    assert.ok(!ticket.includes(priv.read_token));
    await ingestOk(url, priv.id, { body: "secret" });
    const sub = subscribe(`${url}/v1/bins/${priv.id}/stream?ticket=${encodeURIComponent(ticket)}&last_event_id=0`);
    try {
      await sub.until(() => sub.seqs().length === 1, 10_000, "the capture");
    } finally {
      sub.close();
    }
    await assertError(await fetch(`${url}/v1/bins/${priv.id}/stream?ticket=1.${"0".repeat(64)}`), 403);
    const foreign = await (await ticketFor(other.id)).json();
    await assertError(await fetch(`${url}/v1/bins/${priv.id}/stream?ticket=${encodeURIComponent(foreign.ticket)}`), 403);
    await sleep(2200);
    const expired = await assertError(await fetch(`${url}/v1/bins/${priv.id}/stream?ticket=${encodeURIComponent(ticket)}`), 403);
    assert.match(expired.details, /expired/);
  });
});

test("namespaces match encoded paths: %20, %2F and non-ASCII, in lists and streams", async () => {
  await withWorker({}, async ({ url }) => {
    const bin = await createBin(url);
    const live = subscribe(`${url}/v1/bins/${bin.id}/stream?path=${encodeURIComponent("/café")}`);
    await live.opened;
    for (const sub of ["/a%20b/1", "/caf%C3%A9/2", "/café/3", "/x%2Fy", "/other"]) await ingestOk(url, bin.id, { path: sub });
    const list = async (filter) => (await getJson(`${url}/v1/bins/${bin.id}/requests?path=${encodeURIComponent(filter)}`)).items.map((i) => i.seq);
    assert.deepEqual(await list("/a b"), [1]);
    assert.deepEqual(await list("/a%20b"), [1], "a filter copied from a capture's path works too");
    assert.deepEqual(await list("/café"), [3, 2]);
    assert.deepEqual(await list("/x"), [4], "%2F decodes to a separator");
    try {
      await live.until(() => live.seqs().length >= 2, 10_000, "the café captures");
      assert.deepEqual(live.seqs(), [2, 3]);
    } finally {
      live.close();
    }
  });
});

test("a bin deleted while a subscriber catches up still delivers its final event", async () => {
  await withWorker({ vars: { SSE_QUEUE_BYTES: "65536", SSE_STALL_SECONDS: "30" } }, async ({ url }) => {
    const bin = await createBin(url);
    for (let i = 0; i < 20; i += 1) await ingestOk(url, bin.id, { body: "y".repeat(800_000) });
    const stream = await openPaused(`${url}/v1/bins/${bin.id}/stream?last_event_id=0`);
    await sleep(300);
    const gone = await fetch(`${url}/v1/bins/${bin.id}`, { method: "DELETE", headers: { "x-delete-token": bin.delete_token } });
    assert.equal(gone.status, 204);
    stream.resume();
    await stream.ended;
    assert.match(stream.text(), /event: deleted\ndata: \{"bin":"[a-z0-9]{12}","reason":"deleted"\}\n\n$/);
  });
});
