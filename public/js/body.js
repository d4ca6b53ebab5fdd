// Pure classification of a captured body: how should the page show it?
import { prettyJson } from "./jsonpretty.js";

/** C0 controls (but tab, LF, CR) and DEL: text containing them is really binary. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Strict UTF-8 decode; null when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Only try JSON when the sender said so or the text looks like an object/array. */
function mayBeJson(text, contentType) {
  return /json/i.test(contentType ?? "") || /^\s*[[{]/.test(text);
}

/**
 * @param {Uint8Array|ArrayBuffer} input the exact body bytes
 * @param {string|null} [contentType]
 * @returns {{ kind: "empty"|"json"|"text"|"binary", text: string|null }}
 *   `text` is the pretty JSON or the decoded text; null for binary
 */
export function classifyBody(input, contentType = null) {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length === 0) return { kind: "empty", text: "" };
  const text = decodeUtf8(bytes);
  if (text === null || CONTROL.test(text)) return { kind: "binary", text: null };
  const pretty = mayBeJson(text, contentType) ? prettyJson(text) : null;
  return pretty === null ? { kind: "text", text } : { kind: "json", text: pretty };
}
