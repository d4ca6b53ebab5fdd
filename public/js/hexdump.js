// Pure hex dump in the layout of `hexdump -C`, for bodies that are not text.

const PER_LINE = 16;

const hex2 = (b) => b.toString(16).padStart(2, "0");

/** Printable ASCII stays, everything else is a dot, as in `hexdump -C`. */
const printable = (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".");

function dumpLine(bytes, start, end) {
  const cells = [];
  let ascii = "";
  for (let i = start; i < start + PER_LINE; i += 1) {
    cells.push(i < end ? hex2(bytes[i]) : "  ");
    if (i < end) ascii += printable(bytes[i]);
  }
  const hex = `${cells.slice(0, 8).join(" ")}  ${cells.slice(8).join(" ")}`;
  return `${start.toString(16).padStart(8, "0")}  ${hex}  |${ascii}|`;
}

/**
 * @param {Uint8Array|ArrayBuffer} input
 * @param {{ limit?: number }} [options] bytes to show at most; a huge body
 *   would otherwise freeze the page building a multi-megabyte string
 * @returns {{ text: string, shown: number, total: number }}
 */
export function hexDump(input, { limit = 64 * 1024 } = {}) {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const shown = Math.min(bytes.length, limit);
  const lines = [];
  for (let off = 0; off < shown; off += PER_LINE) {
    lines.push(dumpLine(bytes, off, Math.min(off + PER_LINE, shown)));
  }
  return { text: lines.join("\n"), shown, total: bytes.length };
}
