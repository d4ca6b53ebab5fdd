// `polyhook listen --reply`: the sender gets the local app's own answer,
// through the bin's responder socket, against the built worker on
// Miniflare, with real senders (fetch), a real local app on 127.0.0.1 and
// the real CLI, killed and replaced for real.
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import examples from "@octokit/webhooks-examples" with { type: "json" };
import { sign, verify } from "@octokit/webhooks-methods";
import WebSocket from "ws";
import { getJson, ingest, ingestOk } from "./support/api.mjs";
import { runCli, startCli, tempHome } from "./support/cli.mjs";
import { scrape, scrapeUntil, value } from "./support/metrics.mjs";
import { subscribe } from "./support/sse.mjs";
import { startWorker } from "./support/worker.mjs";

/** A local app whose answers come from `handle(req, body, n)` (async; may sleep). */
async function startApp(handle) {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      const answer = (await handle(req, body, received.length)) ?? {};
      if (res.destroyed) return;
      res.writeHead(answer.status ?? 200, answer.headers ?? {});
      res.end(answer.body ?? "");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    received,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

async function newBin(home, base) {
  const out = await runCli(["new", "--base", base, "--json"], { home });
  assert.equal(out.code, 0, out.stderr);
  const made = JSON.parse(out.stdout);
  return { ...made, record: JSON.parse(fs.readFileSync(made.saved, "utf8")) };
}

/** `listen --reply` on `bin` to `to`, seated and caught up. */
async function responder(home, bin, to, extra = []) {
  const cli = startCli(["listen", bin, "--to", to, "--json", "--reply", ...extra], { home });
  await cli.waitFor((e) => e.type === "responder", "seated as the responder");
  await cli.waitFor((e) => e.type === "caught_up", "caught up");
  return cli;
}

const detail = (base, id, seq) => getJson(`${base}/v1/bins/${id}/requests/${id}-${seq}`);

async function until(predicate, what, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("listen --reply, the app answers in time", () => {
  let worker;
  before(async () => (worker = await startWorker({ vars: { REPLY_TIMEOUT_MS: "5000" } })));
  after(() => worker.dispose());

  test("Slack's url_verification challenge comes back to the sender byte for byte", async () => {
    const home = tempHome();
    const { id } = await newBin(home, worker.url);
    const app = await startApp((req, body) => {
      const event = JSON.parse(body.toString());
      return event.type === "url_verification"
        ? { status: 200, headers: { "content-type": "text/plain" }, body: event.challenge }
        : { status: 200 };
    });
    const viewer = subscribe(`${worker.url}/v1/bins/${id}/stream`);
    await viewer.opened;
    const cli = await responder(home, id, app.url);
    await viewer.until((events) => events.some((e) => e.type === "listener" && e.data.connected), 15_000, "the listener event");
    // Slack's documented url_verification body; the challenge is opaque to everyone but the app.
    const challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P";
    const payload = JSON.stringify({ token: "Jhj5dZrVaK7ZwHHjRyZWjbDl", challenge, type: "url_verification" });
    const res = await ingest(worker.url, id, { path: "/slack/events", body: payload, headers: { "content-type": "application/json" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/plain");
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), Buffer.from(challenge), "the challenge, byte for byte");
    const stored = await detail(worker.url, id, 1);
    assert.equal(stored.response.source, "listener");
    assert.equal(stored.response.status, 200);
    assert.equal(stored.response.pending, false);
    assert.equal(stored.response.fallback, null);
    assert.ok(stored.response.waited_ms >= 0);
    assert.deepEqual(stored.response.listener, { status: 200, body_size: challenge.length, dropped_headers: [], late: false });
    await viewer.until((events) => events.some((e) => e.type === "response"), 15_000, "the response event");
    const request = viewer.events.find((e) => e.type === "request");
    assert.equal(request.data.response.pending, true, "the request event went out while the sender waited");
    const response = viewer.events.find((e) => e.type === "response");
    assert.equal(response.id, "", "a response event has no id: the resume point stays the capture");
    assert.deepEqual([response.data.request_id, response.data.response.source], [`${id}-1`, "listener"]);
    const delivered = await cli.waitFor((e) => e.type === "delivered" && e.seq === 1, "#1 delivered");
    assert.equal(delivered.replied, true);
    cli.child.kill("SIGINT");
    assert.equal((await cli.exited).code, 130);
    await viewer.until((events) => events.some((e) => e.type === "listener" && !e.data.connected), 15_000, "the listener left");
    viewer.close();
    await app.close();
  });

  test("a signed GitHub delivery: the app's 201, headers and body reach the sender exactly", async () => {
    const home = tempHome();
    const { id } = await newBin(home, worker.url);
    const secret = "It's a Secret to Everybody";
    const cookiePath = `/v1/bins/${id}/in`;
    const app = await startApp(async (req, body) => {
      const ok = await verify(secret, body.toString(), req.headers["x-hub-signature-256"]);
      if (!ok) return { status: 401, body: "bad signature" };
      return {
        status: 201,
        headers: {
          "content-type": "application/json",
          "x-app-delivery": req.headers["x-github-delivery"],
          "set-cookie": [`seen=1; Path=${cookiePath}`, `run=7; Path=${cookiePath}; HttpOnly`, "site=1; Path=/"],
          "clear-site-data": '"storage"',
        },
        body: JSON.stringify({ accepted: req.headers["x-github-event"] }),
      };
    });
    const cli = await responder(home, id, app.url);
    const example = examples.find((e) => e.name === "push").examples[0];
    const body = JSON.stringify(example);
    const res = await ingest(worker.url, id, {
      path: "/github",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        "x-hub-signature-256": await sign(secret, body),
      },
    });
    assert.equal(res.status, 201, "the app verified GitHub's signature and answered 201");
    assert.equal(res.headers.get("x-app-delivery"), "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assert.deepEqual(res.headers.getSetCookie(), [`seen=1; Path=${cookiePath}`, `run=7; Path=${cookiePath}; HttpOnly`], "repeated Set-Cookie survive; one for the whole site does not");
    assert.equal(res.headers.get("clear-site-data"), null, "nothing reaches past the one response");
    assert.equal(await res.text(), JSON.stringify({ accepted: "push" }));
    const stored = await detail(worker.url, id, 1);
    assert.equal(stored.response.source, "listener");
    assert.deepEqual(stored.response.listener.dropped_headers, ["set-cookie", "clear-site-data"]);
    cli.child.kill("SIGINT");
    await cli.exited;
    await app.close();
  });

  test("the owner only: a responder needs the delete token and takes no filters", async () => {
    const home = tempHome();
    const { id, record } = await newBin(home, worker.url);
    const open = (query, headers) => new Promise((resolve) => {
      const ws = new WebSocket(`${worker.url.replace(/^http/, "ws")}/v1/bins/${id}/ws${query}`, { headers });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode));
      ws.on("open", () => (ws.close(), resolve(101)));
      ws.on("error", () => {});
    });
    assert.equal(await open("?reply=1", {}), 401);
    assert.equal(await open("?reply=1", { "x-delete-token": "not-the-token" }), 401);
    assert.equal(await open("?reply=1&path_prefix=/github", { "x-delete-token": record.delete_token }), 400);
    assert.equal(await open("?reply=1", { "x-delete-token": record.delete_token }), 101);
    // A reader cannot pass for the responder: its replies are ignored, and count against its message rate.
    const reader = new WebSocket(`${worker.url.replace(/^http/, "ws")}/v1/bins/${id}/ws`);
    const closed = new Promise((resolve) => reader.on("close", (code) => resolve(code)));
    const got = new Promise((resolve) => reader.on("message", (m) => { if (JSON.parse(String(m)).type === "request") resolve(); }));
    await new Promise((resolve) => reader.on("open", resolve));
    assert.equal((await ingest(worker.url, id, { body: "x" })).status, 202, "no responder: the default");
    await got;
    for (let i = 0; i < 40 && reader.readyState === WebSocket.OPEN; i++) reader.send(JSON.stringify({ type: "reply", seq: 1, status: 200 }));
    assert.equal(await closed, 4008, "closed for flooding, as any reader would be");
    assert.equal((await detail(worker.url, id, 1)).response.listener, null, "nothing recorded");
    const stranger = await runCli(["listen", id, "--to", "http://127.0.0.1:9/", "--reply", "--base", worker.url], { home: tempHome() });
    assert.equal(stranger.code, 1);
    assert.match(stranger.stderr, /delete token/);
    const sse = await runCli(["listen", id, "--to", "http://127.0.0.1:9/", "--reply", "--transport", "sse"], { home });
    assert.match(sse.stderr, /needs the WebSocket/);
  });

  test("a newer responder takes over; the older one says so and exits", async () => {
    const home = tempHome();
    const { id } = await newBin(home, worker.url);
    const first = await startApp(() => ({ status: 200, body: "first" }));
    const second = await startApp(() => ({ status: 200, body: "second" }));
    const a = await responder(home, id, first.url);
    const b = await responder(home, id, second.url);
    const { code } = await a.exited;
    assert.equal(code, 1);
    assert.match(a.stderr(), /took over/);
    const res = await ingest(worker.url, id, { body: "x" });
    assert.equal(await res.text(), "second");
    assert.equal(first.received.length, 0);
    b.child.kill("SIGINT");
    await b.exited;
    await Promise.all([first.close(), second.close()]);
  });
});

describe("listen --reply, on a bin that sleeps", () => {
  let worker;
  before(async () => (worker = await startWorker({ vars: { REPLY_TIMEOUT_MS: "5000" } })));
  after(() => worker.dispose());
  const starts = async () => Number((await scrape(worker.url)).match(/^polyhook_object_starts_total\{class="bin"\} (\d+)/m)?.[1] ?? 0);

  test("a bin whose only client is its responder sleeps between captures; the next one wakes it and gets the app's answer", async () => {
    const home = tempHome();
    const { id } = await newBin(home, worker.url);
    const app = await startApp((_req, body) => ({ status: 200, body: `app saw ${body}` }));
    const cli = await responder(home, id, app.url);
    await sleep(2500); // one metrics flush
    const before = await starts();
    let [evicted, waited, sent] = [false, 0, 0];
    while (!evicted && waited < 60_000) {
      await sleep(12_000);
      waited += 12_000;
      const res = await ingest(worker.url, id, { body: String(++sent) });
      assert.deepEqual([res.status, await res.text()], [200, `app saw ${sent}`], "the app answered, asleep or not");
      await sleep(2500);
      evicted = (await starts()) > before;
    }
    assert.ok(evicted, "the responder-only bin was evicted while idle");
    console.log(`responder-only bin: evicted within ${waited} ms idle; ${sent} captures, each answered by the app`);
    cli.child.kill("SIGINT");
    await cli.exited;
    await app.close();
  });
});

describe("listen --reply, falling back", () => {
  let worker;
  before(async () => (worker = await startWorker({ vars: { REPLY_TIMEOUT_MS: "800", REPLY_MAX_WAITING: "2" } })));
  after(() => worker.dispose());

  test("an app past the timeout: the sender gets the rule's answer; the capture is delivered and its late answer recorded", async () => {
    const home = tempHome();
    const { id, record } = await newBin(home, worker.url);
    const rules = { rules: [{ status: 503, headers: { "retry-after": "30" }, body: "try later" }] };
    const put = await fetch(`${worker.url}/v1/bins/${id}/responses`, { method: "PUT", headers: { "x-delete-token": record.delete_token }, body: JSON.stringify(rules) });
    assert.equal(put.status, 200);
    const app = await startApp(async () => (await sleep(2500), { status: 202, body: "late" }));
    const cli = await responder(home, id, app.url);
    const res = await ingest(worker.url, id, { body: "slow" });
    assert.equal(res.status, 503);
    assert.equal(await res.text(), "try later");
    const stored = await detail(worker.url, id, 1);
    assert.deepEqual([stored.response.source, stored.response.rule, stored.response.fallback], ["rule", 0, "timeout"]);
    assert.ok(stored.response.waited_ms >= 700, `waited ${stored.response.waited_ms} ms`);
    await cli.waitFor((e) => e.type === "delivered" && e.seq === 1, "#1 delivered to the app");
    await until(async () => (await detail(worker.url, id, 1)).response.listener !== null, "the late answer recorded");
    const late = await detail(worker.url, id, 1);
    assert.deepEqual(late.response.listener, { status: 202, body_size: 4, dropped_headers: [], late: true });
    assert.equal(late.response.source, "rule", "the sender got the rule's answer");
    assert.equal(app.received.length, 1, "sent to the app once");
    cli.child.kill("SIGINT");
    await cli.exited;
    await app.close();
  });

  test("a responder killed mid-wait: the sender gets the 202 at once, and the capture is delivered after the restart", async () => {
    const home = tempHome();
    const { id } = await newBin(home, worker.url);
    let kill;
    const killed = new Promise((resolve) => (kill = resolve));
    const app = await startApp(async (_req, _body, n) => {
      if (n === 1) {
        kill();
        await sleep(60_000);
      }
      return { status: 200, body: "fine" };
    });
    const cli = await responder(home, id, app.url);
    const sent = ingest(worker.url, id, { body: "one" });
    await killed;
    cli.child.kill("SIGKILL");
    const res = await sent;
    assert.equal(res.status, 202);
    const stored = await detail(worker.url, id, 1);
    assert.deepEqual([stored.response.source, stored.response.fallback], ["default", "disconnected"]);
    const again = await responder(home, id, app.url, []);
    await again.waitFor((e) => e.type === "delivered" && e.seq === 1, "#1 after the restart");
    assert.equal(app.received.length, 2, "the capture in flight at the kill is sent again: at least once");
    again.child.kill("SIGINT");
    await again.exited;
    await app.close();
  });

  test("the waiting-answers cap: past it senders get the fallback at once, and the bin answers meanwhile", async () => {
    const home = tempHome();
    const { id } = await newBin(home, worker.url);
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    const app = await startApp(async () => (await gate, { status: 200, body: "app" }));
    const cli = await responder(home, id, app.url);
    const before = value(await scrape(worker.url), "polyhook_listener_answers_total", 'outcome="busy"');
    const waiting = [ingest(worker.url, id, { body: "1" }), ingest(worker.url, id, { body: "2" })];
    await until(async () => (await getJson(`${worker.url}/v1/bins/${id}/requests`)).items.length === 2, "two stored");
    // Two senders wait (REPLY_MAX_WAITING=2): the next are answered at once, and reads go on.
    const third = await ingest(worker.url, id, { body: "3" });
    assert.equal(third.status, 202);
    const fourth = await ingest(worker.url, id, { body: "4" });
    assert.equal(fourth.status, 202);
    assert.equal((await detail(worker.url, id, 3)).response.fallback, "busy");
    assert.equal((await detail(worker.url, id, 4)).response.fallback, "busy");
    release();
    const answers = await Promise.all(waiting);
    assert.deepEqual(await Promise.all(answers.map((r) => r.text())), ["app", "app"], "the first two waited for the app");
    await cli.waitFor((e) => e.type === "delivered" && e.seq === 4, "all four delivered");
    assert.deepEqual(app.received.map((r) => r.body.toString()), ["1", "2", "3", "4"], "forwarded in order");
    await scrapeUntil(worker.url, (t) => value(t, "polyhook_listener_answers_total", 'outcome="busy"') >= before + 2, "two busy fallbacks counted");
    cli.child.kill("SIGINT");
    await cli.exited;
    await app.close();
  });

  test("SIGKILLed three times with --reply on: every capture reaches the app, in order within each run", async () => {
    const home = tempHome();
    const { id } = await newBin(home, worker.url);
    let run = 0;
    const log = [];
    const app = await startApp((_req, body) => {
      log.push({ run, n: Number(body.toString()) });
      return { status: 200, body: "ok" };
    });
    let cli = await responder(home, id, app.url);
    const total = 120;
    const statuses = new Set();
    for (let i = 1; i <= total; i++) {
      const res = await ingest(worker.url, id, { body: String(i) });
      statuses.add(res.status);
      await res.arrayBuffer();
      if (i % 30 === 0 && run < 3) {
        cli.child.kill("SIGKILL");
        await cli.exited;
        run += 1;
        cli = startCli(["listen", id, "--to", app.url, "--json", "--reply"], { home });
      }
    }
    assert.ok(statuses.has(200), "the app answered while caught up");
    assert.ok([...statuses].every((s) => s === 200 || s === 202), `only the app's 200 or the default 202: ${[...statuses]}`);
    await until(() => new Set(log.map((l) => l.n)).size === total, `all ${total} at the app`, 60_000);
    for (let r = 0; r <= run; r++) {
      const seqs = log.filter((l) => l.run === r).map((l) => l.n);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `run ${r} in order`);
    }
    const duplicates = log.length - total;
    console.log(`reply-restart: sent ${total}, received ${log.length}, duplicates ${duplicates}, lost 0, runs ${run + 1}`);
    assert.ok(duplicates <= 3, `at most one resend per kill, got ${duplicates}`);
    cli.child.kill("SIGINT");
    await cli.exited;
    await app.close();
  });
});
