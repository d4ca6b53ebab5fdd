// Pure POSIX shell quoting for the copy-as-curl commands.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes `s` as one shell word. Single quotes make everything literal
 * ($, `, \, !, newlines); a single quote itself is closed, escaped and
 * reopened: ' -> '\''.
 */
export function shellQuote(s) {
  const str = String(s);
  if (str === "") return "''";
  if (SAFE.test(str) && !str.startsWith("@")) return str;
  return `'${str.replace(/'/g, "'\\''")}'`;
}

/**
 * Bash ANSI-C quoting ($'...') of raw bytes, for short binary bodies.
 * Bash strings end at a NUL byte, so callers must not use this for bytes
 * containing 0x00 (see `canAnsiCQuote`).
 */
export function ansiCQuote(bytes) {
  let out = "$'";
  for (const b of bytes) {
    if (b === 0x27) out += "\\'";
    else if (b === 0x5c) out += "\\\\";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return `${out}'`;
}

/** $'...' can carry these bytes exactly. */
export const canAnsiCQuote = (bytes) => !bytes.includes(0);
