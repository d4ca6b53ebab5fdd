// One open bin: its history, live stream, selected capture and replays.
// It owns the data; the *view.js modules only draw.
import * as api from "./api.js";
import { FeedModel } from "./feedmodel.js";
import { LiveStream } from "./stream.js";
import { newerReplay, isTerminal } from "./replaystate.js";
import { showBin, setConnection, setTransport, setBanner, setBinError, setResponder } from "./binview.js";
import { resetFeed, addRow, updateCount, markSelected, focusRow, showOlder, setNotice, updateBadge, updateAnswer } from "./feedview.js";
import { showDetail, renderDetail, clearDetail, setDetailError } from "./detailview.js";
import { matchesQ } from "./filtermodel.js";
import { showFilter, setExportLinks } from "./filterview.js";
import { renderBody, clearBody } from "./bodyview.js";
import { renderReplays, renderDeadLetters, setDeadError, setReplayError, setReplayEnabled } from "./replayview.js";

const PAGE_SIZE = 50;

export class BinSession {
  feed = new FeedModel();
  replays = new Map();
  selected = null;
  current = null; // the open capture and its raw bytes, once loaded: the edit dialog starts from them
  ended = null;
  closed = false;
  /** The feed's filter (see filtermodel.js); null shows everything. */
  filter = null;
  #cursor = null;
  /** The bin's newest seq when a filter was applied: the stream starts after it. */
  #liveFrom = 0;
  #stream = null;
  #streamState = "idle";

  /**
   * @param {object} record the stored bin (tokens may be null for a shared link)
   * @param {{ onEnded: (kind) => void, onSelect: (rid) => void }} hooks
   */
  constructor(record, hooks) {
    this.record = record;
    this.hooks = hooks;
    this.ingestUrl = record.ingest_url ?? `${location.origin}/v1/bins/${record.id}/in`;
  }

  get id() { return this.record.id; }

  async open(selectRid = null) {
    showBin(this.record, this.ingestUrl);
    setReplayEnabled(true);
    resetFeed();
    showFilter(this.filter);
    setExportLinks(this.record, this.filter, setBinError);
    showDetail(false);
    setConnection("connecting");
    try {
      await this.loadPage(); // first: its newest seq is where the stream starts
    } catch (err) {
      if (!this.closed) this.#failOpen(err);
      return;
    }
    if (this.ended || this.closed) return; // another bin was opened meanwhile
    this.#startStream();
    this.refreshReplays();
    if (selectRid) this.select(selectRid);
  }

  close() {
    this.#stream?.stop();
    this.closed = true;
  }

  #failOpen(err) {
    if (err.status === 404) this.end("gone");
    else if (err.status === 401 || err.status === 403) this.end("denied");
    else {
      setConnection("lost");
      setBinError(`Could not load the bin: ${err.message}`);
    }
  }

  #startStream() {
    this.#stream?.stop(); // one stream per session, whoever started it
    this.#stream = new LiveStream({
      url: (seen) => api.streamUrl(this.record, Math.max(this.feed.maxSeq, this.#liveFrom, seen), this.filter),
      socketUrl: (seen) => api.socketUrl(this.record, Math.max(this.feed.maxSeq, this.#liveFrom, seen), this.filter),
      onTransport: (transport) => setTransport(transport),
      onEvent: (type, data) => this.#onEvent(type, data),
      onState: (state) => {
        this.#streamState = state;
        if (!this.ended) setConnection(state === "stopped" ? "idle" : state);
      },
      probe: () => api.probeBin(this.record),
      onFatal: (why) => this.end(why),
    });
    this.#stream.start();
  }

  reconnect() { this.#stream?.retryNow(); }

  /** Shows only what `filter` matches (null: everything), from a fresh first page and stream. */
  async setFilter(filter) {
    this.#stream?.stop();
    this.#stream = null;
    this.filter = filter;
    this.feed = new FeedModel();
    this.#cursor = null;
    resetFeed();
    showFilter(filter);
    setExportLinks(this.record, filter, setBinError);
    try {
      const newest = await api.listRequests(this.record, { limit: 1 });
      if (filter !== this.filter) return; // a newer filter took over
      this.#liveFrom = newest.items[0]?.seq ?? 0;
      await this.loadPage();
    } catch (err) {
      if (filter === this.filter) setBinError(`Could not search: ${err.message}`);
      return; // no stream for a search that failed (a bad filter would fail every reconnect)
    }
    if (filter === this.filter && !this.closed && !this.ended) this.#startStream();
  }

  /** One page of history (newest first); the cursor then reaches further back. */
  async loadPage() {
    const filter = this.filter;
    const page = await api.listRequests(this.record, { cursor: this.#cursor, limit: PAGE_SIZE, filter });
    if (this.closed || filter !== this.filter) return; // another bin or filter owns the views now
    for (const capture of page.items) this.#addCapture(capture, false);
    this.#cursor = page.next_cursor ?? null;
    const label = filter ? "Search older requests" : "Load older requests";
    showOlder(Boolean(this.#cursor), () => this.loadPage().catch((err) => setBinError(err.message)), label);
  }

  #addCapture(capture, live) {
    if (!this.feed.add(capture)) return; // seen already: resume overlap or history/stream overlap
    addRow(this.feed.get(capture.seq), (rid) => this.hooks.onSelect(rid), { live });
    updateCount(this.feed.size);
  }

  #onEvent(type, data) {
    if (this.closed) return;
    if (type === "request") {
      if (matchesQ(this.filter, data)) this.#addCapture(data, true);
    }
    else if (type === "lost") setNotice(`Requests #${data.first_seq}–#${data.last_seq} were evicted by retention before they could be shown.`);
    else if (type === "reset") setNotice(`The stream could not resume (${data.reason}); it continues live after #${data.resumes_after}.`);
    else if (type === "replay") this.#onReplay(data);
    else if (type === "response") this.#onResponse(data);
    else if (type === "listener") setResponder(data);
    else if (type === "deleted" || type === "expired") this.end(type);
  }

  /** A capture's answer became known: its row (and its detail, if open) show it. */
  #onResponse({ request_id: rid, seq, response }) {
    const item = this.feed.get(seq);
    if (!item) return;
    item.response = response;
    updateAnswer(rid, response);
    if (this.selected === rid) this.select(rid);
  }

  /** Ends the bin's life on the page: banner, stream closed, record marked. */
  end(kind) {
    if (this.ended) return;
    this.ended = kind;
    this.#stream?.stop();
    setConnection("ended");
    setBanner(kind);
    setReplayEnabled(false);
    this.hooks.onEnded(kind);
  }

  async select(rid) {
    this.selected = rid;
    markSelected(rid);
    showDetail(true);
    clearDetail(rid);
    clearBody();
    setReplayError("");
    renderReplays(this.#replaysOf(rid));
    try {
      const [capture, raw] = await Promise.all([api.getRequest(this.record, rid), api.getRaw(this.record, rid)]);
      if (this.selected !== rid || this.closed) return; // another row or bin was opened meanwhile
      renderDetail(capture);
      renderBody(capture, raw.bytes, this.ingestUrl);
      this.current = { capture, bytes: raw.bytes };
    } catch (err) {
      if (this.selected !== rid || this.closed) return;
      clearBody("");
      setDetailError(err.status === 404 ? "This request is no longer stored (evicted, or the bin is gone)." : `Could not load the request: ${err.message}`);
    }
  }

  /** Closes the detail; keyboard focus goes back to the row it came from. */
  unselect() {
    const was = this.selected;
    this.selected = null;
    markSelected(null);
    showDetail(false);
    focusRow(was);
  }

  #replaysOf(rid) {
    return [...this.replays.values()].filter((r) => r.request_id === rid);
  }

  /** Keeps the newest state of each replay, whichever way (stream or fetch) it came. */
  #onReplay(replay) {
    if (this.closed) return;
    const known = this.replays.get(replay.id);
    if (known && newerReplay(known, replay) === known) return;
    const wasFailed = known?.status === "failed";
    this.replays.set(replay.id, replay);
    if (replay.request_id === this.selected) renderReplays(this.#replaysOf(this.selected));
    if (replay.status === "failed" || wasFailed) this.refreshDeadLetters();
  }

  async replay(targetUrl, maxRetries) {
    const { replay_id: id } = await api.startReplay(this.record, this.selected, targetUrl, maxRetries);
    await this.followReplay(id);
  }

  /** Shows replay `id` with the open capture's replays and follows it. */
  async followReplay(id) {
    this.#onReplay(await api.getReplay(this.record, id));
    this.#watch(id);
  }

  /** While the stream is down, replay events can't arrive, so ask instead. */
  async #watch(id) {
    for (let i = 0; i < 120 && !this.closed && !this.ended; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const known = this.replays.get(id);
      if (!known || isTerminal(known.status)) return;
      if (this.#streamState !== "live") this.#onReplay(await api.getReplay(this.record, id).catch(() => known));
    }
  }

  async refreshReplays() {
    try {
      const page = await api.listReplays(this.record);
      page.items.forEach((r) => this.#onReplay(r));
    } catch {
      // Replays are secondary; the dead-letter refresh below reports errors.
    }
    this.refreshDeadLetters();
  }

  async refreshDeadLetters() {
    try {
      const page = await api.listReplays(this.record, { status: "failed" });
      if (this.closed) return;
      setDeadError("");
      renderDeadLetters(page.items, (replay) => this.retry(replay.id));
    } catch (err) {
      if (!this.ended && !this.closed) setDeadError(`Could not load failed replays: ${err.message}`);
    }
  }

  async retry(id) {
    try {
      this.#onReplay(await api.retryReplay(this.record, id));
      this.#watch(id);
    } catch (err) {
      setDeadError(`Retry refused: ${err.message}`);
    }
    this.refreshDeadLetters();
  }

  /** Checks the open capture's signature again, after a secret was set or changed. */
  async recheck() {
    const rid = this.selected;
    if (!rid) return;
    setDetailError("");
    try {
      const { verification } = await api.reverify(this.record, rid);
      if (this.closed) return;
      updateBadge(rid, verification);
      const capture = await api.getRequest(this.record, rid);
      if (this.selected === rid && !this.closed) renderDetail(capture);
    } catch (err) {
      if (this.selected === rid && !this.closed) setDetailError(`Re-check refused: ${err.message}`);
    }
  }

  async fire() {
    setBinError("");
    try {
      await api.fireTestWebhook(this.record);
    } catch (err) {
      setBinError(`The test webhook was refused: ${err.message}`);
    }
  }

  async delete() {
    setBinError("");
    try {
      await api.deleteBin(this.record);
      this.end("deleted");
    } catch (err) {
      if (err.status === 404) this.end("gone");
      else setBinError(`Delete refused: ${err.message}`);
    }
  }
}
