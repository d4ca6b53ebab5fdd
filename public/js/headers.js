// Pure shaping of a capture's headers for the detail table.

/**
 * [name, value] rows sorted by name. The runtime joins repeated headers
 * with ", " into one value, which is shown as it was stored. Set-Cookie is
 * the exception the contract keeps apart (set_cookies), since joining
 * cookies is lossy: each gets its own row instead of the joined value.
 */
export function headerRows(capture) {
  const cookies = capture.set_cookies ?? [];
  const rows = Object.entries(capture.headers ?? {})
    .filter(([name]) => !(name === "set-cookie" && cookies.length > 0));
  for (const cookie of cookies) rows.push(["set-cookie", cookie]);
  // A stable sort keeps the cookies in the order they were sent.
  return rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Query pairs in order, decoded; a repeated key keeps each value on its own row. */
export const queryRows = (query) => [...new URLSearchParams(query ?? "")];
