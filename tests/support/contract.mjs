// Holds every JSON response the suite receives from a worker to
// openapi.yaml: the operation is found by method and path template, the
// response by status, and the body is validated against its schema with
// Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1). A status the
// document does not list for the operation, or a field that drifts, makes
// the fetch throw, so the test that made it fails.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const doc = parse(readFileSync(path.join(root, "openapi.yaml"), "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc, "openapi");

const pointer = (...parts) => parts.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

/** Path templates as regular expressions, most specific (fewest parameters) first. */
const templates = Object.keys(doc.paths)
  .map((template) => {
    const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{subpath\}/g, ".+").replace(/\{[^}]+\}/g, "[^/]+");
    return { template, re: new RegExp(`^${source}$`), params: (template.match(/\{/g) ?? []).length };
  })
  .sort((a, b) => a.params - b.params);

const resolve = (node) => (node?.$ref ? resolve(ajv.getSchema(`openapi${node.$ref}`)?.schema) : node);

/** Origins of running workers; only their answers are checked. */
export const workerOrigins = new Set();

/**
 * Checks one response. Returns null when it conforms (or is not JSON),
 * else a description of what differs.
 */
export function check(method, url, status, contentType, text) {
  if (!/application\/(problem\+)?json/.test(contentType ?? "") || text === "") return null;
  const { pathname } = new URL(url);
  const found = templates.find((t) => t.re.test(pathname));
  const item = found && doc.paths[found.template];
  // HEAD answers as GET; an ingest URL captures any method as it does POST.
  const as = item?.[method.toLowerCase()] ? method.toLowerCase() : method === "HEAD" ? "get" : /\/in(\/|$)/.test(found?.template ?? "") ? "post" : null;
  const op = as && item[as];
  let ref;
  if (!op) {
    // Unknown paths and methods still answer the Error shape.
    ref = "openapi#/components/schemas/Error";
  } else {
    const key = [String(status), `${String(status)[0]}XX`, "default"].find((k) => op.responses?.[k]);
    if (!key) return `${method} ${found.template}: status ${status} is not documented`;
    const response = resolve(op.responses[key]);
    const media = Object.keys(response.content ?? {}).find((m) => contentType.startsWith(m) || m === "*/*");
    if (!media) return `${method} ${found.template} ${status}: content type ${contentType} is not documented`;
    if (media === "*/*") return null;
    ref = op.responses[key].$ref
      ? `openapi${op.responses[key].$ref}/${pointer("content", media, "schema")}`
      : `openapi#/${pointer("paths", found.template, as, "responses", key, "content", media, "schema")}`;
  }
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return `${method} ${pathname} ${status}: body is not JSON`;
  }
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  return validate(body) ? null : `${method} ${pathname} ${status}: ${ajv.errorsText(validate.errors)}`;
}

/** Wraps the global fetch so every answer from a worker is checked. */
export function installFetchCheck() {
  if (globalThis.fetch.polyhookChecked) return;
  const inner = globalThis.fetch;
  const checked = async (input, init) => {
    const res = await inner(input, init);
    const url = typeof input === "string" ? input : input.url ?? String(input);
    const method = (init?.method ?? input.method ?? "GET").toUpperCase();
    const type = res.headers.get("content-type") ?? "";
    if (workerOrigins.has(new URL(url).origin) && type.includes("json") && method !== "HEAD") {
      const problem = check(method, url, res.status, type, await res.clone().text());
      if (problem) throw new Error(`openapi.yaml does not describe this answer: ${problem}`);
    }
    return res;
  };
  checked.polyhookChecked = true;
  globalThis.fetch = checked;
}
