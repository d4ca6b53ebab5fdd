// The playground's entry: routes the URL hash to a view and a bin, and
// wires the buttons to the open BinSession.
import { byId, show } from "./js/dom.js";
import { parseHash, buildHash } from "./js/hash.js";
import { createBinStore, recordFromCreated } from "./js/binstore.js";
import * as api from "./js/api.js";
import { BinSession } from "./js/session.js";
import { hideBin, wireBinActions } from "./js/binview.js";
import { wireCreate, renderBinList } from "./js/mybins.js";
import { wireReplayForm } from "./js/replayview.js";
import { wireCopyButton } from "./js/clipboard.js";
import { currentCurl } from "./js/bodyview.js";
import { showStatus } from "./js/statusview.js";
import { showAnswers, wireAnswers } from "./js/answerview.js";
import { showVerifiers, wireVerifiers } from "./js/verifyview.js";
import { wireFilter } from "./js/filterview.js";
import { wireEditor } from "./js/editview.js";
import { wireSequence, setSequenceOwner } from "./js/sequenceview.js";
import { Studio } from "./js/studio.js";

const store = createBinStore(localStorage);
const viewBins = byId("view-bins");
const emptyState = byId("empty-state");
const navBins = byId("nav-bins");
const navStatus = byId("nav-status");

/** @type {BinSession|null} */
let session = null;
/** @type {Studio|null} */
let studio = null;

const go = (state) => { location.hash = buildHash(state); };

function renderList() {
  renderBinList(store.list(), {
    current: session?.id ?? null,
    onOpen: (id) => go({ bin: id }),
    onDelete: deleteFromList,
    onForget: (id) => { store.remove(id); renderList(); },
  });
}

/** Delete from "My bins": through the session when that bin is open, so its page ends too. */
async function deleteFromList(record) {
  if (session?.id === record.id) {
    await session.delete();
    return;
  }
  try {
    await api.deleteBin(record);
    store.update(record.id, { ended: "deleted" });
  } catch (err) {
    store.update(record.id, { ended: err.status === 404 ? "gone" : record.ended });
  }
  renderList();
}

function openBin(id, req) {
  session?.close();
  // A bin opened from a shared link is not in the store: readable if public, not deletable.
  const record = store.get(id) ?? { id, expires_at: null, delete_token: null, read_token: null, ingest_url: null };
  const opened = new BinSession(record, {
    onEnded: (kind) => { store.update(id, { ended: kind }); renderList(); },
    onSelect: (rid) => go({ bin: id, req: rid }),
  });
  session = opened;
  studio?.close();
  studio = new Studio(opened);
  setSequenceOwner(Boolean(record.delete_token));
  show(emptyState, false);
  opened.open(req);
  showAnswers(record);
  showVerifiers(record);
}

function closeBin() {
  session?.close();
  session = null;
  hideBin();
  show(emptyState, true);
}

const setCurrent = (link, on) => (on ? link.setAttribute("aria-current", "page") : link.removeAttribute("aria-current"));

/** The hash is the single source of truth for which view, bin and capture are shown. */
function route() {
  const { bin, req, view } = parseHash(location.hash);
  const status = view === "status";
  show(viewBins, !status);
  showStatus(status);
  navBins.href = buildHash({ bin, req }) || "#";
  navStatus.href = buildHash({ bin, req, view: "status" });
  setCurrent(navBins, !status);
  setCurrent(navStatus, status);
  if (!bin) closeBin();
  else if (bin !== session?.id) openBin(bin, req);
  else if (req && req !== session.selected) session.select(req);
  else if (!req && session.selected) session.unselect();
  renderList();
}

wireCreate(async (isPrivate) => {
  const created = await api.createBin(isPrivate);
  store.save(recordFromCreated(created));
  go({ bin: created.id });
});

wireBinActions({
  onFire: () => session?.fire(),
  onDelete: () => session?.delete(),
  onReconnect: () => session?.reconnect(),
});

wireReplayForm((url, retries) => session.replay(url, retries));
wireEditor(() => studio?.edit(), (overrides) => studio.replayEdited(overrides));
wireSequence({ onStart: (speed, onFailure) => studio.start(speed, onFailure), onControl: (action) => studio.control(action) });
wireAnswers();
wireVerifiers();
wireFilter((filter) => session?.setFilter(filter));
byId("detail-recheck").addEventListener("click", () => session?.recheck());
wireCopyButton(byId("detail-copy-curl"), currentCurl);
byId("detail-close").addEventListener("click", () => go({ bin: session?.id }));

window.addEventListener("hashchange", route);
route();
