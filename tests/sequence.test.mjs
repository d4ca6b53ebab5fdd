// Replay studio sequences against the built worker on Miniflare, with a
// local target on 127.0.0.1: recorded timing kept at speed 2, a restart
// half-way, pause and resume, cancel, on_failure, the caps and the budget.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createBin, getJson, ingest } from "./support/api.mjs";
import { startTarget } from "./support/target.mjs";
import { startWorker } from "./support/worker.mjs";

let worker;
let target;
before(async () => {
  worker = await startWorker({ vars: { SEQUENCE_MAX_STEPS: "25", SEQUENCE_MAX_DURATION_SECONDS: "60", REPLAY_BACKOFF_BASE_MS: "50" } });
  target = await startTarget((n) => ({ status: target.received[n - 1].body.toString() === "fail me" ? 500 : 200 }));
});
after(async () => {
  await target.close();
  await worker.dispose();
});

async function binWith(n, { base = worker.url, path: sub = "" } = {}) {
  const bin = await createBin(base);
  const ids = [];
  for (let i = 1; i <= n; i++) ids.push((await (await ingest(base, bin.id, { path: sub, body: `step ${i}` })).json()).request_id);
  return { bin, ids };
}

function start(bin, order, { base = worker.url, token = bin.delete_token } = {}) {
  return fetch(`${base}/v1/bins/${bin.id}/sequences`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token && { "x-delete-token": token }) },
    body: JSON.stringify({ max_retries: 0, ...order }),
  });
}

async function started(bin, order, options) {
  const res = await start(bin, order, options);
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

const control = (bin, n, action, base = worker.url) =>
  fetch(`${base}/v1/bins/${bin.id}/sequences/${n}${action === "cancel" ? "" : `/${action}`}`, {
    method: action === "cancel" ? "DELETE" : "POST",
    headers: { "x-delete-token": bin.delete_token },
  });

const arrived = (bin, seen = target.received) => seen.filter((r) => r.url === `/${bin.id}`).map((r) => r.body.toString());

async function until(predicate, what, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test("20 captures with recorded gaps of 0-3 s, at speed 2, arrive in order at half their gaps", async () => {
  const bin = await createBin(worker.url);
  // A fixed pseudo-random series of gaps, so every run replays the same recording.
  let x = 7;
  const gaps = Array.from({ length: 19 }, () => ((x = (x * 1103515245 + 12345) % 2147483648), x % 3001));
  for (let i = 1; i <= 20; i++) {
    assert.equal((await ingest(worker.url, bin.id, { body: `step ${i}` })).status, 202);
    if (i < 20) await sleep(gaps[i - 1]);
  }
  const page = await getJson(`${worker.url}/v1/bins/${bin.id}/requests?limit=20`);
  const recorded = page.items.map((c) => Date.parse(c.received_at)).reverse();
  const seq = await started(bin, { target_url: `${target.url}/${bin.id}`, speed: 2 });
  assert.deepEqual([seq.status, seq.steps, seq.step], ["running", 20, 0]);
  await until(() => arrived(bin).length === 20, "all 20 steps", 60_000);
  assert.deepEqual(arrived(bin), Array.from({ length: 20 }, (_, i) => `step ${i + 1}`), "in order, each once");
  const times = target.received.filter((r) => r.url === `/${bin.id}`).map((r) => r.at);
  const errors = times.slice(1).map((t, i) => Math.abs((t - times[i]) - (recorded[i + 1] - recorded[i]) / 2));
  const sorted = [...errors].sort((a, b) => a - b);
  const within100 = errors.filter((e) => e <= 100).length / errors.length;
  console.log(`sequence timing at speed 2, 19 gaps: |error| p50 ${sorted[9].toFixed(0)} ms, p90 ${sorted[17].toFixed(0)} ms, max ${sorted[18].toFixed(0)} ms; ${(within100 * 100).toFixed(0)} % within 100 ms`);
  assert.ok(within100 >= 0.9, `90 % of gaps within 100 ms of half the original (${(within100 * 100).toFixed(0)} %)`);
  assert.ok(sorted[18] <= 250, `none off by more than 250 ms (max ${sorted[18].toFixed(0)} ms)`);
  await until(async () => (await getJson(`${worker.url}/v1/bins/${bin.id}/sequences/1`)).status === "done", "done");
  const done = await getJson(`${worker.url}/v1/bins/${bin.id}/sequences/1`);
  assert.deepEqual([done.step, done.sent, done.failed, done.next_at], [20, 20, 0, null]);
});

test("a sequence survives a runtime restart half-way: every step arrives, none twice", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "polyhook-sequence-"));
  const persisted = await startWorker({ persistTo: dir });
  try {
    const { bin } = await binWith(8, { base: persisted.url });
    await started(bin, { target_url: `${target.url}/${bin.id}`, interval_ms: 400 }, { base: persisted.url });
    await until(() => arrived(bin).length >= 3, "three steps before the restart");
    await persisted.restart();
    await until(() => arrived(bin).length >= 8, "every step after the restart");
    await sleep(1000);
    assert.deepEqual(arrived(bin), Array.from({ length: 8 }, (_, i) => `step ${i + 1}`), "all eight, in order, none twice");
    const done = await getJson(`${persisted.url}/v1/bins/${bin.id}/sequences/1`);
    assert.deepEqual([done.status, done.sent], ["done", 8]);
  } finally {
    await persisted.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});

test("pause holds the next steps, resume goes on from there; cancel ends it", async () => {
  const { bin } = await binWith(6);
  await started(bin, { target_url: `${target.url}/${bin.id}`, interval_ms: 300 });
  await until(() => arrived(bin).length >= 2, "two steps");
  const paused = await control(bin, 1, "pause");
  assert.equal(paused.status, 200);
  assert.equal((await paused.json()).status, "paused");
  assert.equal((await control(bin, 1, "pause")).status, 409, "already paused");
  await sleep(300); // a step in flight at the pause still ends
  const held = arrived(bin).length;
  await sleep(1200);
  assert.equal(arrived(bin).length, held, "nothing is sent while paused");
  assert.equal((await control(bin, 1, "resume")).status, 200);
  await until(() => arrived(bin).length === 6, "the rest after the resume");
  assert.deepEqual(arrived(bin), Array.from({ length: 6 }, (_, i) => `step ${i + 1}`));

  const { bin: other } = await binWith(6);
  await started(other, { target_url: `${target.url}/${other.id}`, interval_ms: 400 });
  await until(() => arrived(other).length >= 1, "one step");
  const cancelled = await control(other, 1, "cancel");
  assert.equal((await cancelled.json()).status, "cancelled");
  const sent = arrived(other).length;
  await sleep(1500);
  assert.ok(arrived(other).length <= sent + 1, "no step after the cancel but the one in flight");
  assert.equal((await control(other, 1, "resume")).status, 409);
});

test("on_failure: stop ends at the first dead-lettered step, continue goes on", async () => {
  for (const [onFailure, want] of [["stop", ["stopped", 1, 1, 2]], ["continue", ["done", 3, 1, 4]]]) {
    const bin = await createBin(worker.url);
    for (const body of ["step 1", "fail me", "step 3", "step 4"]) await ingest(worker.url, bin.id, { body });
    // The target answers "fail me" with 500; with max_retries 0 that step is dead-lettered at once.
    await started(bin, { target_url: `${target.url}/${bin.id}`, interval_ms: 100, on_failure: onFailure });
    await until(async () => (await getJson(`${worker.url}/v1/bins/${bin.id}/sequences/1`)).status !== "running", `${onFailure} settles`);
    await sleep(500);
    const s = await getJson(`${worker.url}/v1/bins/${bin.id}/sequences/1`);
    assert.deepEqual([s.status, s.sent, s.failed, arrived(bin).length], want, onFailure);
    const failed = await getJson(`${worker.url}/v1/bins/${bin.id}/replays?status=failed`);
    assert.equal(failed.items.length, 1, "the failed step is in the dead-letter queue, as any replay");
  }
});

test("caps, the owner's token and the replay budget bound what one start can send", async () => {
  const { bin, ids } = await binWith(3);
  const url = `${target.url}/${bin.id}`;
  assert.equal((await start(bin, { target_url: url }, { token: null })).status, 401, "the owner only");
  assert.equal((await start(bin, { target_url: url }, { token: "wrong" })).status, 401);
  const tooMany = await start(bin, { target_url: url, request_ids: Array.from({ length: 26 }, (_, i) => `${bin.id}-${i + 1}`) });
  assert.equal(tooMany.status, 400);
  assert.match((await tooMany.json()).details, /SEQUENCE_MAX_STEPS/);
  const slow = await start(bin, { target_url: url, speed: 0.1, request_ids: [ids[0], ids[2]] });
  assert.equal(slow.status, 201, "a short recording at a tenth of its speed still fits");
  const { bin: recorded } = await binWith(0);
  for (const body of ["a", "b"]) {
    await ingest(worker.url, recorded.id, { body });
    await sleep(body === "a" ? 7000 : 0);
  }
  const long = await start(recorded, { target_url: url, speed: 0.1 });
  assert.equal(long.status, 400, "70 s at speed 0.1 passes SEQUENCE_MAX_DURATION_SECONDS (60)");
  assert.match((await long.json()).details, /SEQUENCE_MAX_DURATION_SECONDS/);
  assert.equal((await start(bin, { target_url: url, query: "q=secret" })).status, 400);
  assert.equal((await start(bin, { target_url: `${worker.url}/v1/bins/${bin.id}/in` })).status, 400, "never into the service itself");
});

test("every step draws on its starter's replay budget, so one start cannot become a flood", async () => {
  const tight = await startWorker({ vars: { REPLAY_LIMIT_BURST: "3", REPLAY_LIMIT_PER_MINUTE: "60" } });
  try {
    const { bin } = await binWith(6, { base: tight.url });
    const t0 = Date.now();
    await started(bin, { target_url: `${target.url}/${bin.id}`, interval_ms: 0 }, { base: tight.url });
    await sleep(700);
    // The start took one token and the burst is 3: two steps now, then about one a second.
    assert.ok(arrived(bin).length <= 3, `at most the burst at first, got ${arrived(bin).length}`);
    const waiting = await getJson(`${tight.url}/v1/bins/${bin.id}/sequences/1`);
    assert.ok(waiting.next_at === null || Date.parse(waiting.next_at) > t0, "the next step waits for a token");
    await until(() => arrived(bin).length === 6, "every step, in time");
    assert.deepEqual(arrived(bin), Array.from({ length: 6 }, (_, i) => `step ${i + 1}`));
  } finally {
    await tight.dispose();
  }
});
