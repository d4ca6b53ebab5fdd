// Durable replays: retries on the backoff schedule, the dead-letter list,
// re-queueing, and survival across a restart. Targets are local servers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker, withWorker } from "./support/worker.mjs";
import { createBin, ingestOk, getJson, assertError } from "./support/api.mjs";
import { startTarget } from "./support/target.mjs";
import { subscribe } from "./support/sse.mjs";

const FAST = { REPLAY_BACKOFF_BASE_MS: "50", REPLAY_TIMEOUT_MS: "400" };
let worker;
before(async () => { worker = await startWorker({ vars: FAST }); });
after(async () => { await worker?.dispose(); });

/** Creates a bin with one capture; returns { bin, rid }. */
async function captured(base, body = "payload", headers = {}) {
  const bin = await createBin(base);
  const { request_id } = await ingestOk(base, bin.id, { path: "/orders", body, headers });
  return { bin, rid: request_id };
}

function startReplay(base, bin, rid, order) {
  return fetch(`${base}/v1/bins/${bin}/requests/${rid}/replay`, { method: "POST", body: JSON.stringify(order) });
}

async function replayOk(base, bin, rid, order) {
  const res = await startReplay(base, bin, rid, order);
  assert.equal(res.status, 202, await res.clone().text());
  const { replay_id } = await res.json();
  return replay_id;
}

/** Polls a replay until it is succeeded or failed. */
async function settled(base, id, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await getJson(`${base}/v1/replays/${id}`);
    if (r.status === "succeeded" || r.status === "failed") return r;
    if (Date.now() > deadline) throw new Error(`replay ${id} still ${r.status}`);
    await sleep(25);
  }
}

test("a target failing N times then succeeding: N = 0..5 succeed, N = 6 is dead-lettered", async () => {
  for (let failures = 0; failures <= 6; failures += 1) {
    const target = await startTarget((n) => ({ status: n <= failures ? 503 : 200 }));
    try {
      const { bin, rid } = await captured(worker.url);
      const id = await replayOk(worker.url, bin.id, rid, { target_url: `${target.url}/hook` });
      const r = await settled(worker.url, id);
      if (failures <= 5) {
        assert.equal(r.status, "succeeded", `N=${failures}`);
        assert.equal(r.attempts, failures + 1);
        assert.equal(r.last_error, null);
      } else {
        assert.equal(r.status, "failed", "N=6 exhausts 1 attempt + 5 retries");
        assert.equal(r.attempts, 6);
        assert.match(r.last_error, /503/);
      }
      assert.equal(target.received.length, Math.min(failures + 1, 6));
      assert.equal(r.history.length, r.attempts);
    } finally {
      await target.close();
    }
  }
});

test("every attempt re-sends the same method, body, headers and idempotency key", async () => {
  const target = await startTarget((n) => ({ status: n < 3 ? 500 : 204 }));
  try {
    const body = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    const { bin, rid } = await captured(worker.url, body, { "x-signature": "sha256=abc", "content-type": "application/octet-stream" });
    const id = await replayOk(worker.url, bin.id, rid, { target_url: `${target.url}/in?x=1` });
    assert.equal((await settled(worker.url, id)).status, "succeeded");
    assert.equal(target.received.length, 3);
    for (const got of target.received) {
      assert.equal(got.method, "POST");
      assert.equal(got.url, "/in?x=1");
      assert.ok(got.body.equals(body), "exact body bytes");
      assert.equal(got.headers["x-signature"], "sha256=abc");
      assert.equal(got.headers["content-type"], "application/octet-stream");
      assert.equal(got.headers["x-polyhook-replay-of"], rid);
      assert.equal(got.headers["idempotency-key"], id);
      assert.equal(got.headers["cf-connecting-ip"], undefined);
    }
  } finally {
    await target.close();
  }
});

test("a 404 fails at once and names the status", async () => {
  const target = await startTarget(() => ({ status: 404 }));
  try {
    const { bin, rid } = await captured(worker.url);
    const r = await settled(worker.url, await replayOk(worker.url, bin.id, rid, { target_url: target.url }));
    assert.equal(r.status, "failed");
    assert.equal(r.attempts, 1);
    assert.match(r.last_error, /404/);
    assert.equal(r.history[0].status_code, 404);
  } finally {
    await target.close();
  }
});

test("429 with a longer Retry-After is honoured", async () => {
  const target = await startTarget((n) => (n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }));
  try {
    const { bin, rid } = await captured(worker.url);
    const r = await settled(worker.url, await replayOk(worker.url, bin.id, rid, { target_url: target.url }));
    assert.equal(r.status, "succeeded");
    const gap = target.received[1].at - target.received[0].at;
    assert.ok(gap >= 900, `waited ${gap} ms for Retry-After: 1 rather than the 50 ms schedule`);
  } finally {
    await target.close();
  }
});

test("a target that never answers times out on every attempt", async () => {
  const target = await startTarget(() => ({ hang: true }));
  try {
    const { bin, rid } = await captured(worker.url);
    const r = await settled(worker.url, await replayOk(worker.url, bin.id, rid, { target_url: target.url, max_retries: 1 }));
    assert.equal(r.status, "failed");
    assert.equal(r.attempts, 2);
    for (const a of r.history) assert.match(a.error, /timed out after 400 ms/);
  } finally {
    await target.close();
  }
});

test("retry spacing doubles from the base (generous tolerances)", async () => {
  await withWorker({ vars: { REPLAY_BACKOFF_BASE_MS: "200" } }, async (w) => {
    const target = await startTarget((n) => ({ status: n <= 3 ? 503 : 200 }));
    try {
      const { bin, rid } = await captured(w.url);
      assert.equal((await settled(w.url, await replayOk(w.url, bin.id, rid, { target_url: target.url }))).status, "succeeded");
      const at = target.received.map((r) => r.at);
      const gaps = [at[1] - at[0], at[2] - at[1], at[3] - at[2]];
      [200, 400, 800].forEach((want, i) => assert.ok(gaps[i] >= want * 0.9, `gap ${i + 1} was ${gaps[i]} ms, want >= ${want}`));
      assert.ok(gaps[1] > gaps[0] * 1.3 && gaps[2] > gaps[1] * 1.3, `gaps grow: ${gaps}`);
    } finally {
      await target.close();
    }
  });
});

test("the dead-letter list shows failed replays, and retry re-queues with a fresh budget", async () => {
  let healthy = false;
  const target = await startTarget(() => ({ status: healthy ? 200 : 503 }));
  try {
    const { bin, rid } = await captured(worker.url);
    const id = await replayOk(worker.url, bin.id, rid, { target_url: target.url, max_retries: 1 });
    const ok = await replayOk(worker.url, bin.id, rid, { target_url: `${target.url}/never-mind`, max_retries: 0 });
    assert.equal((await settled(worker.url, id)).status, "failed");
    await settled(worker.url, ok);
    const dead = await getJson(`${worker.url}/v1/bins/${bin.id}/replays?status=failed`);
    assert.ok(dead.items.some((r) => r.id === id));
    assert.ok(dead.items.every((r) => r.status === "failed"));
    const all = await getJson(`${worker.url}/v1/bins/${bin.id}/replays?limit=1`);
    assert.equal(all.items.length, 1);
    assert.equal(typeof all.next_cursor, "string");
    await assertError(await fetch(`${worker.url}/v1/bins/${bin.id}/replays?status=dead`), 400);

    healthy = true;
    const res = await fetch(`${worker.url}/v1/replays/${id}/retry`, { method: "POST" });
    assert.equal(res.status, 202);
    assert.equal((await res.json()).status, "queued");
    const r = await settled(worker.url, id);
    assert.equal(r.status, "succeeded");
    assert.equal(r.attempts, 3, "two failed attempts, then one in the new round");
    await assertError(await fetch(`${worker.url}/v1/replays/${id}/retry`, { method: "POST" }), 409);
  } finally {
    await target.close();
  }
});

test("bad orders are 400, unknown requests and replays 404, loops refused", async () => {
  const { bin, rid } = await captured(worker.url);
  const cases = [
    ["not json", 400],
    [JSON.stringify({}), 400],
    [JSON.stringify({ target_url: "ftp://x.example" }), 400],
    [JSON.stringify({ target_url: "http://x.example", max_retries: 6 }), 400],
    [JSON.stringify({ target_url: `${worker.url}/v1/bins/${bin.id}/in` }), 400],
  ];
  for (const [body, status] of cases) {
    const res = await fetch(`${worker.url}/v1/bins/${bin.id}/requests/${rid}/replay`, { method: "POST", body });
    await assertError(res, status);
  }
  await assertError(await startReplay(worker.url, bin.id, `${bin.id}-99`, { target_url: "http://x.example" }), 404);
  await assertError(await fetch(`${worker.url}/v1/replays/${bin.id}-r77`), 404);
  await assertError(await fetch(`${worker.url}/v1/replays/garbage`), 404);
});

test("an international target host is taken, in its ASCII form (the platform's URL parser does IDNA)", async () => {
  const { bin, rid } = await captured(worker.url);
  const id = await replayOk(worker.url, bin.id, rid, { target_url: "http://bücher.invalid/hook?q=1", max_retries: 0 });
  assert.equal((await getJson(`${worker.url}/v1/replays/${id}`)).target_url, "http://xn--bcher-kva.invalid/hook?q=1");
  // A host that is not a name in any script is bad input, not a 5xx.
  await assertError(await startReplay(worker.url, bin.id, rid, { target_url: "http://exä mple.invalid/" }), 400);
});

test("each status change is a replay event on the bin's stream", async () => {
  const target = await startTarget((n) => ({ status: n === 1 ? 503 : 200 }));
  try {
    const { bin, rid } = await captured(worker.url);
    const sub = subscribe(`${worker.url}/v1/bins/${bin.id}/stream`);
    await sub.opened;
    const id = await replayOk(worker.url, bin.id, rid, { target_url: target.url });
    await sub.until((ev) => ev.some((e) => e.type === "replay" && e.data.status === "succeeded"), 15_000, "succeeded event");
    sub.close();
    const statuses = sub.events.filter((e) => e.type === "replay" && e.data.id === id).map((e) => e.data.status);
    assert.deepEqual(statuses, ["queued", "in_progress", "queued", "in_progress", "succeeded"]);
  } finally {
    await target.close();
  }
});

test("deleting the bin stops its pending replays", async () => {
  const target = await startTarget(() => ({ status: 503 }));
  try {
    await withWorker({ vars: { REPLAY_BACKOFF_BASE_MS: "300" } }, async (w) => {
      const { bin, rid } = await captured(w.url);
      await replayOk(w.url, bin.id, rid, { target_url: target.url });
      while (target.received.length < 1) await sleep(20);
      const del = await fetch(`${w.url}/v1/bins/${bin.id}`, { method: "DELETE", headers: { "x-delete-token": bin.delete_token } });
      assert.equal(del.status, 204);
      const sentBefore = target.received.length;
      await sleep(1500);
      assert.equal(target.received.length, sentBefore, "no attempt after delete");
    });
  } finally {
    await target.close();
  }
});

test("a replay waiting for its next attempt survives a restart of the runtime", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "polyhook-restart-"));
  const target = await startTarget((n) => ({ status: n === 1 ? 503 : 200 }));
  try {
    const vars = { REPLAY_BACKOFF_BASE_MS: "2000" };
    let id;
    await withWorker({ vars, persistTo: dir }, async (w) => {
      const { bin, rid } = await captured(w.url);
      id = await replayOk(w.url, bin.id, rid, { target_url: target.url });
      while (target.received.length < 1) await sleep(20);
      const r = await getJson(`${w.url}/v1/replays/${id}`);
      assert.equal(r.status, "queued", "waiting 2 s for its first retry");
    });
    // The runtime is gone; nothing is running. A new one on the same storage:
    await withWorker({ vars, persistTo: dir }, async (w) => {
      const r = await settled(w.url, id, 20_000);
      assert.equal(r.status, "succeeded");
      assert.equal(r.attempts, 2);
      assert.equal(target.received.length, 2);
      const gap = target.received[1].at - target.received[0].at;
      assert.ok(gap >= 1800, `the retry kept its schedule (${gap} ms)`);
    });
  } finally {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  }
});
