// The playground's Signatures panel, verification badges, the filter box
// and the export links, driven in headless Chromium against the worker.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { sign } from "@octokit/webhooks-methods";
import { ingest } from "./support/api.mjs";
import { WAIT, playgroundSuite, withPage, shot, createViaPage, row, waitRow, feedSeqs, openDetail } from "./support/browser.mjs";

const suite = playgroundSuite();
const SECRET = "playground-secret-4f1e9a";

const signed = async (id, body, secret = SECRET) =>
  ingest(suite.worker.url, id, { body, headers: { "content-type": "application/json", "x-hub-signature-256": await sign(secret, body) } });

const stateText = (page) => page.textContent("#verify-state");

test("a verifier set in the page badges every capture; the secret is never shown again; re-check uses the new secret", async () => {
  await withPage(suite.worker.url, {}, async ({ page }) => {
    const { id } = await createViaPage(page);
    await page.waitForFunction(() => document.querySelector("#verify-state").textContent.includes("not checked"), null, WAIT);
    await page.click('#verify-templates button[data-scheme="github"]');
    assert.equal(JSON.parse(await page.inputValue("#verify-editor"))[0].scheme, "github");
    await page.fill("#verify-editor", JSON.stringify([{ scheme: "github", secret: SECRET }]));
    await page.click("#verify-save");
    await page.waitForFunction(() => document.querySelector("#verify-state").textContent.startsWith("Saved."), null, WAIT);
    assert.match(await stateText(page), /github \(secret sha256:[0-9a-f]{16}\)/);
    assert.equal(await page.inputValue("#verify-editor"), "", "the editor forgets the secret once saved");

    await signed(id, '{"action":"opened"}');
    await signed(id, '{"action":"closed"}', "someone else's secret");
    await ingest(suite.worker.url, id, { body: "unsigned" });
    await waitRow(page, 3);
    const badges = await Promise.all([1, 2, 3].map((seq) => row(page, seq).locator(".sig").textContent()));
    assert.deepEqual(badges, ["✓ github", "✗ github", "✗ github"]);
    assert.equal(await row(page, 2).locator(".sig").getAttribute("title"), "Signature not verified: signature mismatch");
    assert.equal(await row(page, 3).locator(".sig").getAttribute("title"), "Signature not verified: missing header");
    await openDetail(page, 2);
    assert.match(await page.textContent("#detail-meta"), /✗ github: signature mismatch/);
    await shot(page, "signatures");

    // The right secret arrives later: re-checking capture 2 makes it valid.
    await page.fill("#verify-editor", JSON.stringify([{ scheme: "github", secret: "someone else's secret" }]));
    await page.click("#verify-save");
    await page.waitForFunction(() => document.querySelector("#verify-state").textContent.startsWith("Saved."), null, WAIT);
    await page.click("#detail-recheck");
    await page.waitForFunction(() => document.querySelector('#feed-list li[data-seq="2"] .sig')?.textContent === "✓ github", null, WAIT);
    await page.waitForFunction(() => document.querySelector("#detail-meta").textContent.includes("✓ github: valid"), null, WAIT);

    const html = await page.content();
    assert.ok(!html.includes(SECRET) && !html.includes("someone else's secret"), "no secret anywhere in the page");
  });
});

test("the filter box narrows the feed, live captures included, and the export links follow it", async () => {
  await withPage(suite.worker.url, {}, async ({ page }) => {
    const { id } = await createViaPage(page);
    const send = (method, body) => ingest(suite.worker.url, id, { method, body });
    await send("POST", "alpha zebra");
    await send("PUT", "beta");
    await send("PUT", "gamma zebra");
    await waitRow(page, 3);

    await page.fill("#filter-input", "method:PUT");
    await page.press("#filter-input", "Enter");
    await page.waitForFunction(() => document.querySelectorAll("#feed-list li").length === 2, null, WAIT);
    assert.deepEqual(await feedSeqs(page), [3, 2]);
    assert.equal(await page.isVisible("#filter-note"), true);

    await page.fill("#filter-input", "zebra");
    await page.click('#filter-form button[type="submit"]');
    await page.waitForFunction(() => [...document.querySelectorAll("#feed-list li")].map((li) => li.dataset.seq).join() === "3,1", null, WAIT);
    await page.waitForSelector('#conn[data-state="live"]', WAIT);
    await send("POST", "no match");
    await send("POST", "live zebra");
    await waitRow(page, 5);
    assert.deepEqual(await feedSeqs(page), [5, 3, 1], "a live capture shows only if it matches");

    const href = await page.getAttribute("#export-har", "href");
    assert.match(href, /\/export\?q=zebra&format=har$/);
    const [download] = await Promise.all([page.waitForEvent("download", WAIT), page.click("#export-har")]);
    assert.equal(download.suggestedFilename(), `polyhook-${id}.har`);
    const har = JSON.parse(await readFile(await download.path(), "utf8"));
    assert.deepEqual(har.log.entries.map((e) => e._id), [`${id}-1`, `${id}-3`, `${id}-5`]);
    await shot(page, "filter-and-export");

    await page.click("#filter-clear");
    await page.waitForFunction(() => document.querySelectorAll("#feed-list li").length === 5, null, WAIT);
    assert.match(await page.getAttribute("#export-ndjson", "href"), /\/export\?format=ndjson$/);
  });
});

test("a private bin's export downloads through fetch, with its token in a header", async () => {
  await withPage(suite.worker.url, {}, async ({ page }) => {
    const { id, record } = await createViaPage(page, { isPrivate: true });
    await ingest(suite.worker.url, id, { body: "secret stuff" });
    await waitRow(page, 1);
    assert.ok(!(await page.getAttribute("#export-ndjson", "href")).includes(record.read_token), "no token in the link");
    const [download] = await Promise.all([page.waitForEvent("download", WAIT), page.click("#export-ndjson")]);
    const line = JSON.parse((await readFile(await download.path(), "utf8")).trim());
    assert.equal(Buffer.from(line.body_b64, "base64").toString(), "secret stuff");
  });
});
