// The native `polyhook` command against the built worker on Miniflare and
// local targets on 127.0.0.1: byte-exact forwarding, at-least-once order
// across SIGKILLs, retries, the end of a bin, tail and replay.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import examples from "@octokit/webhooks-examples" with { type: "json" };
import { sign, verify } from "@octokit/webhooks-methods";
import { ingestOk } from "./support/api.mjs";
import { runCli, startCli, tempHome } from "./support/cli.mjs";
import { startTarget } from "./support/target.mjs";
import { startWorker } from "./support/worker.mjs";

let worker;
before(async () => (worker = await startWorker({ vars: { MAX_CAPTURES_PER_BIN: "300" } })));
after(() => worker.dispose());

/** `polyhook new` in `home`; returns its JSON answer plus the saved record. */
async function newBin(home, extra = []) {
  const out = await runCli(["new", "--base", worker.url, "--json", ...extra], { home });
  assert.equal(out.code, 0, out.stderr);
  const made = JSON.parse(out.stdout);
  return { ...made, record: JSON.parse(fs.readFileSync(made.saved, "utf8")) };
}

const listen = (home, bin, to, extra = []) => startCli(["listen", bin, "--to", to, "--json", ...extra], { home });
const delivered = (cli, seq) => cli.waitFor((e) => e.type === "delivered" && e.seq === seq, `delivery of #${seq}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe("polyhook new", () => {
  test("saves the tokens readable by the user only and prints the listen command", async () => {
    const home = tempHome();
    const made = await newBin(home);
    assert.match(made.ingest_url, new RegExp(`/v1/bins/${made.id}/in$`));
    assert.equal(fs.statSync(made.saved).mode & 0o777, 0o600);
    assert.equal(made.record.delete_token.length, 48);
    assert.equal(made.record.read_token, null);
    assert.match(made.listen, new RegExp(`^polyhook listen ${made.id} --base ${worker.url} --to `));
    const text = await runCli(["new", "--base", worker.url, "--private"], { home });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^private bin [a-z0-9]{12}\n  ingest   http/);
  });

  test("a private bin is forwarded with the saved read token", async () => {
    const home = tempHome();
    const made = await newBin(home, ["--private"]);
    assert.equal(made.private, true);
    const anonymous = await fetch(`${worker.url}/v1/bins/${made.id}/stream`);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const target = await startTarget();
    const cli = listen(home, made.id, target.url);
    await cli.waitFor((e) => e.type === "caught_up", "caught up");
    await ingestOk(worker.url, made.id, { body: "secret" });
    await delivered(cli, 1);
    assert.equal(target.received[0].body.toString(), "secret");
    cli.child.kill("SIGINT");
    assert.equal((await cli.exited).code, 130);
    await target.close();
  });
});

describe("polyhook listen", () => {
  test("bodies and methods arrive byte for byte", async () => {
    const home = tempHome();
    const { id } = await newBin(home);
    const target = await startTarget();
    const cases = [
      { method: "POST", path: "/bin", body: randomBytes(4096), type: "application/octet-stream" },
      { method: "POST", path: "/form", body: Buffer.from("a=1&b=%20x&c=%C3%A9&d=+"), type: "application/x-www-form-urlencoded" },
      { method: "PUT", path: "/empty", body: Buffer.alloc(0), type: "text/plain" },
      { method: "PATCH", path: "/latin1", body: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff, 0xfe, 0x00]), type: "text/plain; charset=iso-8859-1" },
      { method: "POST", path: "/big", body: randomBytes(1024 * 1024), type: "application/octet-stream" },
      { method: "DELETE", path: "/gone", body: Buffer.from("{\n  \"spaced\" :  1 }"), type: "application/json" },
    ];
    for (const c of cases) {
      await ingestOk(worker.url, id, { method: c.method, path: `${c.path}?q=1&r=%2F`, body: c.body, headers: { "content-type": c.type, "x-custom": "kept" } });
    }
    const cli = listen(home, id, `${target.url}/hook`, ["--from-start", "--keep-path"]);
    await delivered(cli, cases.length);
    cases.forEach((c, i) => {
      const got = target.received[i];
      assert.equal(got.method, c.method);
      assert.equal(got.url, `/hook${c.path}?q=1&r=%2F`);
      assert.ok(got.body.equals(c.body), `${c.path}: ${got.body.length} bytes, sent ${c.body.length}`);
      assert.equal(got.headers["content-type"], c.type);
      assert.equal(got.headers["x-custom"], "kept");
    });
    cli.child.kill("SIGINT");
    await cli.exited;
    await target.close();
  });

  test("GitHub's signatures still verify at the target", async () => {
    const secret = "It's a Secret to Everybody";
    const home = tempHome();
    const { id } = await newBin(home);
    const target = await startTarget();
    const payloads = examples
      .filter((e) => ["push", "issues", "pull_request", "ping"].includes(e.name))
      .flatMap((e) => e.examples.slice(0, 3).map((ex) => ({ event: e.name, body: JSON.stringify(ex, null, 2) })));
    assert.ok(payloads.length >= 9);
    const cli = listen(home, id, target.url);
    await cli.waitFor((e) => e.type === "caught_up", "caught up");
    for (const [i, p] of payloads.entries()) {
      await ingestOk(worker.url, id, {
        body: p.body,
        headers: { "content-type": "application/json", "x-github-event": p.event, "x-github-delivery": `d-${i}`, "x-hub-signature-256": await sign(secret, p.body) },
      });
    }
    await delivered(cli, payloads.length);
    for (const got of target.received) {
      assert.ok(await verify(secret, got.body.toString("utf8"), got.headers["x-hub-signature-256"]), got.headers["x-github-delivery"]);
    }
    assert.equal(target.received.length, payloads.length);
    cli.child.kill("SIGINT");
    await cli.exited;
    await target.close();
  });

  test("500 and 429 are retried (Retry-After honoured); 404 is the app's answer and is not", async () => {
    const home = tempHome();
    const { id } = await newBin(home);
    const target = await startTarget((n) => [{ status: 500 }, { status: 429, headers: { "retry-after": "1" } }, { status: 200 }, { status: 404 }][n - 1] ?? { status: 200 });
    await ingestOk(worker.url, id, { body: "first" });
    await ingestOk(worker.url, id, { body: "second" });
    const cli = listen(home, id, target.url, ["--from-start"]);
    const first = await delivered(cli, 1);
    const second = await delivered(cli, 2);
    assert.deepEqual([first.status, first.attempts, first.error], [200, 3, null]);
    assert.deepEqual([second.status, second.attempts, second.error], [404, 1, null]);
    const retries = cli.events.filter((e) => e.type === "retry");
    assert.deepEqual(retries.map((r) => [r.seq, r.reason, r.wait_ms]), [[1, "target answered 500", 500], [1, "target answered 429", 1000]]);
    await sleep(300);
    assert.deepEqual(target.received.map((r) => r.body.toString()), ["first", "first", "first", "second"]);
    cli.child.kill("SIGINT");
    await cli.exited;
    await target.close();
  });

  test("a bin deleted mid-run ends the command with its reason and status 3", async () => {
    const home = tempHome();
    const made = await newBin(home);
    const target = await startTarget();
    const cli = listen(home, made.id, target.url);
    await cli.waitFor((e) => e.type === "caught_up", "caught up");
    await ingestOk(worker.url, made.id, { body: "x" });
    await delivered(cli, 1);
    const res = await fetch(`${worker.url}/v1/bins/${made.id}`, { method: "DELETE", headers: { "x-delete-token": made.record.delete_token } });
    assert.equal(res.status, 204);
    assert.equal((await cli.exited).code, 3);
    assert.match(cli.stderr(), new RegExp(`bin ${made.id} was deleted; forwarded 1 captures, last seq 1`));
    const again = await runCli(["listen", made.id, "--to", target.url], { home });
    assert.equal(again.code, 3);
    assert.match(again.stderr, /404/);
    await target.close();
  });

  test("a corrupt checkpoint is refused rather than skipped over", async () => {
    const home = tempHome();
    const { id } = await newBin(home);
    const to = "http://127.0.0.1:9/never";
    const first = startCli(["listen", id, "--to", to, "--json"], { home });
    const listening = await first.waitFor((e) => e.type === "listening");
    first.child.kill("SIGINT");
    await first.exited;
    const file = listening.message.split("checkpoint ").pop();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"bin":"');
    const out = await runCli(["listen", id, "--to", to], { home });
    assert.equal(out.code, 1);
    assert.match(out.stderr, /is unreadable .*--since SEQ or --from-start/);
  });
});
