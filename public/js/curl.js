// Pure builders of curl commands: ready-to-paste ingest examples, and
// copy-as-curl that reproduces a captured request byte for byte.
import { shellQuote, ansiCQuote, canAnsiCQuote } from "./shell.js";
import { decodeUtf8 } from "./body.js";
import { bytesToBase64 } from "./base64.js";

/** Headers curl or the network sets itself, or that only meant something on the original hop. */
const NOT_FORWARDED = new Set([
  "host", "content-length", "connection", "keep-alive", "transfer-encoding",
  "te", "trailer", "upgrade", "proxy-connection", "set-cookie",
]);

/** Above this, binary bodies go through base64 rather than a long $'\x..' string. */
const ANSI_C_MAX = 2048;

const JOIN = " \\\n  ";

/** The commands shown under a new bin's ingest URL. */
export function ingestExamples(ingestUrl) {
  const at = (sub) => shellQuote(`${ingestUrl}${sub}`);
  return [
    { id: "json", label: "POST JSON", command: ["curl -X POST " + at("/github/push"), "-H 'Content-Type: application/json'", `-d '{"event":"push","ref":"main"}'`].join(JOIN) },
    { id: "urlencoded", label: "Form, URL-encoded", command: ["curl " + at("/form"), "--data-urlencode 'name=Ada Lovelace'", "--data-urlencode 'note=a&b=c'"].join(JOIN) },
    { id: "multipart", label: "Form, multipart", command: ["curl " + at("/upload"), "-F 'name=polyhook'", "-F 'file=@./photo.jpg'"].join(JOIN) },
    { id: "binary", label: "Binary file", command: ["curl " + at("/binary"), "-H 'Content-Type: application/octet-stream'", "--data-binary @./payload.bin"].join(JOIN) },
  ];
}

/** The URL a capture was sent to: the bin's ingest URL, its sub-path and raw query. */
export function captureUrl(ingestUrl, capture) {
  const path = capture.path && capture.path !== "/" ? capture.path : "";
  return `${ingestUrl}${path}${capture.query ? `?${capture.query}` : ""}`;
}

/** [name, value] pairs to re-send: no hop-by-hop, no cf-*, each Set-Cookie on its own. */
export function forwardedHeaders(capture) {
  const pairs = Object.entries(capture.headers ?? {})
    .filter(([name]) => !NOT_FORWARDED.has(name) && !name.startsWith("cf-"));
  for (const cookie of capture.set_cookies ?? []) pairs.push(["set-cookie", cookie]);
  return pairs;
}

/** Text that survives single quotes unchanged: valid UTF-8 without NULs or other controls. */
function asPlainText(bytes) {
  const text = decodeUtf8(bytes);
  if (text === null || /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text)) return null;
  return text;
}

/**
 * How the body reaches curl: `{ args, pipe }` where `pipe` (if any) is a
 * command whose output curl reads with --data-binary @-. A body that
 * starts with "@" must be piped too, or curl would read it as a file name.
 */
function bodyArgs(bytes) {
  if (!bytes || bytes.length === 0) return { args: [], pipe: null };
  const text = asPlainText(bytes);
  if (text !== null && !text.startsWith("@")) return { args: ["--data-binary", shellQuote(text)], pipe: null };
  if (text !== null) return { args: ["--data-binary", "@-"], pipe: `printf '%s' ${shellQuote(text)}` };
  if (bytes.length <= ANSI_C_MAX && canAnsiCQuote(bytes) && bytes[0] !== 0x40) {
    return { args: ["--data-binary", ansiCQuote(bytes)], pipe: null };
  }
  return { args: ["--data-binary", "@-"], pipe: `printf '%s' '${bytesToBase64(bytes)}' | base64 -d` };
}

/** curl drops a header given as "name:"; "name;" is its spelling for an empty value. */
const headerArg = (name, value) => (value === "" ? `${name};` : `${name}: ${value}`);

/**
 * A curl command that sends the capture again to `ingestUrl` (or any base).
 * @param {object} capture a CapturedRequest
 * @param {string} ingestUrl
 * @param {Uint8Array|null} body the exact body bytes
 */
export function curlForCapture(capture, ingestUrl, body) {
  const method = capture.method || "GET";
  const { args: dataArgs, pipe } = bodyArgs(body);
  const first = ["curl"];
  if (method === "HEAD" && dataArgs.length === 0) first.push("--head");
  else if (method !== "GET" || dataArgs.length > 0) first.push("-X", shellQuote(method));
  first.push(shellQuote(captureUrl(ingestUrl, capture)));
  const lines = [first.join(" ")];
  for (const [name, value] of forwardedHeaders(capture)) lines.push(`-H ${shellQuote(headerArg(name, value))}`);
  if (dataArgs.length) lines.push(dataArgs.join(" "));
  const command = lines.join(JOIN);
  return pipe ? `${pipe} |${JOIN}${command}` : command;
}
