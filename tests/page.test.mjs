// The playground page is served by the worker itself, with strict headers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

let worker;
before(async () => { worker = await startWorker(); });
after(async () => { await worker?.dispose(); });

test("/ is the page, with a CSP that forbids inline script", async () => {
  const res = await fetch(`${worker.url}/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  const csp = res.headers.get("content-security-policy");
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  const html = await res.text();
  assert.match(html, /<script[^>]+src=/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline script blocks");
  assert.doesNotMatch(html, /\son[a-z]+=/i, "no inline event handlers");
});

test("page files revalidate with their ETag", async () => {
  const first = await fetch(`${worker.url}/app.js`);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get("content-type"), "text/javascript; charset=utf-8");
  await first.arrayBuffer();
  const again = await fetch(`${worker.url}/app.js`, { headers: { "If-None-Match": first.headers.get("etag") } });
  assert.equal(again.status, 304);
});

test("the page's files are GET-only, and unknown files are 404 JSON", async () => {
  assert.equal((await fetch(`${worker.url}/`, { method: "POST", body: "x" })).status, 405);
  const missing = await fetch(`${worker.url}/nope.js`);
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get("content-type"), /application\/json/);
});
