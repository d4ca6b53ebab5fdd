// The playground with a responder (`polyhook listen --reply`) on its bin,
// in headless Chromium: the bin view says when one is connected, over
// the WebSocket and over SSE alike, and each capture shows who answered
// its sender and with which status, updated by the `response` event.
import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ingest } from "./support/api.mjs";
import { startCli, tempHome } from "./support/cli.mjs";
import { playgroundSuite, withPage, createViaPage, row, waitRow, openDetail, WAIT } from "./support/browser.mjs";

const suite = playgroundSuite();

/** A local app answering 201 after `delay_ms`. */
async function startApp(delayMs) {
  const server = http.createServer(async (req, res) => {
    for await (const _ of req);
    await sleep(delayMs);
    if (res.destroyed) return;
    res.writeHead(201, { "content-type": "text/plain" });
    res.end("made");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) };
}

const source = (page, seq) => row(page, seq).locator(".answer").getAttribute("data-source");

for (const transport of ["websocket", "sse"]) {
  test(`over ${transport}: the page shows the responder and who answered each capture`, async () => {
    const base = suite.worker.url;
    const app = await startApp(300);
    await withPage(base, { transport }, async ({ page }) => {
      const { id, record } = await createViaPage(page);
      assert.equal(await page.isVisible("#responder"), false, "no responder yet");
      const cli = startCli(["listen", id, "--to", app.url, "--json", "--reply", "--base", base, "--delete-token", record.delete_token], { home: tempHome() });
      try {
        await cli.waitFor((e) => e.type === "responder", "seated");
        await page.waitForSelector('#responder[data-connected="true"]', WAIT);
        assert.match(await page.textContent("#responder"), /listen --reply/);

        const res = await ingest(base, id, { body: "first" });
        assert.equal(res.status, 201);
        await waitRow(page, 1);
        await page.waitForFunction(() => document.querySelector('#feed-list li[data-seq="1"] .answer')?.dataset.source === "listener", null, WAIT);
        assert.equal(await row(page, 1).locator(".answer").textContent(), "app 201");
        await openDetail(page, 1);
        await page.waitForFunction(() => /201 by your app \(listen --reply\) after \d+ ms/.test(document.querySelector("#detail-meta").textContent), null, WAIT);

        cli.child.kill("SIGINT");
        await cli.exited;
        await page.waitForSelector('#responder[data-connected="false"]', { ...WAIT, state: "hidden" });
        const second = await ingest(base, id, { body: "second" });
        assert.equal(second.status, 202);
        await waitRow(page, 2);
        assert.equal(await source(page, 2), "default");
        assert.equal(await row(page, 2).locator(".answer").textContent(), "202");
      } finally {
        cli.child.kill("SIGKILL");
      }
    });
    await app.close();
  });
}
