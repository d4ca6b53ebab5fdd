// The browser playground in headless Chromium: detail tables, clipboard,
// private bins, delete, expiry, the status view, phone width, dark mode.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { withWorker } from "./support/worker.mjs";
import { ingestOk } from "./support/api.mjs";
import {
  WAIT, playgroundSuite, withPage, shot, connState, createViaPage, row, waitRow, tableRows, openDetail, until, sendRaw,
  recordStreamRequests, recordSockets,
} from "./support/browser.mjs";

const suite = playgroundSuite();

test("detail tables: repeated headers as stored, each Set-Cookie on its own row, query pairs decoded", async () => {
  await withPage(suite.worker.url, {}, async ({ page }) => {
    const { id, ingestUrl } = await createViaPage(page);
    const status = await sendRaw(`${ingestUrl}/hooks?a=1&a=2&q=%3Cb%3E`, {
      rawHeaders: ["X-Rep", "one", "X-Rep", "two", "Set-Cookie", "a=1", "Set-Cookie", "b=2; Path=/", "Content-Type", "text/plain"],
      body: "cookies",
    });
    assert.equal(status, 202);
    await waitRow(page, 1);
    await openDetail(page, 1);
    const rows = await tableRows(page, "#detail-headers");
    assert.deepEqual(rows.filter(([k]) => k === "set-cookie"), [["set-cookie", "a=1"], ["set-cookie", "b=2; Path=/"]]);
    assert.deepEqual(rows.filter(([k]) => k === "x-rep"), [["x-rep", "one, two"]]);
    const query = await tableRows(page, "#detail-query");
    assert.deepEqual(query, [["a", "1"], ["a", "2"], ["q", "<b>"]]);
    assert.equal(await page.locator("#detail-query-empty").isVisible(), false);
    assert.equal(await page.getAttribute("#detail-body", "data-kind"), "text");
    const curl = await page.textContent("#detail-curl");
    assert.ok(curl.includes("-H 'set-cookie: a=1'") && curl.includes("-H 'set-cookie: b=2; Path=/'"), curl);
    assert.equal(id.length, 12);
  });
});

test("copy buttons put the exact text on the clipboard", async () => {
  await withPage(suite.worker.url, {}, async ({ page }) => {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: suite.worker.url });
    const { id, ingestUrl } = await createViaPage(page);
    await page.click("#ingest-copy");
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), ingestUrl);
    await ingestOk(suite.worker.url, id, { body: "it's $HOME", headers: { "content-type": "text/plain" } });
    await waitRow(page, 1);
    await openDetail(page, 1);
    await page.click("#detail-copy-curl");
    await page.waitForSelector("#detail-copy-curl:text('Copied')", WAIT);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await page.textContent("#detail-curl"));
    assert.ok(copied.includes(`--data-binary 'it'\\''s $HOME'`), copied);
  });
});

for (const transport of ["websocket", "sse"]) test(`a private bin reads with its token: live feed over ${transport} (a ticket, never the token in a URL) and detail (X-Authorization)`, async () => {
  await withPage(suite.worker.url, { transport }, async ({ page }) => {
    const sockets = recordSockets(page);
    const streams = recordStreamRequests(page);
    const feeds = () => (transport === "sse" ? streams.map((s) => s.query) : sockets);
    const { id, record } = await createViaPage(page, { isPrivate: true });
    assert.ok(record.read_token.length >= 32);
    assert.equal(await page.locator("#bin-private").isVisible(), true);
    const denied = await fetch(`${suite.worker.url}/v1/bins/${id}/requests`);
    assert.equal(denied.status, 401, "the bin really is private");
    await ingestOk(suite.worker.url, id, { body: '{"secret":true}', headers: { "content-type": "application/json" } });
    await waitRow(page, 1);
    await openDetail(page, 1);
    assert.equal(await page.getAttribute("#detail-body", "data-kind"), "json");
    assert.ok((await page.textContent("#detail-body")).includes('"secret": true'));
    assert.ok(feeds().some((q) => q.has("ticket")), "the feed opened with a ticket");
    assert.ok([...sockets, ...streams.map((s) => s.query)].every((q) => !q.has("token")), "the read token never went into a URL");
    assert.equal(await page.getAttribute("#conn", "data-transport"), transport);

    // The same link in a browser without the token: told so, not shown the data.
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForSelector('#banner[data-kind="denied"]', WAIT);
    assert.match(await page.textContent("#banner"), /private/);
    assert.equal(await page.locator("#feed-list li").count(), 0);
    assert.equal(await page.isDisabled("#delete-bin"), true, "no delete token, no delete");
  });
});

test("deleting from the page ends the bin: banner, stream stopped, 404 everywhere", async () => {
  await withPage(suite.worker.url, {}, async ({ page }) => {
    const { id } = await createViaPage(page);
    await ingestOk(suite.worker.url, id, { body: "soon gone" });
    await waitRow(page, 1);
    await page.click("#delete-bin");
    await page.click("#delete-confirm");
    await page.waitForSelector('#banner[data-kind="deleted"]', WAIT);
    assert.match(await page.textContent("#banner"), /deleted/);
    assert.equal(await connState(page), "ended");
    assert.equal(await page.isDisabled("#fire-test"), true);
    assert.equal((await fetch(`${suite.worker.url}/v1/bins/${id}/requests`)).status, 404);
    const item = page.locator(`#bin-list li[data-bin="${id}"]`);
    assert.match(await item.textContent(), /deleted/);
    await shot(page, "09-deleted");
    await item.locator("button", { hasText: "Forget" }).click();
    await page.waitForSelector(`#bin-list li[data-bin="${id}"]`, { state: "detached", ...WAIT });

    // "My bins" deletes a bin that is not open, too (a second click confirms).
    const { id: older } = await createViaPage(page);
    await page.click("#create-bin");
    await page.waitForFunction((o) => document.getElementById("bin").dataset.bin !== o, older, WAIT);
    const listed = page.locator(`#bin-list li[data-bin="${older}"] button.danger`);
    await listed.click();
    assert.equal(await listed.textContent(), "Confirm delete");
    await listed.click();
    await page.waitForSelector(`#bin-list li[data-bin="${older}"][data-ended="1"]`, WAIT);
    assert.equal((await fetch(`${suite.worker.url}/v1/bins/${older}/requests`)).status, 404);
  });
});

test("an expiring bin shows the expired banner and stops its stream", async () => {
  await withWorker({ vars: { BIN_TTL_SECONDS: "5" } }, async (w) => {
    await withPage(w.url, {}, async ({ page }) => {
      await createViaPage(page);
      await page.waitForSelector('#banner[data-kind="expired"]', WAIT);
      assert.match(await page.textContent("#banner"), /expired/);
      assert.equal(await connState(page), "ended");
      assert.equal(await page.textContent("#bin-countdown"), "expired");
    });
  });
});

test("the status view shows the service's metrics, and says so when they are unavailable", async () => {
  await withPage(suite.worker.url, {}, async ({ page }) => {
    const { id } = await createViaPage(page);
    await ingestOk(suite.worker.url, id, { body: "counted" });
    await waitRow(page, 1);
    await page.click("#nav-status");
    await page.waitForSelector("#view-status:not([hidden])", WAIT);
    assert.equal(new URL(page.url()).hash, `#bin=${id}&view=status`);
    await page.waitForSelector('#status-state[data-state="ok"]', WAIT);
    // Counters may be a second or two stale: wait until they include this test's traffic.
    // The bin stays open behind the status view, so its stream is a live subscriber.
    await page.waitForFunction(() => {
      const num = (name) => Number(document.querySelector(`[data-metric="${name}"] .value`)?.dataset.value || NaN);
      const post = document.querySelector('[data-metric="polyhook_captures_total"] [data-key="POST"]');
      return num("polyhook_bins_created_total") >= 1 && num("polyhook_ingest_total") >= 1
        && num("polyhook_bins_live") >= 1 && num("polyhook_ws_clients") >= 1 && post && Number(post.dataset.value) >= 1;
    }, null, { timeout: 20_000 });
    for (const name of ["polyhook_sse_clients", "polyhook_ws_clients", "polyhook_bins_live", "polyhook_ingest_total", "polyhook_bins_created_total",
      "polyhook_bins_deleted_total", "polyhook_bins_expired_total", "polyhook_replay_attempts_total"]) {
      const v = await page.getAttribute(`[data-metric="${name}"] .value`, "data-value");
      assert.ok(v !== null && v !== "" && Number.isFinite(Number(v)), `${name} shows a number (${v})`);
    }
    for (const name of ["polyhook_captures_total", "polyhook_replays_total", "polyhook_rate_limited_total"]) {
      assert.equal(await page.locator(`[data-metric="${name}"]`).count(), 1, `${name} has a card`);
    }
    await shot(page, "10-status");

    // The next poll (every 5 s) meets a failing /metrics: a message, not a broken page.
    await page.route("**/metrics", (route) => route.fulfill({ status: 503, contentType: "text/plain", body: "no" }));
    await page.waitForSelector('#status-state[data-state="unavailable"]', WAIT);
    assert.match(await page.textContent("#status-state"), /Metrics unavailable \(HTTP 503\)/);
    await page.unroute("**/metrics");
    await page.waitForSelector('#status-state[data-state="ok"]', WAIT);
  });
});

test("phone width: one column, no sideways scrolling, detail readable", async () => {
  await withPage(suite.worker.url, { viewport: { width: 375, height: 812 } }, async ({ page }) => {
    await shot(page, "11-phone-empty");
    const { id } = await createViaPage(page);
    await ingestOk(suite.worker.url, id, { path: "/a/rather/long/sub/path/that/should/wrap/or/truncate?with=query&and=more", body: '{"hello":"phone"}', headers: { "content-type": "application/json" } });
    await ingestOk(suite.worker.url, id, { body: Buffer.from([0, 255, 1, 254]), headers: { "content-type": "application/octet-stream" } });
    await waitRow(page, 2);
    await openDetail(page, 1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
    await shot(page, "12-phone-detail");
  });
});

test("dark mode: the page follows prefers-color-scheme", async () => {
  await withPage(suite.worker.url, { colorScheme: "dark" }, async ({ page }) => {
    const { id } = await createViaPage(page);
    await ingestOk(suite.worker.url, id, { path: "/dark", body: '{"theme":"dark"}', headers: { "content-type": "application/json" } });
    await waitRow(page, 1);
    await openDetail(page, 1);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, "rgb(15, 19, 23)");
    await shot(page, "13-dark-detail");
  });
});
