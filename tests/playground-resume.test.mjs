// The browser playground in headless Chromium: nothing is lost when the
// stream or the runtime goes away, history paging, and evicted captures.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker, withWorker } from "./support/worker.mjs";
import { ingestOk } from "./support/api.mjs";
import {
  WAIT, playgroundSuite, withPage, shot, connState, waitLive, createViaPage, row, waitRow, feedSeqs, until, recordStreamRequests,
} from "./support/browser.mjs";

const suite = playgroundSuite();

test("over SSE (a browser without WebSocket), killing and restoring the runtime loses no capture: every seq exactly once", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "polyhook-playground-"));
  const first = await startWorker({ persistTo: dir });
  let back = null;
  try {
    await withPage(first.url, { transport: "sse" }, async ({ page }) => {
      const streams = recordStreamRequests(page);
      const { id } = await createViaPage(page);
      const states = new Set();
      await page.exposeFunction("reportState", (s) => states.add(s));
      await page.evaluate(() => new MutationObserver(() => window.reportState(document.getElementById("conn").dataset.state))
        .observe(document.getElementById("conn"), { attributes: true }));
      for (let i = 1; i <= 3; i += 1) await ingestOk(first.url, id, { body: `before ${i}` });
      await waitRow(page, 3);

      // 1. The runtime process is killed and restarted on the same port and storage.
      //    Captures are sent the moment it is back, before the page has reconnected;
      //    the browser's own reconnect resumes with Last-Event-ID.
      await first.restart();
      for (let i = 4; i <= 6; i += 1) await ingestOk(first.url, id, { body: `just after ${i}` });
      await waitLive(page);
      for (let i = 7; i <= 8; i += 1) await ingestOk(first.url, id, { body: `live ${i}` });
      await waitRow(page, 8);
      assert.ok(streams.some((s) => s.lastEventId === `${id}-3`), "the browser resumed after seq 3");
      assert.ok(states.has("reconnecting"), `the indicator showed the outage: ${[...states]}`);

      // 2. A longer outage: no runtime at all, and the stream URL answers 503 (as a
      //    proxy would), so the browser gives up (readyState CLOSED) and the page
      //    itself recreates the EventSource with ?last_event_id=<newest seq seen>.
      let refused = 0;
      const down = (route) => {
        refused += 1;
        return route.fulfill({ status: 503, contentType: "text/plain", body: "down" });
      };
      await page.route(/\/v1\/bins\/[a-z0-9]{12}\/stream\?/, down);
      const port = Number(new URL(first.url).port);
      const before = streams.length;
      await first.dispose();
      // The browser's reconnect is refused, then at least one of the page's own.
      await until(() => refused >= 2, "two refused stream attempts");
      assert.ok(["reconnecting", "lost"].includes(await connState(page)));
      await shot(page, "08-reconnecting");
      back = await startWorker({ persistTo: dir, port });
      assert.equal(back.url, first.url);
      for (let i = 9; i <= 12; i += 1) await ingestOk(back.url, id, { body: `restored ${i}` });
      await page.unroute(/\/v1\/bins\/[a-z0-9]{12}\/stream\?/, down);
      await waitLive(page);
      await ingestOk(back.url, id, { body: "live 13" });
      await waitRow(page, 13);
      // Only the page changes the query; the browser's own reconnects reuse the URL.
      const recreated = streams.slice(before).filter((s) => s.query.get("last_event_id") === "8");
      assert.ok(recreated.length > 0, `a recreated stream resumed with ?last_event_id=8: ${JSON.stringify(streams.map((s) => [s.query.get("last_event_id"), s.lastEventId]))}`);
      await sleep(500); // a duplicate, if there were one, would arrive now
      const seqs = await feedSeqs(page);
      assert.deepEqual(seqs, Array.from({ length: 13 }, (_, i) => 13 - i), "1..13, newest first, each once");
      assert.equal(await connState(page), "live");
    });
  } finally {
    await back?.dispose();
    await first.dispose().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
});

test("history is paged: opening a bin with 60 captures shows 50, then 'Load older' the rest", async () => {
  await withPage(suite.worker.url, {}, async ({ page }) => {
    const { id } = await createViaPage(page);
    await page.goto(`${suite.worker.url}/`); // leave the bin, so its captures come back as history
    await page.waitForSelector("#empty-state:not([hidden])", WAIT);
    for (let i = 1; i <= 60; i += 1) await ingestOk(suite.worker.url, id, { body: `h${i}` });
    await page.click(`#bin-list li[data-bin="${id}"] button.link`);
    await waitLive(page);
    await waitRow(page, 11);
    assert.equal(await page.locator("#feed-list li").count(), 50);
    assert.equal(await row(page, 10).count(), 0);
    await page.click("#feed-older");
    await waitRow(page, 1);
    assert.deepEqual(await feedSeqs(page), Array.from({ length: 60 }, (_, i) => 60 - i));
    assert.equal(await page.locator("#feed-older").isVisible(), false);
    assert.match(await page.textContent("#feed-count"), /\(60\)/);
  });
});

test("over SSE, captures evicted while the page was away are announced (lost), the rest arrive once", async () => {
  await withWorker({ vars: { MAX_CAPTURES_PER_BIN: "3" } }, async (w) => {
    await withPage(w.url, { transport: "sse" }, async ({ page }) => {
      const { id } = await createViaPage(page);
      await ingestOk(w.url, id, { body: "seen live" });
      await waitRow(page, 1);
      // Cut the stream and keep it refused while six captures arrive; retention keeps 3.
      const down = (route) => route.fulfill({ status: 503, contentType: "text/plain", body: "down" });
      await page.route(/\/v1\/bins\/[a-z0-9]{12}\/stream\?/, down);
      await w.restart();
      await page.waitForFunction(() => ["reconnecting", "lost"].includes(document.getElementById("conn").dataset.state), null, WAIT);
      for (let i = 2; i <= 7; i += 1) await ingestOk(w.url, id, { body: `while away ${i}` });
      await page.unroute(/\/v1\/bins\/[a-z0-9]{12}\/stream\?/, down);
      await waitLive(page);
      await waitRow(page, 7);
      await page.waitForSelector("#feed-notice:not([hidden])", WAIT);
      assert.match(await page.textContent("#feed-notice"), /#2–#4 were evicted/);
      assert.deepEqual(await feedSeqs(page), [7, 6, 5, 1]);
    });
  });
});
