// The playground's Response panel: presets, saving with the delete token,
// the use counts, and each capture showing the status it was answered with.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "./support/api.mjs";
import { WAIT, playgroundSuite, withPage, shot, createViaPage, row, waitRow } from "./support/browser.mjs";

const suite = playgroundSuite();

test("a preset saved in the Response panel answers senders, and the feed shows each answer", async () => {
  await withPage(suite.worker.url, {}, async ({ page }) => {
    const { id } = await createViaPage(page);
    await page.waitForFunction(() => document.querySelector("#answer-state").textContent.includes("default 202"), null, WAIT);
    await page.click('#answer-presets button[data-preset="flaky"]');
    assert.deepEqual(JSON.parse(await page.inputValue("#answer-rules")).map((r) => r.status), [500, 200]);
    await page.click("#answer-save");
    await page.waitForFunction(() => document.querySelector("#answer-state").textContent.startsWith("Saved."), null, WAIT);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await ingest(suite.worker.url, id, { body: `try ${i}` })).status);
    assert.deepEqual(statuses, [500, 500, 200]);
    await waitRow(page, 3);
    const shown = await Promise.all([1, 2, 3].map((seq) => row(page, seq).locator(".answer").textContent()));
    assert.deepEqual(shown, ["500", "500", "200"]);
    await shot(page, "response-panel");

    // Bad JSON is said so, in the page, and nothing changes.
    await page.fill("#answer-rules", "[{");
    await page.click("#answer-save");
    await page.waitForSelector("#answer-error:not([hidden])", WAIT);
    assert.match(await page.textContent("#answer-error"), /not JSON/);

    await page.click("#answer-reset");
    await page.waitForFunction(() => document.querySelector("#answer-state").textContent.includes("default 202"), null, WAIT);
    assert.equal((await ingest(suite.worker.url, id, { body: "after" })).status, 202);
  });
});
