// The playground's diff and header overrides (public/js/diff.js), pure, in Node.
import assert from "node:assert/strict";
import { test } from "node:test";
import { changedText, diffLines, headerOverrides, parseHeaderLines } from "../public/js/diff.js";

test("a line diff keeps what is common and marks what changed", () => {
  assert.deepEqual(diffLines("a\nb\nc", "a\nx\nc").map((d) => d.op + d.line), [" a", "-b", "+x", " c"]);
  assert.equal(changedText('{\n  "amount": 1000\n}', '{\n  "amount": 999999\n}'), '-   "amount": 1000\n+   "amount": 999999');
  assert.equal(changedText("same", "same"), "");
});

test("edited header lines become sets and removals", () => {
  const original = [["content-type", "application/json"], ["x-a", "1"], ["x-gone", "2"]];
  const edited = parseHeaderLines("Content-Type: text/plain\nx-a: 1\n\nX-New: yes: really");
  assert.deepEqual(edited, [["content-type", "text/plain"], ["x-a", "1"], ["x-new", "yes: really"]]);
  assert.deepEqual(headerOverrides(original, edited), { "content-type": "text/plain", "x-new": "yes: really", "x-gone": null });
});
