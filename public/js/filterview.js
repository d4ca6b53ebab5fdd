// The filter box above the feed and the export links below it. The box
// takes `key:value` words (method, path, header, verified, since, until)
// and free text, which searches bodies and header values.
import { byId, show } from "./dom.js";
import { parseFilter, isEmpty } from "./filtermodel.js";
import * as api from "./api.js";

const form = byId("filter-form");
const input = byId("filter-input");
const clear = byId("filter-clear");
const note = byId("filter-note");
const links = { har: byId("export-har"), ndjson: byId("export-ndjson") };

/** Calls `onApply(filter)` with the parsed box on submit, and with null on Clear. */
export function wireFilter(onApply) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const filter = parseFilter(input.value);
    onApply(isEmpty(filter) ? null : filter);
  });
  clear.addEventListener("click", () => {
    input.value = "";
    onApply(null);
  });
}

/** Says what the feed shows; an empty box shows everything (and a bin opened without a filter empties it). */
export function showFilter(filter) {
  if (isEmpty(filter)) input.value = "";
  show(clear, !isEmpty(filter));
  note.textContent = isEmpty(filter)
    ? ""
    : "Showing matching requests only; live ones are added as they match. Each page searches a bounded number of stored requests: use “Search older requests” to go on.";
  show(note, !isEmpty(filter));
}

/** Points the export links at this bin with `filter`; a private bin downloads through fetch. */
export function setExportLinks(record, filter, onError) {
  for (const [format, link] of Object.entries(links)) {
    link.href = api.exportUrl(record, format, filter);
    link.setAttribute("download", `polyhook-${record.id}.${format}`);
    link.onclick = record.read_token ? (event) => {
      event.preventDefault();
      api.downloadExport(record, format, filter).then(({ blob, name }) => {
        const url = URL.createObjectURL(blob);
        const a = Object.assign(document.createElement("a"), { href: url, download: name });
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }).catch((err) => onError(`Export failed: ${err.message}`));
    } : null;
  }
}
