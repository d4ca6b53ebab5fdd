// The browser playground (public/) in headless Chromium: the main loop:
// create, live feed, detail views and replay. Screenshots of the main
// states go to test-results/screenshots/ (the folder is printed in the log).
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ingestOk, getJson } from "./support/api.mjs";
import { startTarget } from "./support/target.mjs";
import {
  WAIT, playgroundSuite, withPage, shot, waitLive, createViaPage, row, waitRow, feedSeqs, tableRows, openDetail, runCurl, downloadBytes,
} from "./support/browser.mjs";

const suite = playgroundSuite();

test("empty state, create with the keyboard, live feed, test button, reload keeps the bin", async () => {
  await withPage(suite.worker.url, {}, async ({ page, response }) => {
    const csp = response.headers()["content-security-policy"];
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    assert.equal(response.headers()["x-content-type-options"], "nosniff");
    assert.equal(response.headers()["referrer-policy"], "no-referrer");
    assert.equal(await page.locator("#empty-state").isVisible(), true);
    assert.equal(await page.locator("#bin").isVisible(), false);
    await shot(page, "01-empty");

    // Keyboard only: Tab reaches "Create bin", Enter presses it.
    for (let i = 0; i < 12; i += 1) {
      if (await page.evaluate(() => document.activeElement?.id === "create-bin")) break;
      await page.keyboard.press("Tab");
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), "create-bin");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#bin[data-bin]", WAIT);
    await waitLive(page);
    const id = await page.getAttribute("#bin", "data-bin");
    const ingestUrl = await page.inputValue("#ingest-url");
    assert.equal(ingestUrl, `${suite.worker.url}/v1/bins/${id}/in`);
    assert.equal(new URL(page.url()).hash, `#bin=${id}`);
    const examples = await page.textContent("#examples");
    for (const flag of ["-H 'Content-Type: application/json'", "--data-urlencode", "-F ", "--data-binary @"]) {
      assert.ok(examples.includes(flag), `curl examples show ${flag}`);
    }
    assert.ok(examples.includes(ingestUrl));
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("polyhook.bins.v1")));
    assert.equal(stored.length, 1);
    assert.equal(stored[0].id, id);
    assert.match(stored[0].delete_token, /^[0-9a-f]{48}$/);
    assert.equal(typeof stored[0].expires_at, "string");
    assert.match(await page.textContent("#bin-countdown"), /^\d+h \d\dm \d\ds$/);

    // A webhook from outside the page shows up live.
    await ingestOk(suite.worker.url, id, { path: "/github/push?delivery=7", body: '{"event":"push"}', headers: { "content-type": "application/json" } });
    await waitRow(page, 1);
    const text = await row(page, 1).textContent();
    for (const part of ["POST", "/github/push?delivery=7", "application/json", "16 B", "#1"]) assert.ok(text.includes(part), `row shows ${part}: ${text}`);

    // The page's own test button posts to the ingest URL.
    await page.click("#fire-test");
    await waitRow(page, 2);
    assert.ok((await row(page, 2).textContent()).includes("/playground/test"));
    await shot(page, "02-feed");

    // Reload: the hash reopens the bin, history fills the feed once, the stream resumes.
    await page.reload();
    await waitLive(page);
    await waitRow(page, 2);
    assert.deepEqual(await feedSeqs(page), [2, 1]);
    await ingestOk(suite.worker.url, id, { body: "after reload" });
    await waitRow(page, 3);
    assert.deepEqual(await feedSeqs(page), [3, 2, 1]);
    assert.equal(await page.locator(`#bin-list li[data-bin="${id}"]`).count(), 1);
  });
});

test("detail: pretty JSON, hex dump, a <script> body as inert text, download and copy-as-curl", async () => {
  await withPage(suite.worker.url, {}, async ({ page, dialogs }) => {
    const { id } = await createViaPage(page);
    const json = '{"order":{"id":12345678901234567890,"items":[1,2],"price":1.50},"ok":true}';
    await ingestOk(suite.worker.url, id, { path: "/shop?x=1&x=2", body: json, headers: { "content-type": "application/json", "x-signature": "sha256=abc" } });
    const binary = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
    await ingestOk(suite.worker.url, id, { method: "PUT", path: "/blob", body: binary, headers: { "content-type": "application/octet-stream" } });
    const hostile = "<script>alert(1)</script><img src=x onerror=\"alert(2);window.__xss=1\">";
    await ingestOk(suite.worker.url, id, { path: "/html", body: hostile, headers: { "content-type": "text/html", "x-evil": "<img src=x onerror=alert(3)>" } });
    await waitRow(page, 3);

    // JSON: pretty, with the sender's exact number spellings.
    await openDetail(page, 1);
    assert.equal(await page.getAttribute("#detail-body", "data-kind"), "json");
    const pretty = await page.textContent("#detail-body");
    assert.ok(pretty.includes('"id": 12345678901234567890'), pretty);
    assert.ok(pretty.includes('"price": 1.50'));
    assert.ok(pretty.includes('\n    "items": [\n      1,\n      2\n    ]'), pretty);
    const headers = await tableRows(page, "#detail-headers");
    assert.ok(headers.some(([k, v]) => k === "x-signature" && v === "sha256=abc"));
    const query = await tableRows(page, "#detail-query");
    assert.deepEqual(query, [["x", "1"], ["x", "2"]]);
    assert.equal(new URL(page.url()).hash, `#bin=${id}&req=${id}-1`);
    await shot(page, "03-detail-json");

    // Copy-as-curl of the JSON capture, run for real, captures the same request again.
    await runCurl(page);
    await waitRow(page, 4);
    const again = await getJson(`${suite.worker.url}/v1/bins/${id}/requests/${id}-4`);
    assert.equal(Buffer.from(again.body_b64, "base64").toString(), json);
    assert.equal(again.path, "/shop");
    assert.equal(again.query, "x=1&x=2");
    assert.equal(again.headers["x-signature"], "sha256=abc");

    // Binary: a hex dump, a download of the exact bytes, and curl that reproduces them.
    await openDetail(page, 2);
    assert.equal(await page.getAttribute("#detail-body", "data-kind"), "binary");
    const dump = await page.textContent("#detail-body");
    assert.ok(dump.startsWith("00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|"), dump.slice(0, 120));
    assert.ok(dump.includes("00000040  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMNO|"));
    assert.match(await page.getAttribute("#detail-download", "href"), /^blob:/);
    const file = await downloadBytes(page);
    assert.equal(file.name, `${id}-2.bin`);
    assert.ok(file.bytes.equals(binary), "the download is the exact body");
    await shot(page, "04-detail-hex");
    await runCurl(page);
    await waitRow(page, 5);
    const copied = await getJson(`${suite.worker.url}/v1/bins/${id}/requests/${id}-5`);
    assert.equal(copied.method, "PUT");
    assert.ok(Buffer.from(copied.body_b64, "base64").equals(binary), "curl re-sent the exact binary body");

    // Hostile HTML: shown as characters, nothing runs, no element is made from it.
    await row(page, 3).locator("button").focus(); // keyboard path: a focused row opens with Enter
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.getElementById("detail").dataset.id?.endsWith("-3")
      && document.getElementById("detail-body").dataset.kind === "text", null, WAIT);
    assert.equal(await page.textContent("#detail-body"), hostile);
    assert.equal(await page.getByText("<script>alert(1)</script>", { exact: false }).first().isVisible(), true);
    const evilHeader = await page.$$eval("#detail-headers tbody tr", (trs) => trs.find((tr) => tr.cells[0].textContent === "x-evil")?.cells[1].textContent);
    assert.equal(evilHeader, "<img src=x onerror=alert(3)>");
    assert.equal(await page.evaluate(() => document.querySelectorAll("main script, main img").length), 0);
    await sleep(300); // give a (wrongly) injected onerror its chance to run
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.deepEqual(dialogs, []);
    await shot(page, "05-detail-script-as-text");
  });
});

test("replay to a local target succeeds in the page; a failed one is retried from the dead-letter list", async () => {
  let healthy = false;
  const target = await startTarget((n, req) => ({ status: req.url.startsWith("/flaky") && !healthy ? 500 : 200 }));
  try {
    await withPage(suite.worker.url, {}, async ({ page }) => {
      const { id } = await createViaPage(page);
      await ingestOk(suite.worker.url, id, { path: "/orders", body: '{"n":1}', headers: { "content-type": "application/json" } });
      await waitRow(page, 1);
      await openDetail(page, 1);

      await page.fill("#replay-url", `${target.url}/hook`);
      await page.fill("#replay-retries", "0");
      await page.click("#replay-submit");
      const ok = page.locator('#replay-list li[data-status="succeeded"]');
      await ok.waitFor(WAIT);
      assert.match(await ok.textContent(), /1 attempt/);
      assert.match(await ok.textContent(), /HTTP 200/);
      assert.equal(target.received.length, 1);
      assert.equal(target.received[0].body.toString(), '{"n":1}');
      assert.equal(target.received[0].headers["x-polyhook-replay-of"], `${id}-1`);
      await shot(page, "06-replay-succeeded");

      // A failing target: the replay lands in the dead-letter list; Retry brings it home.
      await page.fill("#replay-url", `${target.url}/flaky`);
      await page.fill("#replay-retries", "1");
      await page.click("#replay-submit");
      const dead = page.locator('#dead-list li[data-status="failed"]');
      await dead.waitFor(WAIT);
      const replayId = await dead.getAttribute("data-replay-id");
      assert.match(await dead.textContent(), /2 attempts/);
      assert.match(await dead.textContent(), /500/);
      assert.equal(await page.getAttribute(`#replay-list li[data-replay-id="${replayId}"]`, "data-status"), "failed");
      await shot(page, "07-dead-letter");
      healthy = true;
      await dead.locator("button", { hasText: "Retry" }).click();
      await page.waitForSelector(`#replay-list li[data-replay-id="${replayId}"][data-status="succeeded"]`, WAIT);
      await page.waitForSelector("#dead-list li", { state: "detached", ...WAIT });
      assert.equal(await page.locator("#dead-empty").isVisible(), true);
      const final = await getJson(`${suite.worker.url}/v1/replays/${replayId}`);
      assert.equal(final.status, "succeeded");
      assert.equal(final.attempts, 3);
    });
  } finally {
    await target.close();
  }
});
