// `polyhook listen` and `tail` over the WebSocket: the default transport,
// the fallback to SSE on a service without `/ws` (as the twins are), and
// a deploy that drops every socket, after which they resume losing and
// repeating nothing.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { ingestOk } from "./support/api.mjs";
import { runCli, startCli, tempHome } from "./support/cli.mjs";
import { startTarget } from "./support/target.mjs";
import { startWorker } from "./support/worker.mjs";
import { withoutSockets } from "./support/proxy.mjs";

async function newBin(home, base) {
  const out = await runCli(["new", "--base", base, "--json"], { home });
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout);
}

/** A new bin, a target, and `listen` and `tail` on it, both connected; they must have chosen the socket. */
async function listenAndTail(base) {
  const home = tempHome();
  const { id } = await newBin(home, base);
  const target = await startTarget();
  const listen = startCli(["listen", id, "--to", target.url, "--json"], { home });
  const tail = startCli(["tail", id, "--json"], { home });
  assert.equal((await listen.waitFor((e) => e.type === "connected", "listen connected")).transport, "websocket");
  assert.equal((await tail.waitFor((e) => e.type === "connected", "tail connected")).transport, "websocket");
  return { id, target, listen, tail };
}

test("listen and tail use the WebSocket by default", async () => {
  const worker = await startWorker();
  try {
    const { id, target, listen, tail } = await listenAndTail(worker.url);
    for (let i = 1; i <= 5; i++) await ingestOk(worker.url, id, { body: String(i) });
    await listen.waitFor((e) => e.type === "delivered" && e.seq === 5, "#5 forwarded");
    await tail.waitFor((e) => e.type === "capture" && e.seq === 5, "#5 shown");
    assert.deepEqual(target.received.map((r) => r.body.toString()), ["1", "2", "3", "4", "5"]);
    assert.deepEqual(tail.events.filter((e) => e.type === "capture").map((e) => e.seq), [1, 2, 3, 4, 5]);
    for (const cli of [listen, tail]) cli.child.kill("SIGINT");
    await Promise.all([listen.exited, tail.exited]);
    await target.close();
  } finally {
    await worker.dispose();
  }
});

test("against a service without /ws, listen falls back to SSE and forwards everything", async () => {
  const worker = await startWorker();
  const proxy = await withoutSockets(worker.url);
  try {
    const home = tempHome();
    const { id } = await newBin(home, proxy.url);
    const target = await startTarget();
    await ingestOk(worker.url, id, { body: "before" });
    const listen = startCli(["listen", id, "--to", target.url, "--json", "--from-start"], { home });
    assert.equal((await listen.waitFor((e) => e.type === "connected", "connected")).transport, "sse");
    await ingestOk(worker.url, id, { body: "after" });
    await listen.waitFor((e) => e.type === "delivered" && e.seq === 2, "#2 forwarded");
    assert.deepEqual(target.received.map((r) => r.body.toString()), ["before", "after"]);
    listen.child.kill("SIGINT");
    await listen.exited;
    const only = await runCli(["tail", id, "--json", "--transport", "websocket"], { home });
    assert.equal(only.code, 1, "asked for the socket only, it says the service has none");
    assert.match(only.stderr, /no WebSocket feed/);
    await target.close();
  } finally {
    await proxy.close();
    await worker.dispose();
  }
});

test("a deploy drops every socket: listen and tail reconnect and resume, nothing lost or repeated", async () => {
  const persistTo = fs.mkdtempSync(path.join(os.tmpdir(), "polyhook-deploy-"));
  const worker = await startWorker({ persistTo });
  try {
    const { id, target, listen, tail } = await listenAndTail(worker.url);
    for (let i = 1; i <= 10; i++) await ingestOk(worker.url, id, { body: String(i) });
    await listen.waitFor((e) => e.type === "delivered" && e.seq === 10, "#10 before the deploy");
    await worker.restart();
    for (let i = 11; i <= 20; i++) await ingestOk(worker.url, id, { body: String(i) });
    await listen.waitFor((e) => e.type === "delivered" && e.seq === 20, "#20 after the deploy");
    await tail.waitFor((e) => e.type === "capture" && e.seq === 20, "#20 shown after the deploy");
    const connects = listen.events.filter((e) => e.type === "connected");
    assert.ok(connects.length >= 2 && connects.every((c) => c.transport === "websocket"), JSON.stringify(connects));
    const bodies = target.received.map((r) => Number(r.body.toString()));
    assert.deepEqual(bodies, Array.from({ length: 20 }, (_, i) => i + 1), "each once, in order");
    assert.deepEqual(tail.events.filter((e) => e.type === "capture").map((e) => e.seq), bodies);
    for (const cli of [listen, tail]) cli.child.kill("SIGINT");
    await Promise.all([listen.exited, tail.exited]);
    await target.close();
  } finally {
    await worker.dispose();
  }
});
