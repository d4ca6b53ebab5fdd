// The playground page is served as static assets (wrangler.toml [assets]),
// with strict headers from public/_headers; the worker answers everything else.
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

test("every page file carries the page's headers; the worker's replies and _headers itself do not", async () => {
  for (const file of ["/", "/style.css", "/js/api.js"]) {
    const res = await fetch(`${worker.url}${file}`);
    assert.equal(res.status, 200, file);
    await res.arrayBuffer();
    assert.match(res.headers.get("content-security-policy"), /frame-ancestors 'none'/, file);
    assert.equal(res.headers.get("referrer-policy"), "no-referrer", file);
    assert.equal(res.headers.get("x-frame-options"), "DENY", file);
    assert.equal(res.headers.get("cache-control"), "no-cache", file);
  }
  const rules = await fetch(`${worker.url}/_headers`);
  assert.equal(rules.status, 404);
  assert.match(rules.headers.get("content-type"), /application\/json/);
  // The page's CSP must never be merged into a reply the worker makes (a bin's raw view has its own sandbox CSP).
  const health = await fetch(`${worker.url}/healthz`);
  await health.arrayBuffer();
  assert.equal(health.headers.get("content-security-policy"), null);
  assert.equal(health.headers.get("x-frame-options"), null);
});
