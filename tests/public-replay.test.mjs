// Running in public, replays: an anonymous client cannot make the service
// loop, amplify, overload itself, or retry orders that can never succeed.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { withWorker } from "./support/worker.mjs";
import { createBin, ingestOk, getJson, assertError } from "./support/api.mjs";
import { startTarget } from "./support/target.mjs";

const FAST = { REPLAY_BACKOFF_BASE_MS: "50", REPLAY_TIMEOUT_MS: "3000" };

function startReplay(base, bin, rid, order, headers = {}) {
  return fetch(`${base}/v1/bins/${bin}/requests/${rid}/replay`, { method: "POST", body: JSON.stringify(order), headers });
}

async function replays(base, bin) {
  return (await getJson(`${base}/v1/bins/${bin}/replays?limit=100`)).items;
}

test("self-replay: every target on our own hosts is refused, and a replay cannot start another", async () => {
  const vars = { ...FAST, PUBLIC_URL: "https://hooks.example.test" };
  await withWorker({ vars }, async ({ url }) => {
    const bin = await createBin(url);
    const self = `${url}/v1/bins/${bin.id}/requests/${bin.id}-1/replay`;
    const { request_id } = await ingestOk(url, bin.id, { body: JSON.stringify({ target_url: self, max_retries: 0 }) });
    for (const target of [self, "https://HOOKS.example.test./v1/bins/x/in", "https://hooks.example.test:8443/anything"]) {
      const body = await assertError(await startReplay(url, bin.id, request_id, { target_url: target }), 400);
      assert.match(body.details, /loop/, target);
    }
    // Another name for the same service passes the host check, but the
    // delivery carries x-polyhook-replay-of, so it cannot start the next link.
    const other = self.replace("127.0.0.1", "localhost");
    const res = await startReplay(url, bin.id, request_id, { target_url: other, max_retries: 0 });
    assert.equal(res.status, 202);
    const { replay_id } = await res.json();
    for (let i = 0; i < 100 && (await getJson(`${url}/v1/replays/${replay_id}`)).status !== "failed"; i += 1) await sleep(50);
    const done = await getJson(`${url}/v1/replays/${replay_id}`);
    assert.equal(done.history[0].status_code, 400, "our own service refused the relayed order");
    await sleep(500);
    assert.equal((await replays(url, bin.id)).length, 1, "the chain stopped after one link");
  });
});

test("replay starts draw on a per-client budget, and each bin caps its pending replays", async () => {
  const target = await startTarget(() => ({ hang: true }));
  const vars = { ...FAST, REPLAY_LIMIT_PER_MINUTE: "1", REPLAY_LIMIT_BURST: "3", REPLAY_MAX_PENDING: "2" };
  try {
    await withWorker({ vars }, async ({ url }) => {
      const bin = await createBin(url);
      const { request_id } = await ingestOk(url, bin.id, { body: "x" });
      const order = { target_url: `${target.url}/hook`, max_retries: 0 };
      const ip = (n) => ({ "cf-connecting-ip": `198.51.100.${n}` });
      assert.equal((await startReplay(url, bin.id, request_id, order, ip(1))).status, 202);
      assert.equal((await startReplay(url, bin.id, request_id, order, ip(1))).status, 202);
      const full = await startReplay(url, bin.id, request_id, order, ip(1));
      const body = await assertError(full, 429);
      assert.match(body.error, /pending/);
      assert.ok(Number(full.headers.get("retry-after")) > 0);
      const limited = await startReplay(url, bin.id, request_id, order, ip(1));
      await assertError(limited, 429);
      assert.equal(limited.headers.get("x-ratelimit-remaining"), "0", "the fourth start is over the client's budget");
      const elsewhere = await startReplay(url, bin.id, request_id, order, ip(2));
      assert.match((await assertError(elsewhere, 429)).error, /pending/, "another client meets only the bin's cap");
    });
  } finally {
    await target.close();
  }
});

test("a replay can be retried only REPLAY_MAX_RETRY_ROUNDS times", async () => {
  const target = await startTarget(() => ({ status: 404 }));
  try {
    await withWorker({ vars: { ...FAST, REPLAY_MAX_RETRY_ROUNDS: "1" } }, async ({ url }) => {
      const bin = await createBin(url);
      const { request_id } = await ingestOk(url, bin.id, { body: "x" });
      const res = await startReplay(url, bin.id, request_id, { target_url: `${target.url}/gone`, max_retries: 0 });
      const { replay_id } = await res.json();
      const failed = async () => {
        for (let i = 0; i < 100 && (await getJson(`${url}/v1/replays/${replay_id}`)).status !== "failed"; i += 1) await sleep(25);
      };
      await failed();
      assert.equal((await fetch(`${url}/v1/replays/${replay_id}/retry`, { method: "POST" })).status, 202);
      await failed();
      const again = await assertError(await fetch(`${url}/v1/replays/${replay_id}/retry`, { method: "POST" }), 409);
      assert.match(again.error, /too often/);
      assert.equal(target.received.length, 2);
    });
  } finally {
    await target.close();
  }
});

/** A target that never answers and counts how many requests it holds at once. */
async function holdingTarget() {
  const seen = { open: 0, most: 0, total: 0 };
  const server = http.createServer((req, res) => {
    seen.open += 1;
    seen.total += 1;
    seen.most = Math.max(seen.most, seen.open);
    res.on("close", () => { seen.open -= 1; });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  return { url: `http://127.0.0.1:${server.address().port}`, seen, close };
}

test("one bin runs at most REPLAY_MAX_CONCURRENT attempts at once; the rest wait their turn", async () => {
  const target = await holdingTarget();
  try {
    // The first attempt keeps the alarm busy while four more queue up, so
    // the next alarm finds four due at once.
    const vars = { REPLAY_BACKOFF_BASE_MS: "50", REPLAY_TIMEOUT_MS: "800", REPLAY_MAX_CONCURRENT: "2" };
    await withWorker({ vars }, async ({ url }) => {
      const bin = await createBin(url);
      const { request_id } = await ingestOk(url, bin.id, { body: "x" });
      for (let i = 0; i < 5; i += 1) {
        const res = await startReplay(url, bin.id, request_id, { target_url: `${target.url}/slow`, max_retries: 0 });
        assert.equal(res.status, 202);
      }
      for (let i = 0; i < 200 && target.seen.total < 5; i += 1) await sleep(25);
      assert.equal(target.seen.total, 5, "every replay got its attempt in the end");
      assert.equal(target.seen.most, 2, "never more than two at once");
    });
  } finally {
    await target.close();
  }
});

/** Sends a request whose method fetch refuses to send (TRACE). */
function rawRequest(url, method) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, (res) => {
      let text = "";
      res.on("data", (c) => { text += c; });
      res.on("end", () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("orders that can never succeed are refused up front", async () => {
  await withWorker({ vars: FAST }, async ({ url }) => {
    const bin = await createBin(url);
    const { request_id } = await ingestOk(url, bin.id, { body: "x" });
    const creds = await assertError(await startReplay(url, bin.id, request_id, { target_url: "http://u:p@127.0.0.1:9/" }), 400);
    assert.match(creds.details, /credentials/);
    const trace = await rawRequest(`${url}/v1/bins/${bin.id}/in`, "TRACE");
    assert.equal(trace.status, 202);
    const refused = await assertError(await startReplay(url, bin.id, trace.json.request_id, { target_url: "http://127.0.0.1:9/" }), 400);
    assert.match(refused.details, /TRACE/);
    assert.equal((await replays(url, bin.id)).length, 0);
  });
});
