// The feed's filter box: `method:POST path:/github verified:false
// header:x-github-event=push since:2026-12-01T00:00:00Z` plus free text,
// turned into the API's filter parameters. Free text is `q`; the stream
// cannot take `q`, so live captures are checked against it here.
import { base64ToBytes } from "./base64.js";

const KEYS = { method: "method", path: "path_prefix", verified: "verified", header: "header", since: "since", until: "until" };

/**
 * Parses the box. Returns `{ params: [[name, value], ...], q: string|null }`;
 * `header:name=value` becomes `header=name:value`. An unknown `key:` stays text.
 */
export function parseFilter(text) {
  const params = [];
  const words = [];
  for (const token of (text ?? "").trim().split(/\s+/).filter(Boolean)) {
    const at = token.indexOf(":");
    const key = at > 0 ? token.slice(0, at).toLowerCase() : "";
    const value = at > 0 ? token.slice(at + 1) : "";
    if (KEYS[key] && value) {
      params.push([KEYS[key], key === "header" ? value.replace("=", ":") : value]);
    } else {
      words.push(token);
    }
  }
  return { params, q: words.length ? words.join(" ") : null };
}

/** The query string of a parsed filter, for lists and exports (`withQ`) or the stream. */
export function filterQuery(filter, { withQ = true } = {}) {
  const query = new URLSearchParams(filter?.params ?? []);
  if (withQ && filter?.q) query.set("q", filter.q);
  return query;
}

export const isEmpty = (filter) => !filter || (filter.params.length === 0 && !filter.q);

const contains = (haystack, needle) => {
  outer: for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
};

/** The service's `q` rule on a stream event: in the body bytes or in a header value, case-sensitive. */
export function matchesQ(filter, capture) {
  if (!filter?.q) return true;
  if (Object.values(capture.headers ?? {}).some((v) => v.includes(filter.q))) return true;
  return contains(base64ToBytes(capture.body_b64 ?? ""), new TextEncoder().encode(filter.q));
}
