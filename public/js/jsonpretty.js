// Pure JSON re-indenter. It works on the text, not on JSON.parse's values,
// so a webhook's large integers (ids beyond 2^53) and number spellings
// such as 1.50 are shown exactly as the sender wrote them.

/** Returns the end index (exclusive) of the string literal starting at `i`. */
function stringEnd(text, i) {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
  return j + 1;
}

const isSpace = (c) => c === " " || c === "\n" || c === "\r" || c === "\t";

function nextNonSpace(text, i) {
  let j = i;
  while (j < text.length && isSpace(text[j])) j += 1;
  return j;
}

/**
 * Re-indents JSON text with `indent` spaces; null if it is not JSON.
 * @param {string} text
 */
export function prettyJson(text, indent = 2) {
  try {
    JSON.parse(text); // validates; the values themselves are not used
  } catch {
    return null;
  }
  const pad = (depth) => "\n" + " ".repeat(depth * indent);
  let out = "";
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (isSpace(c)) continue;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === "{" || c === "[") {
      const next = nextNonSpace(text, i + 1);
      if (text[next] === "}" || text[next] === "]") {
        out += c + text[next]; // keep {} and [] on one line
        i = next;
      } else {
        depth += 1;
        out += c + pad(depth);
      }
    } else if (c === "}" || c === "]") {
      depth -= 1;
      out += pad(depth) + c;
    } else if (c === ",") {
      out += "," + pad(depth);
    } else if (c === ":") {
      out += ": ";
    } else {
      out += c;
    }
  }
  return out;
}
