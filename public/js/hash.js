// Pure parsing of the page's URL hash, "#bin=<id>&req=<rid>&view=status",
// so a reload (or a shared link) reopens the same bin, capture and view.

const BIN_ID = /^[a-z0-9]{12}$/;
const REQUEST_ID = /^[a-z0-9]{12}-[1-9][0-9]*$/;

/** @returns {{ bin: string|null, req: string|null, view: "bins"|"status" }} */
export function parseHash(hash) {
  const params = new URLSearchParams(String(hash ?? "").replace(/^#/, ""));
  const bin = params.get("bin");
  const req = params.get("req");
  const validBin = bin && BIN_ID.test(bin) ? bin : null;
  return {
    bin: validBin,
    // A capture id names its bin; one from another bin is ignored.
    req: validBin && req && REQUEST_ID.test(req) && req.startsWith(`${validBin}-`) ? req : null,
    view: params.get("view") === "status" ? "status" : "bins",
  };
}

/** The inverse of parseHash; empty parts are left out. */
export function buildHash({ bin = null, req = null, view = "bins" } = {}) {
  const params = new URLSearchParams();
  if (bin) params.set("bin", bin);
  if (bin && req) params.set("req", req);
  if (view === "status") params.set("view", "status");
  const text = params.toString();
  return text ? `#${text}` : "";
}
