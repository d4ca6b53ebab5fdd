// /metrics: one Prometheus scrape over every bin, fed by batched deltas.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { withWorker } from "./support/worker.mjs";
import { createBin, ingestOk, ingest, getJson } from "./support/api.mjs";
import { subscribe } from "./support/sse.mjs";
import { startTarget } from "./support/target.mjs";
import { scrape, scrapeUntil, value } from "./support/metrics.mjs";

test("captures across several bins add up in one scrape", async () => {
  await withWorker({}, async ({ url }) => {
    const bins = [await createBin(url), await createBin(url), await createBin(url)];
    for (const [i, bin] of bins.entries()) {
      for (let n = 0; n <= i; n++) await ingestOk(url, bin.id, { method: n % 2 ? "PUT" : "POST", body: "12345" });
      await ingestOk(url, bin.id, { method: "PROPFIND", body: "" });
    }
    const text = await scrapeUntil(url, (t) => value(t, "polyhook_ingest_total") === 9, "9 captures");
    assert.equal(value(text, "polyhook_captures_total", 'method="POST"'), 4);
    assert.equal(value(text, "polyhook_captures_total", 'method="PUT"'), 2);
    assert.equal(value(text, "polyhook_captures_total", 'method="OTHER"'), 3, "invented methods share one series");
    assert.equal(value(text, "polyhook_captured_bytes_total"), 30);
    assert.equal(value(text, "polyhook_ingest_duration_seconds_count"), 9);
    assert.equal(value(text, "polyhook_ingest_duration_seconds_bucket", 'le="+Inf"'), 9);
    assert.equal(value(text, "polyhook_bins_created_total"), 3);
    assert.equal(value(text, "polyhook_bins_live"), 3);

    const res = await fetch(`${url}/v1/bins/${bins[0].id}`, { method: "DELETE", headers: { "X-Delete-Token": bins[0].delete_token } });
    assert.equal(res.status, 204);
    const after = await scrapeUntil(url, (t) => value(t, "polyhook_bins_deleted_total") === 1, "a deleted bin");
    assert.equal(value(after, "polyhook_bins_live"), 2);
  });
});

test("promtool accepts the exposition, with traffic of every kind", async () => {
  const target = await startTarget(() => ({ status: 200 }));
  try {
    const vars = { RATE_LIMIT_PER_SECOND: "1", RATE_LIMIT_BURST: "1", BIN_TTL_SECONDS: "2" };
    await withWorker({ vars }, async ({ url }) => {
      const bin = await createBin(url);
      const { request_id } = await ingestOk(url, bin.id, { body: '{"a":1}' });
      assert.equal((await ingest(url, bin.id, { body: "x" })).status, 429);
      const order = JSON.stringify({ target_url: target.url });
      const started = await fetch(`${url}/v1/bins/${bin.id}/requests/${request_id}/replay`, { method: "POST", body: order });
      assert.equal(started.status, 202);
      const text = await scrapeUntil(
        url,
        (t) => value(t, "polyhook_replays_total", 'outcome="succeeded"') === 1 && value(t, "polyhook_bins_expired_total") === 1,
        "a replay and an expiry",
      );
      assert.equal(value(text, "polyhook_replay_attempts_total"), 1);
      assert.equal(value(text, "polyhook_rate_limited_total", 'route="ingest"'), 1);
      const lint = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      assert.equal(lint.error, undefined, "promtool must be installed (scripts/setup.sh installs it)");
      assert.equal(lint.status, 0, lint.stdout + lint.stderr);
      assert.equal((lint.stdout + lint.stderr).trim(), "", "no lint warnings");
    });
  } finally {
    await target.close();
  }
});

test("the stream gauge follows subscribers, and SSE events are counted", async () => {
  await withWorker({ vars: { SSE_KEEPALIVE_SECONDS: "1" } }, async ({ url }) => {
    const bin = await createBin(url);
    const a = subscribe(`${url}/v1/bins/${bin.id}/stream`);
    const b = subscribe(`${url}/v1/bins/${bin.id}/stream`);
    await Promise.all([a.opened, b.opened]);
    await scrapeUntil(url, (t) => value(t, "polyhook_sse_clients") === 2, "two streams");
    await ingestOk(url, bin.id, { body: "hi" });
    await scrapeUntil(url, (t) => value(t, "polyhook_sse_events_sent_total") === 2, "two deliveries");
    a.es.close();
    b.es.close();
    await scrapeUntil(url, (t) => value(t, "polyhook_sse_clients") === 0, "no streams");
  });
});

test("a bin at its stream cap answers new streams with a retry hint, never 429 or 5xx", async () => {
  await withWorker({ vars: { SSE_MAX_SUBSCRIBERS: "1" } }, async ({ url }) => {
    const bin = await createBin(url);
    const first = subscribe(`${url}/v1/bins/${bin.id}/stream`);
    await first.opened;
    const res = await fetch(`${url}/v1/bins/${bin.id}/stream`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^text\/event-stream/);
    const body = await res.text(); // ends by itself
    const retry = Number(/^retry: (\d+)$/m.exec(body)?.[1]);
    assert.ok(retry >= 10_000 && retry < 20_000, body);
    assert.doesNotMatch(body, /^(event|data|id):/m);
    await ingestOk(url, bin.id, { body: "still served" });
    await first.until((events) => events.length === 1, 15_000, "the first stream still served");
    await scrapeUntil(url, (t) => value(t, "polyhook_sse_refused_total") === 1, "one refusal");
    first.es.close();
  });
});

test("counters survive a restart of the runtime with persisted storage", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "polyhook-metrics-"));
  try {
    let before;
    await withWorker({ persistTo: dir }, async ({ url }) => {
      const bin = await createBin(url);
      for (let i = 0; i < 3; i++) await ingestOk(url, bin.id, { body: "abc" });
      before = await scrapeUntil(url, (t) => value(t, "polyhook_ingest_total") === 3, "3 captures");
    });
    await withWorker({ persistTo: dir }, async ({ url }) => {
      const text = await scrape(url);
      for (const name of ["polyhook_ingest_total", "polyhook_captured_bytes_total", "polyhook_bins_created_total"]) {
        assert.equal(value(text, name), value(before, name), name);
      }
      const bin = await createBin(url);
      await ingestOk(url, bin.id, { body: "d" });
      const later = await scrapeUntil(url, (t) => value(t, "polyhook_ingest_total") === 4, "a 4th capture");
      assert.equal(value(later, "polyhook_bins_created_total"), 2);
      assert.equal(value(later, "polyhook_captured_bytes_total"), 10);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bin creation refused for rate shows under its route", async () => {
  await withWorker({ vars: { CREATE_LIMIT_PER_MINUTE: "1", CREATE_LIMIT_BURST: "1" } }, async ({ url }) => {
    await createBin(url);
    assert.equal((await fetch(`${url}/v1/bins`, { method: "POST" })).status, 429);
    await scrapeUntil(url, (t) => value(t, "polyhook_rate_limited_total", 'route="create_bin"') === 1, "a create refusal");
    await getJson(`${url}/healthz`);
  });
});
