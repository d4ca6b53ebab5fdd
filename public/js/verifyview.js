// The Signatures panel: which verifiers check this bin's captures (each
// shown by scheme and fingerprint: secrets are write-only), templates for
// each scheme, and saving or removing them with the bin's delete token.
import { byId } from "./dom.js";
import { ownerPanel } from "./ownerpanel.js";
import * as api from "./api.js";

const editor = byId("verify-editor");
const save = byId("verify-save");
const clear = byId("verify-clear");
const state = byId("verify-state");
const error = byId("verify-error");

/** What each template button puts in the editor; the secret is the sender's. */
export const TEMPLATES = {
  github: { scheme: "github", secret: "" },
  stripe: { scheme: "stripe", secret: "whsec_..." },
  "standard-webhooks": { scheme: "standard-webhooks", secret: "whsec_..." },
  slack: { scheme: "slack", secret: "" },
  shopify: { scheme: "shopify", secret: "" },
  "hmac-sha256": { scheme: "hmac-sha256", secret: "", header: "x-signature", encoding: "hex", prefix: "sha256=" },
};

let current = null;

/** One line per verifier in force: scheme, fingerprint, and options. */
export function describe(shown) {
  if (!shown.verifiers.length) return "No verifiers: captures are not checked.";
  const lines = shown.verifiers.map((v) => {
    const extra = [v.header && `header ${v.header}`, v.tolerance_s != null && `tolerance ${v.tolerance_s} s`].filter(Boolean);
    return `${v.scheme} (secret ${v.fingerprint}${extra.length ? `, ${extra.join(", ")}` : ""})`;
  });
  return `Checking with ${lines.join("; ")}.`;
}

function render(shown) {
  state.textContent = describe(shown);
  // The editor never shows a secret: there is none to show.
  editor.value = "";
}

const panel = ownerPanel({ buttons: [save, clear], state, error, render });

/** Loads the verifiers of the bin `record`, when the page opens it. */
export function showVerifiers(record) {
  current = record;
  return panel.load(record, api.getVerifiers, "Only the bin's creator can change them.");
}

const act = (run) => panel.act(run);

export function wireVerifiers() {
  for (const button of byId("verify-templates").querySelectorAll("button[data-scheme]")) {
    button.addEventListener("click", () => {
      editor.value = JSON.stringify([TEMPLATES[button.dataset.scheme]], null, 2);
    });
  }
  save.addEventListener("click", () => act(() => {
    let verifiers;
    try {
      verifiers = JSON.parse(editor.value || "[]");
    } catch (err) {
      throw new Error(`The verifiers are not JSON: ${err.message}`);
    }
    return api.putVerifiers(current, Array.isArray(verifiers) ? verifiers : [verifiers]);
  }));
  clear.addEventListener("click", () => act(() => api.putVerifiers(current, [])));
}
