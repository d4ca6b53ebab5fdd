// The live channel over a hibernatable WebSocket (`GET /v1/bins/{id}/ws`),
// driven with the `ws` client: the same events as the stream, lossless
// resume, flow control by acks, the caps, private bins, and the proof that
// a bin watched only by sockets sleeps while one watched by SSE does not.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { startWorker, withWorker } from "./support/worker.mjs";
import { createBin, ingestOk, getJson } from "./support/api.mjs";
import { startTarget } from "./support/target.mjs";

let worker;
before(async () => { worker = await startWorker({ vars: { WS_WINDOW_BYTES: "4096", WS_AUTH_SECONDS: "1", SSE_MAX_PER_CLIENT: "3" } }); });
after(() => worker?.dispose());

/** The status and JSON body of a socket request answered without an upgrade. */
function refusal(base, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}${path}`, { headers });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => { body += c; });
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(body) }));
    });
    ws.on("open", () => reject(new Error("upgraded")));
    ws.on("error", () => {});
  });
}

/** Opens a socket; records every message; `ack` acknowledges up to a seq. */
function connect(base, bin, query = "", headers = {}) {
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}/v1/bins/${bin}/ws${query}`, { headers });
  const messages = [];
  const closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  // Every server message is JSON but the runtime's own "pong".
  ws.on("message", (data, binary) => { if (!binary && data.toString() !== "pong") messages.push(JSON.parse(data.toString())); });
  const opened = new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject); });
  return {
    ws,
    messages,
    closed,
    opened,
    seqs: () => messages.filter((m) => m.type === "request").map((m) => m.data.seq),
    send: (msg) => ws.send(typeof msg === "string" ? msg : JSON.stringify(msg)),
    ack: (seq) => ws.send(JSON.stringify({ type: "ack", seq })),
    async until(predicate, what, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!predicate(messages)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; have ${JSON.stringify(messages.map((m) => [m.type, m.id]))}`);
        await sleep(20);
      }
    },
  };
}

test("a socket carries the stream's events with their payloads and ids, and ping is answered", async () => {
  const bin = await createBin(worker.url);
  const s = connect(worker.url, bin.id);
  await s.opened;
  const pong = new Promise((resolve) => s.ws.once("message", (d) => resolve(d.toString())));
  s.send("ping");
  assert.equal(await pong, "pong");
  const sent = await ingestOk(worker.url, bin.id, { path: "/github/push", body: "hello" });
  await s.until((m) => m.some((x) => x.type === "request"), "the capture");
  const event = s.messages.find((m) => m.type === "request");
  assert.equal(event.id, sent.request_id);
  const detail = await getJson(`${worker.url}/v1/bins/${bin.id}/requests/${sent.request_id}`);
  assert.deepEqual(event.data, detail, "the same payload as the detail and the SSE event");
  // A replay's progress comes as `replay` messages, as on the stream.
  const target = await startTarget();
  try {
    const order = await fetch(`${worker.url}/v1/bins/${bin.id}/requests/${sent.request_id}/replay`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ target_url: `${target.url}/hook` }),
    });
    assert.equal(order.status, 202);
    const { replay_id: replayId } = await order.json();
    await s.until((m) => m.some((x) => x.type === "replay" && x.data.id === replayId && x.data.status === "succeeded"), "the replay's outcome");
    assert.equal(s.messages.find((x) => x.type === "replay").id, null, "replay notices carry no id, as on the stream");
  } finally {
    await target.close();
    s.ws.close();
  }
});

test("resuming with last_event_id sends the missed captures once each, in order, then live", async () => {
  const bin = await createBin(worker.url);
  for (let i = 0; i < 6; i += 1) await ingestOk(worker.url, bin.id, { body: `b${i}` });
  const s = connect(worker.url, bin.id, "?last_event_id=2");
  await s.until((m) => m.filter((x) => x.type === "request").length === 4, "the backlog");
  s.ack(6);
  await ingestOk(worker.url, bin.id, { body: "live" });
  await s.until((m) => m.filter((x) => x.type === "request").length === 5, "the live capture");
  assert.deepEqual(s.seqs(), [3, 4, 5, 6, 7]);
  s.ws.close();
});

test("unacknowledged bytes stop at the window; acks feed the rest from storage, in order, nothing twice", async () => {
  const bin = await createBin(worker.url);
  const s = connect(worker.url, bin.id);
  await s.opened;
  // Each event is well over 1 KiB: the 4 KiB window holds a few.
  for (let i = 1; i <= 12; i += 1) await ingestOk(worker.url, bin.id, { body: "x".repeat(1500) + i });
  await sleep(300);
  const early = s.seqs().length;
  assert.ok(early >= 1 && early < 12, `the window held back the rest (${early} sent)`);
  while (s.seqs().length < 12) {
    const seen = s.seqs();
    s.ack(seen.at(-1));
    await s.until((m) => m.filter((x) => x.type === "request").length > seen.length, "more after an ack");
  }
  assert.deepEqual(s.seqs(), Array.from({ length: 12 }, (_, i) => i + 1));
  s.ws.close();
});

test("past the per-client cap a socket is refused before the upgrade: 429 with Retry-After", async () => {
  const bin = await createBin(worker.url);
  const ip = { "cf-connecting-ip": "198.51.100.31" };
  const open = [];
  for (let i = 0; i < 3; i += 1) {
    const s = connect(worker.url, bin.id, "", ip);
    await s.opened;
    open.push(s);
  }
  const refused = await refusal(worker.url, `/v1/bins/${bin.id}/ws`, ip);
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers["retry-after"]) >= 10);
  assert.match(refused.body.details, /your address has all its live channels/);
  const other = connect(worker.url, bin.id, "", { "cf-connecting-ip": "198.51.100.32" });
  await other.opened;
  for (const s of [...open, other]) s.ws.close();
});

test("a private bin's socket: the token in the first message, a wrong one closes 4001, none closes 4002", async () => {
  const bin = await (await fetch(`${worker.url}/v1/bins`, { method: "POST", body: JSON.stringify({ private: true }) })).json();
  const good = connect(worker.url, bin.id);
  await good.opened;
  await ingestOk(worker.url, bin.id, { body: "while it waited" });
  good.send({ type: "auth", token: bin.read_token });
  await good.until((m) => m.some((x) => x.type === "request"), "the capture sent before auth");
  await ingestOk(worker.url, bin.id, { body: "secret" });
  await good.until((m) => m.filter((x) => x.type === "request").length === 2, "the capture after auth");
  assert.deepEqual(good.seqs(), [1, 2], "nothing lost while it showed its token");
  const wrong = connect(worker.url, bin.id);
  await wrong.opened;
  wrong.send({ type: "auth", token: "nope" });
  assert.equal((await wrong.closed).code, 4001);
  const silent = connect(worker.url, bin.id);
  await silent.opened;
  assert.equal((await silent.closed).code, 4002, "the alarm closes a socket that never authenticates");
  assert.ok(!silent.messages.some((m) => m.type === "request"), "nothing before the token");
  const inUrl = await refusal(worker.url, `/v1/bins/${bin.id}/ws?token=${bin.read_token}`);
  assert.equal(inUrl.status, 400, "never in the URL");
  assert.equal(inUrl.body.code, "bad_request");
  good.ws.close();
});

test("a socket that floods the bin with messages is closed with 4008 and a retry hint; another client's socket goes on", async () => {
  const bin = await createBin(worker.url);
  const flood = connect(worker.url, bin.id);
  const calm = connect(worker.url, bin.id, "", { "cf-connecting-ip": "203.0.113.9" });
  await Promise.all([flood.opened, calm.opened]);
  for (let i = 0; i < 60; i += 1) flood.ack(0);
  const closed = await flood.closed;
  assert.equal(closed.code, 4008);
  assert.match(closed.reason, /retry_ms=\d+/);
  await ingestOk(worker.url, bin.id, { body: "after the flood" });
  await calm.until((m) => m.some((x) => x.type === "request"), "the capture on the calm socket");
  calm.ws.close();
});

test("a socket's state must fit 2,048 bytes: filters past it are a 400 before the upgrade", async () => {
  const bin = await createBin(worker.url);
  const header = (n) => `header=${"x".repeat(n)}`;
  const long = `?${Array.from({ length: 8 }, () => header(250)).join("&")}`;
  const res = await refusal(worker.url, `/v1/bins/${bin.id}/ws${long}`);
  assert.equal(res.status, 400);
  assert.match(res.body.error, /filters too long/);
  const plain = await fetch(`${worker.url}/v1/bins/${bin.id}/ws`);
  assert.equal(plain.status, 400, "a plain GET is told to upgrade");
  const fits = connect(worker.url, bin.id, `?${Array.from({ length: 6 }, () => header(250)).join("&")}`);
  await fits.opened;
  fits.ws.close();
});

test("deleting the bin sends every socket the final event and closes it with 4000", async () => {
  const bin = await createBin(worker.url);
  const s = connect(worker.url, bin.id);
  await s.opened;
  await fetch(`${worker.url}/v1/bins/${bin.id}`, { method: "DELETE", headers: { "x-delete-token": bin.delete_token } });
  const { code } = await s.closed;
  assert.equal(code, 4000);
  assert.equal(s.messages.at(-1).type, "deleted");
});

/** The bin objects started so far, from /metrics (which never wakes a bin). */
async function starts(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(text.match(/^polyhook_object_starts_total\{class="bin"\} (\d+)/m)?.[1] ?? 0);
}

/** The open sockets `/metrics` shows. */
async function socketGauge(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(text.match(/^polyhook_ws_clients (\d+)/m)?.[1] ?? -1);
}

test("a bin watched only by sockets sleeps, its next capture still reaches them, and /metrics counts them asleep; one watched by SSE does not sleep", async () => {
  // A 1 s keep-alive makes a stream count stale after 12 s unreported: the socket count must not be.
  await withWorker({ vars: { SSE_KEEPALIVE_SECONDS: "1" } }, async ({ url }) => {
    const watched = await createBin(url);
    const s = connect(url, watched.id);
    const other = connect(url, watched.id);
    await Promise.all([s.opened, other.opened]);
    await sleep(2500); // one metrics flush
    assert.equal(await socketGauge(url), 2);
    const before = await starts(url);
    // Wait (up to a minute, in steps) until a capture finds the object started anew.
    let evicted = false;
    let waited = 0;
    let sent = 0;
    while (!evicted && waited < 60_000) {
      await sleep(12_000);
      waited += 12_000;
      assert.equal(await socketGauge(url), 2, `both sockets still counted after ${waited} ms unreported`);
      await ingestOk(url, watched.id, { body: `after ${waited} ms` });
      sent += 1;
      await sleep(2500);
      evicted = (await starts(url)) > before;
    }
    assert.ok(evicted, "the socket-only bin was evicted while idle");
    console.log(`socket-only bin: evicted within ${waited} ms idle; ${sent} captures sent`);
    await s.until((m) => m.filter((x) => x.type === "request").length === sent, "every capture after waking");
    assert.deepEqual(s.seqs(), Array.from({ length: sent }, (_, i) => i + 1), "in order, once each");
    await other.until((m) => m.filter((x) => x.type === "request").length === sent, "every capture, on the other socket too");
    assert.equal(await socketGauge(url), 2, "a woken bin reports its sockets again");
    s.ws.close();
    await s.closed;
    await sleep(2500);
    assert.equal(await socketGauge(url), 1, "a closed socket stops counting");
    other.ws.close();

    const sse = await createBin(url);
    const stream = await fetch(`${url}/v1/bins/${sse.id}/stream`);
    const reader = stream.body.getReader();
    await reader.read();
    await ingestOk(url, sse.id, { body: "first" });
    await sleep(2500);
    const sseBefore = await starts(url);
    await sleep(waited);
    await ingestOk(url, sse.id, { body: "second" });
    await sleep(2500);
    assert.equal(await starts(url), sseBefore, `the SSE-watched bin stayed awake over the same ${waited} ms`);
    await reader.cancel();
  });
});
