// Unit tests of the playground's pure helpers (public/js/*), imported
// straight into node: hex dump, body classification, JSON re-indenting,
// shell quoting and copy-as-curl (checked by running bash).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { hexDump } from "../public/js/hexdump.js";
import { classifyBody, decodeUtf8 } from "../public/js/body.js";
import { prettyJson } from "../public/js/jsonpretty.js";
import { shellQuote, ansiCQuote, canAnsiCQuote } from "../public/js/shell.js";
import { curlForCapture, ingestExamples, captureUrl, forwardedHeaders } from "../public/js/curl.js";

const bytes = (...values) => Uint8Array.from(values);
const text = (s) => new TextEncoder().encode(s);

/** Runs a bash script; returns its stdout as bytes. */
const bash = (script, input) => execFileSync("bash", ["-c", script], { input, maxBuffer: 16 << 20 });

const hasHexdump = (() => {
  try {
    bash("command -v hexdump");
    return true;
  } catch {
    return false;
  }
})();

test("hexDump matches hexdump -C line for line", { skip: !hasHexdump && "hexdump(1) is not installed" }, () => {
  for (const input of [bytes(), text("hello\n"), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256)), text("exactly sixteen!")]) {
    const ours = hexDump(input).text;
    // hexdump -C also prints a final line with the total length; ours does not.
    const theirs = bash("hexdump -C", input).toString().trimEnd().split("\n").slice(0, -1).join("\n");
    const expanded = theirs.replace(/^\*$/m, () => { throw new Error("hexdump folded repeated lines; pick other input"); });
    assert.equal(ours, expanded, `input of ${input.length} bytes`);
  }
});

test("hexDump stops at the limit and reports how much it showed", () => {
  const dump = hexDump(new Uint8Array(100).fill(0x41), { limit: 32 });
  assert.equal(dump.shown, 32);
  assert.equal(dump.total, 100);
  assert.equal(dump.text.split("\n").length, 2);
  assert.equal(dump.text.split("\n")[1], "00000010  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|");
  assert.equal(hexDump(new ArrayBuffer(3)).text, "00000000  00 00 00                                          |...|");
});

test("classifyBody: JSON by content type or shape, text when UTF-8, binary otherwise", () => {
  assert.deepEqual(classifyBody(bytes()), { kind: "empty", text: "" });
  assert.deepEqual(classifyBody(text('{"a":1}'), "application/json"), { kind: "json", text: '{\n  "a": 1\n}' });
  assert.equal(classifyBody(text("[1,2]"), null).kind, "json", "looks like JSON without a content type");
  assert.equal(classifyBody(text('"just a string"'), "application/vnd.api+json").kind, "json", "any *json* type, any JSON value");
  assert.equal(classifyBody(text("{not json"), "application/json").kind, "text", "broken JSON is still shown as text");
  assert.equal(classifyBody(text("42"), "text/plain").kind, "text", "only JSON-looking or JSON-typed bodies are parsed");
  assert.deepEqual(classifyBody(text("<script>alert(1)</script>"), "text/html"), { kind: "text", text: "<script>alert(1)</script>" });
  assert.equal(classifyBody(text("héllo wörld ✓\r\n\ttab"), "text/plain").kind, "text");
  assert.equal(classifyBody(bytes(0xff, 0xfe, 0x41)).kind, "binary", "invalid UTF-8");
  assert.equal(classifyBody(bytes(0x68, 0x00, 0x69)).kind, "binary", "valid UTF-8 with a NUL");
  assert.equal(classifyBody(text("a\u001bb")).kind, "binary", "escape characters are not shown as text");
  assert.equal(classifyBody(bytes(0xc3)).kind, "binary", "truncated multi-byte sequence");
  assert.equal(classifyBody(new Uint8Array([0x7b, 0x7d]).buffer).kind, "json", "an ArrayBuffer works too");
  assert.equal(decodeUtf8(bytes(0xe2, 0x82, 0xac)), "€");
  assert.equal(decodeUtf8(bytes(0xe2, 0x82)), null);
});

test("prettyJson re-indents without changing numbers or strings", () => {
  assert.equal(prettyJson('{"id":12345678901234567890,"price":1.50,"e":1E+3}'), '{\n  "id": 12345678901234567890,\n  "price": 1.50,\n  "e": 1E+3\n}');
  assert.equal(prettyJson('{"s":"a,b:{c}[d] \\"q\\" \\\\","t":"x"}'), '{\n  "s": "a,b:{c}[d] \\"q\\" \\\\",\n  "t": "x"\n}');
  assert.equal(prettyJson(' { "a" : [ ] , "b" : { } , "c" : [ 1 , [ 2 ] ] } '), '{\n  "a": [],\n  "b": {},\n  "c": [\n    1,\n    [\n      2\n    ]\n  ]\n}');
  assert.equal(prettyJson('"  spaced  "'), '"  spaced  "');
  assert.equal(prettyJson("null"), "null");
  assert.equal(prettyJson('{"a":1', 2), null);
  assert.equal(prettyJson(""), null);
  const sample = '{"k":[{"x":true,"y":null},"\\u00e9"],"n":-0.5}';
  assert.deepEqual(JSON.parse(prettyJson(sample)), JSON.parse(sample), "same value after re-indenting");
});

const TRICKY = ["", "plain", "two words", "it's", "'", "''", "$HOME `id` $(id) \\ \" !x", "a\nb\n", "@file", "-X", "*?[]{}~#&;|<>()", "ünïcødé ✓", "tab\there"];

test("shellQuote: bash reads back exactly the string", () => {
  for (const s of TRICKY) {
    assert.equal(bash(`printf '%s' ${shellQuote(s)}`).toString(), s, JSON.stringify(s));
  }
  assert.equal(shellQuote("plain-word_1.2/x:y=z"), "plain-word_1.2/x:y=z", "safe words stay bare");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote("@file"), "'@file'");
  assert.equal(shellQuote(""), "''");
});

test("ansiCQuote: bash reads back every byte but NUL", () => {
  const all = Uint8Array.from({ length: 255 }, (_, i) => i + 1);
  assert.ok(canAnsiCQuote(all));
  assert.ok(!canAnsiCQuote(bytes(1, 0, 2)));
  assert.deepEqual([...bash(`printf '%s' ${ansiCQuote(all)}`)], [...all]);
  assert.equal(ansiCQuote(text("a'b\\c\n")), "$'a\\'b\\\\c\\x0a'");
});

/**
 * Runs a copy-as-curl command with `curl` replaced by a bash function that
 * prints its arguments NUL-separated and, for `--data-binary @-`, the bytes
 * it would have read from stdin: the command is checked exactly as a shell
 * would run it, with no network.
 */
function runFakeCurl(command) {
  const fake = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; if [[ " $* " == *" @- "* ]]; then printf 'STDIN\\0'; cat; fi; }`;
  const out = bash(`${fake}\n${command}`);
  const stdinAt = out.indexOf(Buffer.from("STDIN\0"));
  const argBytes = stdinAt === -1 ? out : out.subarray(0, stdinAt);
  const args = argBytes.toString("latin1").split("\0").slice(0, -1);
  return { args, stdin: stdinAt === -1 ? null : out.subarray(stdinAt + 6) };
}

/** The body curl would send: the --data-binary argument, or stdin for @-. */
function sentBody({ args, stdin }) {
  const i = args.indexOf("--data-binary");
  if (i === -1) return null;
  return args[i + 1] === "@-" ? stdin : Buffer.from(args[i + 1], "latin1");
}

const CAPTURE = {
  id: "abcdefghijkl-3",
  seq: 3,
  method: "POST",
  path: "/github/push",
  query: "a=1&b=it's",
  headers: {
    host: "hooks.example.com", "content-length": "5", connection: "keep-alive", "transfer-encoding": "chunked",
    "cf-connecting-ip": "1.2.3.4", "cf-ray": "x", "content-type": "application/json", "x-sig": "sha256=it's $x",
    "set-cookie": "a=1, b=2", "x-empty": "",
  },
  set_cookies: ["a=1", "b=2; Path=/"],
};
const INGEST = "https://hooks.example.com/v1/bins/abcdefghijkl/in";

test("copy-as-curl: URL, method, forwarded headers and a text body, as bash runs them", () => {
  const body = text('{"msg":"it\'s $HOME"}\n');
  const run = runFakeCurl(curlForCapture(CAPTURE, INGEST, body));
  assert.deepEqual(run.args.slice(0, 3), ["-X", "POST", `${INGEST}/github/push?a=1&b=it's`]);
  const headers = run.args.filter((_, i) => run.args[i - 1] === "-H");
  assert.deepEqual(headers, ["content-type: application/json", "x-sig: sha256=it's $x", "x-empty;", "set-cookie: a=1", "set-cookie: b=2; Path=/"]);
  assert.ok(Buffer.from(sentBody(run)).equals(Buffer.from(body)));
  assert.equal(run.stdin, null, "text goes inline");
});

test("copy-as-curl: binary bodies reach curl byte for byte, inline or through base64", () => {
  const cases = [
    bytes(1, 2, 0x27, 0x5c, 0xff, 0x80, 10), // short, no NUL: $'...'
    bytes(0, 1, 2, 255), // a NUL: base64
    Uint8Array.from({ length: 5000 }, (_, i) => (i * 31 + 1) % 256 || 1), // long: base64
    text("@/etc/passwd"), // would be read as a file name: piped
  ];
  for (const body of cases) {
    const command = curlForCapture({ ...CAPTURE, method: "PUT", set_cookies: [] }, INGEST, body);
    const sent = sentBody(runFakeCurl(command));
    assert.ok(sent && Buffer.from(sent).equals(Buffer.from(body)), `body of ${body.length} bytes: ${command.slice(0, 80)}`);
  }
  assert.match(curlForCapture(CAPTURE, INGEST, bytes(0, 1)), /^printf '%s' 'AAE=' \| base64 -d \|/);
});

test("copy-as-curl: GET and HEAD without a body, odd methods quoted", () => {
  const get = runFakeCurl(curlForCapture({ ...CAPTURE, method: "GET", query: "" }, INGEST, bytes()));
  assert.equal(get.args[0], `${INGEST}/github/push`, "no -X for a plain GET");
  assert.ok(!get.args.includes("--data-binary"));
  assert.equal(runFakeCurl(curlForCapture({ ...CAPTURE, method: "HEAD" }, INGEST, null)).args[0], "--head");
  const odd = runFakeCurl(curlForCapture({ ...CAPTURE, method: "PURGE me" }, INGEST, null));
  assert.deepEqual(odd.args.slice(0, 2), ["-X", "PURGE me"]);
  const withBody = runFakeCurl(curlForCapture({ ...CAPTURE, method: "GET" }, INGEST, text("x")));
  assert.deepEqual(withBody.args.slice(0, 2), ["-X", "GET"], "a GET with a body keeps its method");
});

test("captureUrl and forwardedHeaders", () => {
  assert.equal(captureUrl(INGEST, { path: "/", query: "" }), INGEST);
  assert.equal(captureUrl(INGEST, { path: "/a/b", query: "x=1" }), `${INGEST}/a/b?x=1`);
  const names = forwardedHeaders(CAPTURE).map(([n]) => n);
  for (const dropped of ["host", "content-length", "connection", "transfer-encoding", "cf-connecting-ip", "cf-ray"]) {
    assert.ok(!names.includes(dropped), `${dropped} is not re-sent`);
  }
  assert.equal(names.filter((n) => n === "set-cookie").length, 2, "each Set-Cookie on its own, not the joined one");
});

test("ingestExamples: JSON, both form encodings and a binary file, each valid bash", () => {
  const examples = ingestExamples("http://127.0.0.1:8787/v1/bins/abcdefghijkl/in");
  assert.deepEqual(examples.map((e) => e.id), ["json", "urlencoded", "multipart", "binary"]);
  const parsed = Object.fromEntries(examples.map((e) => [e.id, runFakeCurl(e.command).args]));
  assert.deepEqual(parsed.json, ["-X", "POST", "http://127.0.0.1:8787/v1/bins/abcdefghijkl/in/github/push", "-H", "Content-Type: application/json", "-d", '{"event":"push","ref":"main"}']);
  assert.ok(parsed.urlencoded.includes("--data-urlencode"));
  assert.ok(parsed.multipart.includes("-F"));
  assert.deepEqual(parsed.binary.slice(-2), ["--data-binary", "@./payload.bin"]);
});
