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
    assert.deepEqual(shown, ["rule 500", "rule 500", "rule 200"], "each row says who answered, and with what");
    assert.equal(await row(page, 3).locator(".answer").getAttribute("data-source"), "rule");
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

test("a rule's answer cannot clear or read what the playground keeps for the origin", async () => {
  await withPage(suite.worker.url, {}, async ({ page }) => {
    const { id, record } = await createViaPage(page);
    const url = suite.worker.url;
    const put = (rules) => fetch(`${url}/v1/bins/${id}/responses`, {
      method: "PUT",
      headers: { "x-delete-token": record.delete_token },
      body: JSON.stringify({ rules }),
    });
    const refused = await put([{ status: 200, headers: { "Clear-Site-Data": '"storage", "cookies"' } }]);
    assert.equal(refused.status, 400);
    assert.match((await refused.json()).details, /^rules\[0\]\.headers\.Clear-Site-Data: not allowed/);
    const saved = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    assert.ok(saved.includes(record.delete_token), "the playground keeps the bin's token");

    // The most a rule may do: an HTML answer that tries to wipe storage, and a cookie for its own URLs.
    const attack = "<script>localStorage.clear(); document.cookie = 'x=1; path=/';</script>";
    const ok = await put([
      { match: { path_prefix: "/page" }, status: 200, headers: { "Content-Type": "text/html", "Set-Cookie": `s=1; Path=/v1/bins/${id}/in/page` }, body: attack },
      { match: { path_prefix: "/away" }, status: 302, headers: { Location: "https://example.invalid/elsewhere" } },
    ]);
    assert.equal(ok.status, 200, await ok.clone().text());
    const other = await page.context().newPage();
    const answer = await other.goto(`${url}/v1/bins/${id}/in/page`);
    assert.equal(answer.status(), 200);
    assert.match(answer.headers()["content-security-policy"], /^sandbox/);
    // A link to the bin that redirects elsewhere does not take a browser off the origin.
    const away = await other.goto(`${url}/v1/bins/${id}/in/away`);
    assert.equal(away.status(), 302);
    assert.ok(other.url().startsWith(`${url}/v1/bins/${id}/in/away`), other.url());
    await other.close();

    await page.reload();
    assert.equal(await page.evaluate(() => JSON.stringify(Object.entries(localStorage))), saved, "localStorage is untouched");
    const cookies = await page.context().cookies();
    assert.deepEqual(cookies.map((c) => [c.name, c.path]), [["s", `/v1/bins/${id}/in/page`]], "only the bin's own cookie, on its own path");
    assert.equal(await page.evaluate(() => document.cookie), "", "the playground's pages see no cookie");
  });
});
