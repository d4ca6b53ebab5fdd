// The open capture's body: pretty JSON, text, or a hex dump; plus the raw
// download (a blob URL) and copy-as-curl.
import { byId, show } from "./dom.js";
import { classifyBody } from "./body.js";
import { hexDump } from "./hexdump.js";
import { formatBytes } from "./format.js";
import { curlForCapture } from "./curl.js";

const pre = byId("detail-body");
const info = byId("detail-body-info");
const download = byId("detail-download");
const curlPre = byId("detail-curl");

let blobUrl = null;

const LABELS = { json: "JSON", text: "text", binary: "binary, hex dump", empty: "empty" };

/** A download name with an extension guessed from the content type. */
function fileName(capture, kind) {
  const ct = (capture.content_type ?? "").toLowerCase();
  const ext = ct.includes("json") ? "json" : ct.includes("xml") ? "xml" : ct.startsWith("text/") || kind === "text" ? "txt" : "bin";
  return `${capture.id}.${ext}`;
}

function setDownload(capture, bytes, kind) {
  if (blobUrl) URL.revokeObjectURL(blobUrl); // one body at a time, so memory is freed
  blobUrl = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
  download.href = blobUrl;
  download.download = fileName(capture, kind);
  download.textContent = `Download raw body (${formatBytes(bytes.length)})`;
  show(download, bytes.length > 0);
}

/** Text goes in with textContent, so `<script>` in a body is only characters. */
export function renderBody(capture, bytes, ingestUrl) {
  const { kind, text } = classifyBody(bytes, capture.content_type);
  pre.dataset.kind = kind;
  let note = "";
  if (kind === "binary") {
    const dump = hexDump(bytes);
    pre.textContent = dump.text;
    if (dump.shown < dump.total) note = `, first ${formatBytes(dump.shown)} shown`;
  } else {
    pre.textContent = kind === "empty" ? "(no body)" : text;
  }
  info.textContent = `(${LABELS[kind]}, ${formatBytes(bytes.length)}${note})`;
  setDownload(capture, bytes, kind);
  curlPre.textContent = curlForCapture(capture, ingestUrl, bytes);
}

export function clearBody(message = "Loading…") {
  pre.dataset.kind = "none";
  pre.textContent = message;
  info.textContent = "";
  curlPre.textContent = "";
  show(download, false);
}

export const currentCurl = () => curlPre.textContent;
