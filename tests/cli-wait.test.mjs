// `polyhook wait` against the built worker: a match, a non-match then a
// match, a timeout (124), a deleted bin (3), a private bin, a wait longer
// than the service holds one open, and a killed wait that frees its slot.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ingestOk } from "./support/api.mjs";
import { runCli, startCli, tempHome } from "./support/cli.mjs";
import { startWorker } from "./support/worker.mjs";

let worker;
// The service holds a wait open 2 s at most and one per client, so the command's own looping and the slot are tested.
before(async () => { worker = await startWorker({ vars: { WAIT_MAX_SECONDS: "2", WAIT_MAX_PER_CLIENT: "1" } }); });
after(() => worker?.dispose());

async function newBin(home, extra = []) {
  const out = await runCli(["new", "--base", worker.url, "--json", ...extra], { home });
  assert.equal(out.code, 0, out.stderr);
  const made = JSON.parse(out.stdout);
  return { ...made, record: JSON.parse(fs.readFileSync(made.saved, "utf8")) };
}

/** Runs `polyhook wait`, sending `send()` once it is waiting. */
async function waitWhile(home, args, send) {
  const run = runCli(["wait", ...args], { home });
  await sleep(400);
  const sent = await send();
  return { ...(await run), sent };
}

test("wait prints the matching capture and exits 0; a non-match before it is passed over", async () => {
  const home = tempHome();
  const { id } = await newBin(home);
  const out = await waitWhile(home, [id, "--json", "--method", "PUT", "--path", "/stripe", "--header", "x-kind=refund", "--body"], async () => {
    await ingestOk(worker.url, id, { method: "PUT", path: "/stripe", body: "no header" });
    return ingestOk(worker.url, id, { method: "PUT", path: "/stripe/x", headers: { "x-kind": "refund" }, body: "yes" });
  });
  assert.equal(out.code, 0, out.stderr);
  const got = JSON.parse(out.stdout);
  assert.equal(got.id, out.sent.request_id);
  assert.equal(Buffer.from(got.body_b64, "base64").toString(), "yes");
  const text = await runCli(["wait", id, "--after", "0", "--timeout", "1s"], { home });
  assert.equal(text.code, 0);
  assert.match(text.stdout, /#1 .* PUT\s+\/stripe/);
});

test("a capture sent after the service's 2 s hold is still caught by a 5 s wait", async () => {
  const home = tempHome();
  const { id } = await newBin(home);
  const run = runCli(["wait", id, "--json", "--timeout", "5s"], { home });
  await sleep(3000);
  const sent = await ingestOk(worker.url, id, { body: "late" });
  const out = await run;
  assert.equal(out.code, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout).id, sent.request_id);
});

test("nothing in time exits 124; a deleted bin exits 3", async () => {
  const home = tempHome();
  const made = await newBin(home);
  const started = Date.now();
  const none = await runCli(["wait", made.id, "--method", "DELETE", "--timeout", "1s"], { home });
  assert.equal(none.code, 124, none.stderr);
  assert.ok(Date.now() - started >= 900);
  const gone = await waitWhile(home, [made.id, "--method", "DELETE", "--timeout", "5s"], () =>
    fetch(`${worker.url}/v1/bins/${made.id}`, { method: "DELETE", headers: { "X-Delete-Token": made.record.delete_token } }));
  assert.equal(gone.code, 3, gone.stderr);
});

test("a private bin is waited on with its saved read token", async () => {
  const home = tempHome();
  const { id } = await newBin(home, ["--private"]);
  const out = await waitWhile(home, [id, "--json"], () => ingestOk(worker.url, id, { body: "private" }));
  assert.equal(out.code, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout).id, out.sent.request_id);
});

test("a killed wait's slot is free again once the service's hold ends (one wait per client here)", async () => {
  const home = tempHome();
  const { id } = await newBin(home);
  const first = startCli(["wait", id, "--timeout", "30s"], { home });
  await sleep(800);
  first.child.kill("SIGKILL");
  await first.exited;
  // Miniflare never aborts a request's signal, so the bin learns of the kill when the 2 s hold ends.
  await sleep(2000);
  const out = await waitWhile(home, [id, "--json", "--timeout", "5s"], () => ingestOk(worker.url, id, { body: "after the kill" }));
  assert.equal(out.code, 0, `the slot was free: ${out.stderr}`);
});
