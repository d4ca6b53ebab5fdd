// The replay studio in the playground, in headless Chromium: "Edit &
// replay" changes a signed GitHub delivery's body, shows the change and
// re-signs it so the target's @octokit/webhooks-methods check passes; and
// "Replay as a sequence" sends the feed in order, and pauses and cancels.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sign, verify } from "@octokit/webhooks-methods";
import { ingest } from "./support/api.mjs";
import { startTarget } from "./support/target.mjs";
import { playgroundSuite, withPage, createViaPage, waitRow, openDetail, until, WAIT } from "./support/browser.mjs";

const suite = playgroundSuite();
const SECRET = "It's a Secret to Everybody";

test("Edit & replay: the edited body is shown as a change, re-signed, and verifies at the target", async () => {
  const base = suite.worker.url;
  const target = await startTarget();
  try {
    await withPage(base, {}, async ({ page }) => {
      const { id, record } = await createViaPage(page);
      const put = await fetch(`${base}/v1/bins/${id}/verify`, { method: "PUT", headers: { "x-delete-token": record.delete_token }, body: JSON.stringify({ verifiers: [{ scheme: "github", secret: SECRET }] }) });
      assert.equal(put.status, 200);
      const original = JSON.stringify({ action: "opened", number: 1 }, null, 2);
      await ingest(base, id, { body: original, headers: { "content-type": "application/json", "x-github-event": "issues", "x-hub-signature-256": await sign(SECRET, original) } });
      await waitRow(page, 1);
      await openDetail(page, 1);
      await page.fill("#replay-url", `${target.url}/hook`);
      await page.click("#edit-open");
      await page.waitForSelector("#edit-dialog[open]", WAIT);
      assert.equal(await page.inputValue("#edit-body"), original);
      assert.equal(await page.isChecked("#edit-resign"), true, "a verified capture is re-signed by default");
      const edited = original.replace('"number": 1', '"number": 42');
      await page.fill("#edit-body", edited);
      await page.waitForFunction(() => document.querySelector("#edit-diff").textContent.includes('+   "number": 42'), null, WAIT);
      const shown = await page.textContent("#edit-diff");
      assert.match(shown, /-   "number": 1/);
      assert.match(shown, /re-signed with the bin's github verifier/);
      assert.match(await page.textContent("#edit-json-state"), /valid JSON/);
      await page.click("#edit-send");
      await page.waitForSelector("#edit-dialog", { ...WAIT, state: "hidden" });
      await until(() => target.received.length === 1, "the edited replay at the target");
      const got = target.received[0];
      assert.equal(got.body.toString(), edited);
      assert.equal(await verify(SECRET, got.body.toString(), got.headers["x-hub-signature-256"]), true, "GitHub's own check passes");
      await page.waitForSelector("#replay-list li", WAIT);
    });
  } finally {
    await target.close();
  }
});

test("Replay as a sequence: the feed goes out in order with progress; pause and cancel hold and end it", async () => {
  const base = suite.worker.url;
  const target = await startTarget();
  try {
    await withPage(base, {}, async ({ page }) => {
      const { id } = await createViaPage(page);
      for (const body of ["one", "two", "three"]) {
        await ingest(base, id, { body });
        await sleep(body === "one" ? 600 : 0);
      }
      await waitRow(page, 3);
      await page.click("#sequence summary");
      await page.fill("#sequence-url", `${target.url}/seq`);
      await page.fill("#sequence-speed", "100");
      await page.click("#sequence-start");
      await page.waitForSelector('#sequence-state[data-status="done"]', WAIT);
      assert.match(await page.textContent("#sequence-state"), /3 sent, 0 failed/);
      assert.deepEqual(target.received.map((r) => r.body.toString()), ["one", "two", "three"]);

      // At a tenth of its speed the second step is 6 s away: pause it, then cancel it.
      await page.fill("#sequence-speed", "0.1");
      await page.click("#sequence-start");
      await until(() => target.received.length === 4, "the first step of the slow sequence");
      await page.click("#sequence-pause");
      await page.waitForSelector('#sequence-state[data-status="paused"]', WAIT);
      await page.click("#sequence-cancel");
      await page.waitForSelector('#sequence-state[data-status="cancelled"]', WAIT);
      await sleep(1000);
      assert.equal(target.received.length, 4, "nothing after the cancel");
    });
  } finally {
    await target.close();
  }
});
