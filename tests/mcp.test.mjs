// `polyhook mcp` driven by the official TypeScript MCP client over stdio:
// the tools and their schemas, then an agent's session against the built
// worker (a bin, a signed GitHub delivery, waiting for it, reading it,
// replaying it, deleting the bin), and no secret in any tool result.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import examples from "@octokit/webhooks-examples" with { type: "json" };
import { sign } from "@octokit/webhooks-methods";
import { startWorker } from "./support/worker.mjs";
import { cliPath, tempHome } from "./support/cli.mjs";
import { startTarget } from "./support/target.mjs";
import { ingestOk } from "./support/api.mjs";

const SECRET = "It's a Secret to Everybody";
let worker;
let client;
let home;
const results = [];

before(async () => {
  worker = await startWorker();
  home = tempHome();
  const { POLYHOOK_BASE: _unused, ...env } = process.env;
  const transport = new StdioClientTransport({ command: cliPath, args: ["mcp", "--base", worker.url], env: { ...env, POLYHOOK_HOME: home }, stderr: "pipe" });
  client = new Client({ name: "polyhook-tests", version: "1.0.0" });
  await client.connect(transport);
});
after(async () => {
  await client?.close();
  await worker?.dispose();
});

/** Calls a tool, keeps its result for the secrets check, and returns its structured content. */
async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  results.push(JSON.stringify(result));
  return result;
}

test("the server lists its tools, each with an input schema", async () => {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  assert.deepEqual(names, ["create_bin", "delete_bin", "get_request", "list_requests", "replay", "set_responses", "set_verifier", "wait_for_request"]);
  for (const t of tools) {
    assert.equal(t.inputSchema.type, "object", t.name);
    assert.ok(t.description.length > 20, t.name);
  }
  const wait = tools.find((t) => t.name === "wait_for_request");
  assert.ok(wait.inputSchema.required.includes("bin"));
  assert.ok(["method", "path", "header", "verified", "after", "timeout_s"].every((p) => p in wait.inputSchema.properties));
});

test("an agent's session: create, a signed GitHub delivery, wait, read, replay, delete; no secret in any result", async () => {
  const made = await call("create_bin", { private: false });
  assert.equal(made.isError, false);
  const bin = made.structuredContent.id;
  assert.match(made.structuredContent.ingest_url, new RegExp(`/v1/bins/${bin}/in$`));
  const saved = JSON.parse(fs.readFileSync(`${home}/bins/${bin}.json`, "utf8"));

  const set = await call("set_verifier", { bin, scheme: "github", secret: SECRET });
  assert.equal(set.isError, false, JSON.stringify(set));

  const push = examples.find((e) => e.name === "push").examples[0];
  const body = JSON.stringify(push);
  const waiting = call("wait_for_request", { bin, path: "/github", header: ["x-github-event=push"], verified: true, timeout_s: 20 });
  await new Promise((r) => setTimeout(r, 300));
  await ingestOk(worker.url, bin, { path: "/github", body, headers: { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": await sign(SECRET, body) } });
  const waited = await waiting;
  assert.equal(waited.isError, false, JSON.stringify(waited));
  const capture = waited.structuredContent.capture;
  assert.equal(capture.verification.valid, true);
  assert.equal(capture.verification.scheme, "github");

  const got = await call("get_request", { bin, request_id: capture.id });
  assert.equal(got.structuredContent.body.text, body, "the body byte for byte, as text");
  assert.equal(got.structuredContent.body.base64, false);
  assert.equal(got.structuredContent.headers["x-github-event"], "push");

  const listed = await call("list_requests", { bin, verified: true });
  assert.deepEqual(listed.structuredContent.items.map((i) => i.id), [capture.id]);

  const target = await startTarget();
  try {
    const replayed = await call("replay", { bin, request_id: String(capture.seq), target_url: `${target.url}/hook`, max_retries: 0 });
    assert.equal(replayed.isError, false, JSON.stringify(replayed));
    assert.ok(["queued", "in_progress", "succeeded"].includes(replayed.structuredContent.status), replayed.structuredContent.status);
    for (let i = 0; i < 100 && target.received.length === 0; i += 1) await new Promise((r) => setTimeout(r, 100));
    assert.equal(target.received[0]?.body.toString(), body);
  } finally {
    await target.close();
  }

  const rules = await call("set_responses", { bin, rules: [{ match: { path_prefix: "/slack" }, status: 200, body: "{{seq}}" }] });
  assert.equal(rules.isError, false, JSON.stringify(rules));
  const answered = await fetch(`${worker.url}/v1/bins/${bin}/in/slack`, { method: "POST", body: "{}" });
  assert.deepEqual([answered.status, await answered.text()], [200, String(capture.seq + 1)], "senders get the rule's answer");

  const timedOut = await call("wait_for_request", { bin, method: "DELETE", after: capture.id, timeout_s: 1 });
  assert.deepEqual([timedOut.isError, timedOut.structuredContent.timed_out], [false, true]);

  const deleted = await call("delete_bin", { bin });
  assert.deepEqual(deleted.structuredContent, { deleted: bin });
  const gone = await call("get_request", { bin, request_id: capture.id });
  assert.equal(gone.isError, true);
  assert.match(gone.structuredContent.error, /404/);

  for (const text of results) {
    assert.ok(!text.includes(SECRET) && !text.includes(JSON.stringify(SECRET).slice(1, -1)), "no verifier secret in a result");
    assert.ok(!text.includes(saved.delete_token), "no delete token in a result");
  }
});
