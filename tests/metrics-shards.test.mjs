// /metrics over METRICS_SHARDS aggregator objects: the same traffic gives
// the same exposition with one shard and with eight, the shards' own parts
// add up to the whole, and lowering the setting on a running service
// drops nothing from the sum.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startWorker, withWorker } from "./support/worker.mjs";
import { createBin, ingestOk, assertError } from "./support/api.mjs";
import { scrape, scrapeUntil, value } from "./support/metrics.mjs";

/** The same traffic on any service: 12 bins, 3 captures each, one deleted. */
async function traffic(url) {
  const bins = [];
  for (let i = 0; i < 12; i += 1) bins.push(await createBin(url));
  for (const [i, bin] of bins.entries()) {
    for (let n = 0; n < 3; n += 1) await ingestOk(url, bin.id, { method: ["POST", "PUT", "PATCH"][n], body: "x".repeat(i + n) });
  }
  const gone = await fetch(`${url}/v1/bins/${bins[0].id}`, { method: "DELETE", headers: { "X-Delete-Token": bins[0].delete_token } });
  assert.equal(gone.status, 204);
  return scrapeUntil(url, (t) => value(t, "polyhook_ingest_total") === 36 && value(t, "polyhook_bins_deleted_total") === 1, "the traffic counted");
}

/**
 * The exposition without what depends on timing: how long each capture
 * took (the count stays), and how many batches the sources' flushes made.
 */
const TIMED = /^polyhook_(ingest_duration_seconds_(bucket|sum)|metrics_batches_total|metrics_flush_seconds_total) /;
const timeless = (text) => text.split("\n").filter((l) => !TIMED.test(l.replace(/\{.*\}/, ""))).join("\n");

test("one shard or eight: the same traffic renders the same exposition, and the shards' parts add up", async () => {
  const one = await withWorker({ vars: { METRICS_SHARDS: "1" } }, async ({ url }) => traffic(url));
  await withWorker({ vars: { METRICS_SHARDS: "8" } }, async ({ url }) => {
    const eight = await traffic(url);
    assert.equal(timeless(eight), timeless(one));
    let sum = 0;
    let used = 0;
    for (let k = 0; k < 8; k += 1) {
      const part = value(await scrape(url, `?shard=${k}`), "polyhook_ingest_total");
      sum += part;
      used += part > 0 ? 1 : 0;
    }
    assert.equal(sum, 36, "every capture counted once, on one shard");
    assert.ok(used >= 3, `the bins spread over the shards (${used} of 8 used)`);
    await assertError(await fetch(`${url}/metrics?shard=256`), 400);
  });
});

/** Each of `shards` shards' own count of captures. */
async function parts(url, shards) {
  const out = [];
  for (let k = 0; k < shards; k += 1) out.push(value(await scrape(url, `?shard=${k}`), "polyhook_ingest_total"));
  return out;
}

/** The shard whose count went up between `a` and `b`. */
const grown = (a, b) => b.findIndex((n, k) => n > (a[k] ?? 0));

/** A bin whose captures land on a shard past 1, and that shard: found by sending one capture at a time. */
async function binOnHighShard(url) {
  for (let tries = 0; tries < 20; tries += 1) {
    const bin = await createBin(url);
    const before = await parts(url, 8);
    await ingestOk(url, bin.id, { body: "probe" });
    let after = before;
    for (let i = 0; i < 50 && grown(before, after) < 0; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      after = await parts(url, 8);
    }
    if (grown(before, after) >= 2) return { bin, shard: grown(before, after) };
  }
  throw new Error("no bin landed past shard 1 in 20 tries");
}

test("lowering METRICS_SHARDS on a running service keeps every count, and a bin keeps its shard", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "polyhook-shards-"));
  try {
    const before = await startWorker({ persistTo: dir, vars: { METRICS_SHARDS: "8" } });
    let counted;
    let probe;
    try {
      await traffic(before.url);
      probe = await binOnHighShard(before.url);
      // A full scrape may still be the isolate's cached one (METRICS_CACHE_MS) from
      // before the probe; the shards' own parts are never cached, so wait for it to match them.
      const sum = (await parts(before.url, 8)).reduce((a, b) => a + b, 0);
      counted = await scrapeUntil(before.url, (t) => value(t, "polyhook_ingest_total") === sum, "the probe in the full scrape");
    } finally {
      await before.dispose();
    }
    const after = await startWorker({ persistTo: dir, vars: { METRICS_SHARDS: "2" } });
    try {
      const text = await scrape(after.url);
      const total = value(text, "polyhook_ingest_total");
      assert.equal(total, value(counted, "polyhook_ingest_total"), "the shards beyond 2 are still read");
      for (const [name, labels] of [["polyhook_captures_total", 'method="PATCH"'], ["polyhook_captured_bytes_total", ""],
        ["polyhook_bins_created_total", ""], ["polyhook_bins_deleted_total", ""], ["polyhook_bins_live", ""]]) {
        assert.equal(value(text, name, labels), value(counted, name, labels), `${name}{${labels}} kept`);
      }
      // The probe bin, made under 8 shards, still reports to its own shard under 2.
      const ahead = await parts(after.url, 8);
      await ingestOk(after.url, probe.bin.id, { body: "after the change" });
      await scrapeUntil(after.url, (t) => value(t, "polyhook_ingest_total") === total + 1, "the probe's capture");
      assert.equal(grown(ahead, await parts(after.url, 8)), probe.shard);
    } finally {
      await after.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a full scrape is answered from the isolate's last one within METRICS_CACHE_MS; one shard's part is always read", async () => {
  await withWorker({ vars: { METRICS_CACHE_MS: "60000", METRICS_SHARDS: "4" } }, async ({ url }) => {
    /** Captures counted, from every shard's own (never cached) part. */
    const counted = async () => (await parts(url, 4)).reduce((a, b) => a + b, 0);
    const until = async (n) => {
      for (let i = 0; i < 50 && (await counted()) !== n; i += 1) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await counted(), n);
    };
    const bin = await createBin(url);
    await ingestOk(url, bin.id, { body: "one" });
    await until(1);
    assert.equal(value(await scrape(url), "polyhook_ingest_total"), 1, "the first full scrape reads the shards");
    await ingestOk(url, bin.id, { body: "two" });
    await until(2);
    assert.equal(value(await scrape(url), "polyhook_ingest_total"), 1, "a repeat within the window is the cached scrape");
  });
});
