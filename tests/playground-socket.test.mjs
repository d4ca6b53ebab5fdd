// The playground's live feed over a WebSocket in headless Chromium: the
// default transport, a restart and a longer outage that lose nothing, the
// fallback to SSE on a service without /ws, and the bin sleeping under
// the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "./support/worker.mjs";
import { ingestOk } from "./support/api.mjs";
import { withoutSockets } from "./support/proxy.mjs";
import { playgroundSuite, withPage, connState, waitLive, createViaPage, waitRow, feedSeqs, recordSockets, recordStreamRequests } from "./support/browser.mjs";

playgroundSuite();

const transport = (page) => page.getAttribute("#conn", "data-transport");

test("the page follows a bin over a WebSocket; a restart and a longer outage lose nothing, each seq once", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "polyhook-socket-page-"));
  const first = await startWorker({ persistTo: dir });
  let back = null;
  try {
    await withPage(first.url, {}, async ({ page }) => {
      const sockets = recordSockets(page);
      const streams = recordStreamRequests(page);
      const { id } = await createViaPage(page);
      await waitLive(page);
      assert.equal(await transport(page), "websocket");
      for (let i = 1; i <= 3; i += 1) await ingestOk(first.url, id, { body: `before ${i}` });
      await waitRow(page, 3);

      // 1. The runtime restarts (as a deploy does): every socket drops; captures arrive before the page is back.
      await first.restart();
      for (let i = 4; i <= 6; i += 1) await ingestOk(first.url, id, { body: `just after ${i}` });
      await waitRow(page, 6);
      assert.ok(sockets.some((q) => q.get("last_event_id") === "3"), "the page resumed after seq 3");

      // 2. No runtime at all for a while: the page keeps trying, then resumes where it was.
      const port = Number(new URL(first.url).port);
      await first.dispose();
      await page.waitForFunction(() => ["reconnecting", "lost"].includes(document.getElementById("conn").dataset.state), null, { timeout: 15_000 });
      back = await startWorker({ persistTo: dir, port });
      for (let i = 7; i <= 9; i += 1) await ingestOk(back.url, id, { body: `restored ${i}` });
      await waitRow(page, 9);
      await ingestOk(back.url, id, { body: "live 10" });
      await waitRow(page, 10);
      await sleep(500); // a duplicate, if there were one, would arrive now
      assert.deepEqual(await feedSeqs(page), Array.from({ length: 10 }, (_, i) => 10 - i), "1..10, newest first, each once");
      assert.equal(await connState(page), "live");
      assert.equal(await transport(page), "websocket", "an outage is not a reason to leave the socket");
      assert.equal(streams.length, 0, "no SSE stream was opened");
    });
  } finally {
    await back?.dispose();
    await first.dispose().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
});

test("on a service without /ws the page falls back to SSE and misses nothing", async () => {
  const worker = await startWorker();
  const proxy = await withoutSockets(worker.url);
  try {
    await withPage(proxy.url, {}, async ({ page }) => {
      const { id } = await createViaPage(page);
      await ingestOk(worker.url, id, { body: "while trying the socket" });
      await page.waitForSelector('#conn[data-transport="sse"][data-state="live"]', { timeout: 15_000 });
      await ingestOk(worker.url, id, { body: "over SSE" });
      await waitRow(page, 2);
      assert.deepEqual(await feedSeqs(page), [2, 1]);
    });
  } finally {
    await proxy.close();
    await worker.dispose();
  }
});

test("a bin watched only by the page's socket sleeps, and /metrics counts the socket", async () => {
  const worker = await startWorker();
  try {
    await withPage(worker.url, {}, async ({ page }) => {
      const { id } = await createViaPage(page);
      await waitLive(page);
      const metric = async (name) => Number((await (await fetch(`${worker.url}/metrics`)).text()).match(new RegExp(`^${name}(?:\\{class="bin"\\})? (\\d+)`, "m"))?.[1]);
      for (let tries = 0; (await metric("polyhook_ws_clients")) !== 1; tries += 1) {
        assert.ok(tries < 100, "the socket is counted in /metrics");
        await sleep(100);
      }
      const before = await metric("polyhook_object_starts_total");
      let woke = false;
      for (let i = 1; i <= 5 && !woke; i += 1) {
        await sleep(12_000);
        await ingestOk(worker.url, id, { body: `capture ${i}` });
        await waitRow(page, i);
        await sleep(2500);
        woke = (await metric("polyhook_object_starts_total")) > before;
      }
      assert.ok(woke, "the bin was evicted while the page watched it, and woken by a capture");
      assert.equal(await connState(page), "live");
    });
  } finally {
    await worker.dispose();
  }
});
