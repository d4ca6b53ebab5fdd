// `polyhook listen` across crashes and retention, plus `tail` and
// `replay`, against the built worker on Miniflare.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { ingestOk } from "./support/api.mjs";
import { runCli, startCli, tempHome } from "./support/cli.mjs";
import { startTarget } from "./support/target.mjs";
import { startWorker } from "./support/worker.mjs";

let worker;
before(async () => (worker = await startWorker({ vars: { REPLAY_BACKOFF_BASE_MS: "50" } })));
after(() => worker.dispose());

async function newBin(home, base = worker.url) {
  const out = await runCli(["new", "--base", base, "--json"], { home });
  assert.equal(out.code, 0, out.stderr);
  const made = JSON.parse(out.stdout);
  return { ...made, record: JSON.parse(fs.readFileSync(made.saved, "utf8")) };
}

const listenOver = (transport) => (home, bin, to) => startCli(["listen", bin, "--to", to, "--json", "--transport", transport], { home });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(predicate, what) {
  for (let i = 0; i < 600; i++) {
    if (predicate()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

// Both transports keep the same promises: the checkpoint moves only after the target answered.
for (const transport of ["websocket", "sse"]) describe(`polyhook listen across crashes, over ${transport}`, () => {
  const listen = listenOver(transport);
  test("captures while SIGKILLed three times: every seq reaches the target, in order within each run", async () => {
    const home = tempHome();
    const { id } = await newBin(home);
    let run = 0;
    const log = [];
    const target = await startTarget((n) => {
      log.push({ run, n: Number(target.received[n - 1].body.toString()) });
      return { status: 200 };
    });
    let cli = listen(home, id, target.url);
    assert.equal((await cli.waitFor((e) => e.type === "connected", "connected")).transport, transport);
    await cli.waitFor((e) => e.type === "caught_up", "caught up");
    const total = 200;
    for (let i = 1; i <= total; i++) {
      await ingestOk(worker.url, id, { body: String(i) });
      if (i % 50 === 0 && run < 3) {
        cli.child.kill("SIGKILL");
        assert.equal((await cli.exited).signal, "SIGKILL");
        run += 1;
        cli = listen(home, id, target.url);
      }
    }
    await until(() => new Set(log.map((l) => l.n)).size === total, `all ${total} captures at the target`);
    for (let r = 0; r <= run; r++) {
      const seqs = log.filter((l) => l.run === r).map((l) => l.n);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `run ${r} in order`);
      assert.equal(new Set(seqs).size, seqs.length, `run ${r} has no duplicate of its own`);
    }
    const duplicates = log.length - total;
    console.log(`cli-restart (${transport}): sent ${total}, received ${log.length}, distinct ${total}, duplicates ${duplicates}, lost 0, runs ${run + 1}`);
    assert.ok(duplicates <= 3, `at most one resend per kill, got ${duplicates}`);
    cli.child.kill("SIGINT");
    assert.equal((await cli.exited).code, 130);
    await target.close();
  });

  test("captures retention dropped while listen was down are counted as lost", async () => {
    const small = await startWorker({ vars: { MAX_CAPTURES_PER_BIN: "20" } });
    const home = tempHome();
    const { id } = await newBin(home, small.url);
    const target = await startTarget();
    let cli = listen(home, id, target.url);
    await cli.waitFor((e) => e.type === "caught_up", "caught up");
    await ingestOk(small.url, id, { body: "1" });
    await cli.waitFor((e) => e.type === "delivered" && e.seq === 1, "#1");
    cli.child.kill("SIGKILL");
    await cli.exited;
    for (let i = 2; i <= 31; i++) await ingestOk(small.url, id, { body: String(i) });
    cli = listen(home, id, target.url);
    const lost = await cli.waitFor((e) => e.type === "lost", "the lost notice");
    assert.deepEqual([lost.count, lost.first_seq, lost.last_seq], [10, 2, 11]);
    await cli.waitFor((e) => e.type === "delivered" && e.seq === 31, "#31");
    assert.deepEqual(target.received.map((r) => Number(r.body.toString())), [1, ...Array.from({ length: 20 }, (_, i) => i + 12)]);
    cli.child.kill("SIGINT");
    await cli.exited;
    await target.close();
    await small.dispose();
  });
});

describe("polyhook tail and replay", () => {
  test("tail prints captures as they arrive, with bodies on request", async () => {
    const home = tempHome();
    const { id } = await newBin(home);
    await ingestOk(worker.url, id, { path: "/x?y=1", body: "hello", headers: { "content-type": "text/plain" } });
    const tail = startCli(["tail", id, "--from-start", "--json", "--body"], { home });
    const first = await tail.waitFor((e) => e.type === "capture" && e.seq === 1, "#1");
    assert.deepEqual([first.method, first.path, first.query, Buffer.from(first.body_b64, "base64").toString()], ["POST", "/x", "y=1", "hello"]);
    await ingestOk(worker.url, id, { method: "PUT", body: "later" });
    const second = await tail.waitFor((e) => e.type === "capture" && e.seq === 2, "#2");
    assert.equal(second.method, "PUT");
    tail.child.kill("SIGINT");
    await tail.exited;
    const text = startCli(["tail", id, "--since", "1", "--body"], { home });
    const line = await text.waitFor((e) => e.type === "text" && e.line.startsWith("#2 "), "the text line of #2");
    assert.match(line.line, /^#2 \S+Z PUT +\/ text\/plain;charset=UTF-8 5 B$/);
    await text.waitFor((e) => e.type === "text" && e.line === "later", "the body");
    text.child.kill("SIGINT");
    await text.exited;
  });

  test("replay follows the service's attempts to success, and fails on a 404", async () => {
    const home = tempHome();
    const { id } = await newBin(home);
    await ingestOk(worker.url, id, { body: "again" });
    const target = await startTarget((n) => ({ status: n === 1 ? 503 : 200 }));
    const ok = await runCli(["replay", id, "1", "--to", `${target.url}/r`, "--json"], { home });
    assert.equal(ok.code, 0, ok.stderr);
    const lines = ok.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.type), ["queued", "attempt", "attempt", "succeeded"]);
    assert.deepEqual(lines.filter((l) => l.type === "attempt").map((l) => l.attempt.status_code), [503, 200]);
    assert.equal(target.received[1].body.toString(), "again");
    const missing = await startTarget(() => ({ status: 404 }));
    const failed = await runCli(["replay", id, `${id}-1`, "--to", missing.url], { home });
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /failed: target answered 404/);
    await target.close();
    await missing.close();
  });
});
