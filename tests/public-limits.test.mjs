// Running in public, limits: IPv6 clients are one client per /64, bin
// creation has a service-wide ceiling, retention counts every stored byte,
// a full bin keeps exactly its newest captures (their replays evicted with
// them), and a failing alarm cannot stop a bin from expiring.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startWorker, withWorker } from "./support/worker.mjs";
import { createBin, ingest, ingestOk, getJson, assertError } from "./support/api.mjs";
import { subscribe } from "./support/sse.mjs";
import { startTarget } from "./support/target.mjs";

test("two IPv6 addresses in one /64 share a bucket; another /64 has its own", async () => {
  const vars = { RATE_LIMIT_PER_SECOND: "1", RATE_LIMIT_BURST: "2", CREATE_LIMIT_PER_MINUTE: "1", CREATE_LIMIT_BURST: "1" };
  await withWorker({ vars }, async ({ url }) => {
    const bin = await createBin(url);
    const from = (ip) => ({ headers: { "cf-connecting-ip": ip }, body: "x" });
    assert.equal((await ingest(url, bin.id, from("2001:db8:7:7::1"))).status, 202);
    assert.equal((await ingest(url, bin.id, from("2001:db8:7:7:ffff::2"))).status, 202);
    await assertError(await ingest(url, bin.id, from("2001:db8:7:7::3")), 429);
    assert.equal((await ingest(url, bin.id, from("2001:db8:7:8::1"))).status, 202);
    const create = (ip) => fetch(`${url}/v1/bins`, { method: "POST", headers: { "cf-connecting-ip": ip } });
    assert.equal((await create("2001:db8:9:9::1")).status, 201);
    await assertError(await create("2001:db8:9:9::abcd"), 429);
  });
});

test("bin creation has a service-wide ceiling, whatever the address (one shard: exact)", async () => {
  await withWorker({ vars: { CREATE_GLOBAL_PER_MINUTE: "3", CREATE_GLOBAL_SHARDS: "1" } }, async ({ url }) => {
    const create = (n) => fetch(`${url}/v1/bins`, { method: "POST", headers: { "cf-connecting-ip": `192.0.2.${n}` } });
    for (let n = 1; n <= 3; n += 1) assert.equal((await create(n)).status, 201);
    const res = await create(4);
    await assertError(res, 429);
    assert.ok(Number(res.headers.get("retry-after")) >= 1);
  });
});

test("the ceiling split over shards never admits more than the ceiling, and every shard takes its part", async () => {
  await withWorker({ vars: { CREATE_GLOBAL_PER_MINUTE: "8", CREATE_GLOBAL_SHARDS: "4" } }, async ({ url }) => {
    const create = (n) => fetch(`${url}/v1/bins`, { method: "POST", headers: { "cf-connecting-ip": `198.51.100.${n}` } });
    let created = 0;
    for (let n = 1; n <= 60; n += 1) {
      const res = await create(n);
      if (res.status === 201) created += 1;
      else await assertError(res, 429);
    }
    // Four shards with a burst of two each: 60 addresses reach all four, and no more than 8 pass.
    assert.equal(created, 8);
  });
});

test("retention counts headers, not only bodies: header-heavy captures stay under the cap", async () => {
  const cap = 40_000;
  await withWorker({ vars: { MAX_BODY_BYTES: "1000", MAX_STORED_BYTES_PER_BIN: String(cap) } }, async ({ url }) => {
    const bin = await createBin(url);
    const headers = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`x-pad-${i}`, "h".repeat(1000)]));
    for (let i = 0; i < 20; i += 1) await ingestOk(url, bin.id, { headers, body: "" });
    const kept = (await getJson(`${url}/v1/bins/${bin.id}/requests?limit=100`)).items;
    const headerBytes = (c) => Object.entries(c.headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
    const stored = kept.reduce((n, c) => n + headerBytes(c), 0);
    assert.ok(kept.length < 20, `older captures were evicted (${kept.length} kept)`);
    assert.ok(stored <= cap, `${stored} header bytes kept under a ${cap}-byte cap`);
    assert.equal(kept[0].seq, 20, "the newest stays");
  });
});

test("an alarm run that fails still re-arms, so the bin expires on time", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "polyhook-alarm-"));
  const target = await startTarget(() => ({ status: 503 }));
  // The bin outlives the replay's lease (timeout + 5 s grace) by seconds, so the failure comes first.
  const vars = { BIN_TTL_SECONDS: "10", REPLAY_BACKOFF_BASE_MS: "1500", REPLAY_TIMEOUT_MS: "500" };
  try {
    let worker = await startWorker({ vars, persistTo: dir });
    const bin = await createBin(worker.url);
    const { request_id } = await ingestOk(worker.url, bin.id, { body: "x" });
    const order = { target_url: `${target.url}/down`, max_retries: 5 };
    await fetch(`${worker.url}/v1/bins/${bin.id}/requests/${request_id}/replay`, { method: "POST", body: JSON.stringify(order) });
    while (target.received.length < 1) await new Promise((r) => setTimeout(r, 20));
    await worker.dispose();
    // Inject the failure: the next alarm's attempt cannot be recorded.
    const objects = path.join(dir, "polyhook-rs-BinObject");
    for (const file of (await readdir(objects)).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")) {
      execFileSync("python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DROP TABLE replay_attempts'); c.commit()", path.join(objects, file)]);
    }
    const errors = [];
    worker = await startWorker({ vars, persistTo: dir, onLine: () => {}, onErrorLine: (l) => errors.push(l) });
    try {
      const sub = subscribe(`${worker.url}/v1/bins/${bin.id}/stream`);
      try {
        await sub.until((ev) => ev.some((e) => e.type === "expired"), 20_000, "the expired event");
      } finally {
        sub.close();
      }
      assert.ok(errors.some((l) => /alarm: .*replay_attempts/.test(l)), `the injected failure happened: ${errors.join("\n")}`);
    } finally {
      await worker.dispose();
    }
  } finally {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("sequence numbers never go back, even when eviction takes every capture", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "polyhook-seq-"));
  const vars = { MAX_BODY_BYTES: "1000", MAX_STORED_BYTES_PER_BIN: "1000" };
  try {
    let worker = await startWorker({ vars, persistTo: dir });
    const bin = await createBin(worker.url);
    const first = await ingestOk(worker.url, bin.id, { body: "z".repeat(1000) });
    assert.equal((await getJson(`${worker.url}/v1/bins/${bin.id}/requests`)).items.length, 0, "the capture alone was over the cap");
    await worker.dispose();
    worker = await startWorker({ vars, persistTo: dir });
    try {
      const next = await ingestOk(worker.url, bin.id, { body: "small" });
      assert.equal(next.seq, first.seq + 1, "no request id is ever reused");
    } finally {
      await worker.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a full bin keeps exactly its newest captures, and an evicted capture's finished replays go with it", async () => {
  const target = await startTarget(() => ({ status: 200 }));
  try {
    await withWorker({ vars: { MAX_CAPTURES_PER_BIN: "3" } }, async ({ url }) => {
      const bin = await createBin(url);
      const first = await ingestOk(url, bin.id, { body: "replayed" });
      const order = { method: "POST", body: JSON.stringify({ target_url: `${target.url}/hook` }) };
      const started = await fetch(`${url}/v1/bins/${bin.id}/requests/${first.request_id}/replay`, order);
      assert.equal(started.status, 202);
      const { replay_id } = await started.json();
      const deadline = Date.now() + 20_000;
      while ((await getJson(`${url}/v1/replays/${replay_id}`)).status !== "succeeded") {
        assert.ok(Date.now() < deadline, "the replay succeeds");
        await new Promise((r) => setTimeout(r, 25));
      }
      for (let i = 0; i < 2; i += 1) await ingestOk(url, bin.id, { body: "kept" });
      assert.equal((await getJson(`${url}/v1/bins/${bin.id}/replays`)).items.length, 1, "kept while its capture is");
      for (let i = 0; i < 4; i += 1) {
        await ingestOk(url, bin.id, { body: "newer" });
        const seqs = (await getJson(`${url}/v1/bins/${bin.id}/requests`)).items.map((c) => c.seq);
        assert.deepEqual(seqs, [i + 4, i + 3, i + 2], "one evicted per capture taken: exactly the newest three");
      }
      assert.equal((await getJson(`${url}/v1/bins/${bin.id}/replays`)).items.length, 0, "evicted with its capture");
      await assertError(await fetch(`${url}/v1/replays/${replay_id}`), 404);
    });
  } finally {
    await target.close();
  }
});
