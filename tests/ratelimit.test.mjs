// Per-IP token buckets on ingest and on bin creation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { withWorker } from "./support/worker.mjs";
import { createBin, ingest, assertError } from "./support/api.mjs";

const from = (ip, extra = {}) => ({ headers: { "cf-connecting-ip": ip, ...extra } });

test("a burst of 30 passes, the 31st gets 429 with the rate-limit headers", async () => {
  await withWorker({ vars: { RATE_LIMIT_PER_SECOND: "1", RATE_LIMIT_BURST: "30" } }, async (w) => {
    const bin = await createBin(w.url);
    const burst = await Promise.all(Array.from({ length: 30 }, () => ingest(w.url, bin.id, from("198.51.100.1"))));
    assert.deepEqual(burst.map((r) => r.status), Array(30).fill(202));
    assert.equal(burst[0].headers.get("x-ratelimit-limit"), "30");
    const remaining = burst.map((r) => Number(r.headers.get("x-ratelimit-remaining"))).sort((a, b) => a - b);
    assert.equal(remaining[0], 0);
    const refused = await ingest(w.url, bin.id, from("198.51.100.1"));
    const body = await assertError(refused, 429);
    assert.equal(body.error, "too many requests");
    assert.equal(refused.headers.get("x-ratelimit-limit"), "30");
    assert.equal(refused.headers.get("x-ratelimit-remaining"), "0");
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    const reset = Number(refused.headers.get("x-ratelimit-reset"));
    assert.ok(reset > Date.now() / 1000 && reset <= Date.now() / 1000 + 31, `reset ${reset}`);
  });
});

test("the bucket refills on time", async () => {
  await withWorker({ vars: { RATE_LIMIT_PER_SECOND: "5", RATE_LIMIT_BURST: "1" } }, async (w) => {
    const bin = await createBin(w.url);
    assert.equal((await ingest(w.url, bin.id, from("198.51.100.2"))).status, 202);
    const refused = await ingest(w.url, bin.id, from("198.51.100.2"));
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "1");
    await sleep(300); // 5 tokens/s: one token after 200 ms
    assert.equal((await ingest(w.url, bin.id, from("198.51.100.2"))).status, 202);
  });
});

test("two IPs are limited independently; X-Forwarded-For is not trusted", async () => {
  await withWorker({ vars: { RATE_LIMIT_PER_SECOND: "1", RATE_LIMIT_BURST: "2" } }, async (w) => {
    const bin = await createBin(w.url);
    for (let i = 0; i < 2; i += 1) assert.equal((await ingest(w.url, bin.id, from("198.51.100.3"))).status, 202);
    assert.equal((await ingest(w.url, bin.id, from("198.51.100.3"))).status, 429);
    const spoofed = await ingest(w.url, bin.id, from("198.51.100.3", { "x-forwarded-for": "203.0.113.99" }));
    assert.equal(spoofed.status, 429, "a client-sent X-Forwarded-For does not buy a new bucket");
    assert.equal((await ingest(w.url, bin.id, from("198.51.100.4"))).status, 202);
  });
});

test("bin creation is limited per IP", async () => {
  await withWorker({ vars: { CREATE_LIMIT_PER_MINUTE: "1", CREATE_LIMIT_BURST: "2" } }, async (w) => {
    const create = (ip) => fetch(`${w.url}/v1/bins`, { method: "POST", headers: { "cf-connecting-ip": ip } });
    for (let i = 0; i < 2; i += 1) {
      const ok = await create("198.51.100.5");
      assert.equal(ok.status, 201);
      assert.equal(ok.headers.get("x-ratelimit-limit"), "2");
    }
    const refused = await create("198.51.100.5");
    await assertError(refused, 429);
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    assert.equal((await create("198.51.100.6")).status, 201, "another IP is unaffected");
  });
});
