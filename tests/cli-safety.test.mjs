// The `polyhook` command on a developer's machine is safe from what a
// sender chooses: tail shows control characters as escapes (unless --raw),
// listen keeps a sender's proxy headers from the local app (unless asked),
// a capture the app keeps failing goes to a dead-letter file instead of
// blocking the rest, and a saved token only ever goes to its own service.
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import { after, before, test } from "node:test";
import { ingestOk } from "./support/api.mjs";
import { runCli, startCli, tempHome } from "./support/cli.mjs";
import { startTarget } from "./support/target.mjs";
import { startWorker } from "./support/worker.mjs";

let worker;
before(async () => (worker = await startWorker()));
after(() => worker.dispose());

async function newBin(home, extra = []) {
  const out = await runCli(["new", "--base", worker.url, "--json", ...extra], { home });
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout);
}

/** A terminal-hostile body: an OSC 52 clipboard write, a colour change, a carriage return, a bidi override. */
const HOSTILE = "before\x1b]52;c;cHduZWQ=\x07\x1b[31mred\rOVERWRITE\u202Eevil";

test("tail writes control characters as escapes, and --raw as received", async () => {
  const home = tempHome();
  const made = await newBin(home);
  await ingestOk(worker.url, made.id, { body: HOSTILE, headers: { "content-type": "text/plain" } });
  const shown = await tailOnce(home, made.id, []);
  assert.ok(!shown.includes("\x1b") && !shown.includes("\r") && !shown.includes("\u202E"), JSON.stringify(shown));
  assert.ok(shown.includes("before\\x1b]52;c;cHduZWQ=\\x07\\x1b[31mred\\rOVERWRITE\\u{202e}evil"), shown);
  assert.match(shown, /\n {2}content-type: text\/plain\n/);
  const raw = await tailOnce(home, made.id, ["--raw"]);
  assert.ok(raw.includes(HOSTILE), "--raw keeps the bytes");
});

/** Runs `tail --from-start --body --headers` until the first capture is printed, then stops it. */
async function tailOnce(home, bin, extra) {
  const cli = startCli(["tail", bin, "--from-start", "--body", "--headers", ...extra], { home });
  await cli.waitFor((e) => e.type === "text" && e.line.includes("before"), "the body line");
  cli.child.kill("SIGINT");
  await cli.exited;
  return cli.events.filter((e) => e.type === "text").map((e) => e.line).join("\n") + "\n";
}

test("listen keeps a sender's proxy headers from the app unless --keep-proxy-headers", async () => {
  const home = tempHome();
  const made = await newBin(home);
  const claims = { "x-forwarded-for": "127.0.0.1", forwarded: "for=127.0.0.1", "x-real-ip": "127.0.0.1", "x-original-url": "/admin", "x-kept": "yes" };
  await ingestOk(worker.url, made.id, { body: "hi", headers: claims });
  for (const [extra, kept] of [[[], false], [["--keep-proxy-headers"], true]]) {
    const target = await startTarget();
    const cli = startCli(["listen", made.id, "--to", target.url, "--from-start", "--json", ...extra], { home });
    await cli.waitFor((e) => e.type === "delivered" && e.seq === 1, "the delivery");
    cli.child.kill("SIGINT");
    await cli.exited;
    const got = target.received[0].headers;
    assert.equal(got["x-kept"], "yes");
    for (const name of ["x-forwarded-for", "forwarded", "x-real-ip", "x-original-url"]) {
      assert.equal(got[name], kept ? claims[name] : undefined, `${name} with ${extra}`);
    }
    await target.close();
  }
});

test("a capture the app keeps failing goes to the dead-letter file, the next goes on, and --retry-dead re-sends it", async () => {
  const home = tempHome();
  const made = await newBin(home);
  let healthy = false;
  const target = await startTarget((n, req) => ({ status: healthy || req.headers["x-n"] !== "1" ? 200 : 500 }));
  await ingestOk(worker.url, made.id, { body: "one", headers: { "x-n": "1" } });
  await ingestOk(worker.url, made.id, { body: "two", headers: { "x-n": "2" } });
  const cli = startCli(["listen", made.id, "--to", target.url, "--from-start", "--max-retries", "1", "--json"], { home });
  const buried = await cli.waitFor((e) => e.type === "dead_letter", "the dead letter");
  assert.equal(buried.seq, 1);
  await cli.waitFor((e) => e.type === "delivered" && e.seq === 2 && e.status === 200, "the next capture");
  cli.child.kill("SIGINT");
  await cli.exited;
  assert.equal(fs.statSync(buried.file).mode & 0o777, 0o600);
  assert.equal(fs.readFileSync(buried.file, "utf8").trim().split("\n").length, 1);
  healthy = true;
  const again = startCli(["listen", made.id, "--to", target.url, "--retry-dead", "--json"], { home });
  const retried = await again.waitFor((e) => e.type === "dead_letters_retried", "the re-send");
  assert.deepEqual([retried.total, retried.still_failing], [1, 0]);
  again.child.kill("SIGINT");
  await again.exited;
  assert.ok(!fs.existsSync(buried.file), "a delivered dead letter leaves the file");
  const ones = target.received.filter((r) => r.headers["x-n"] === "1");
  assert.equal(ones.at(-1).body.toString(), "one", "the dead letter kept its bytes");
  await target.close();
});

test("a saved read token goes only to the service it was saved with, and no redirect carries it", async () => {
  const home = tempHome();
  const made = await newBin(home, ["--private"]);
  const seen = [];
  const other = http.createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(307, { location: `${worker.url}${req.url}` });
    res.end();
  });
  await new Promise((resolve) => other.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${other.address().port}`;
  const out = await runCli(["tail", made.id, "--base", base], { home });
  assert.notEqual(out.code, 0, "the other service's redirect is not followed");
  assert.ok(seen.length > 0 && seen.every((h) => h["x-authorization"] === undefined), "the saved token stayed home");
  other.close();
});
