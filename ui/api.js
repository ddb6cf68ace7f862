// The API client: the key lives in sessionStorage (never in the URL, never in
// localStorage) and goes out only in the Authorization header.

const KEY = "ferry.apiKey";
export const MIGRATIONS = "/v1/namespaces/migrations";

export class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY);
}

export function signIn(key) {
  sessionStorage.setItem(KEY, key);
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

export function authHeaders(extra = {}) {
  return { Authorization: "Bearer " + (apiKey() || ""), ...extra };
}

// Mixpeek's envelope {success:false, status, error:{message, type}} or a 422's
// {detail:[{loc, msg}]} as one readable message.
async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    /* not JSON */
  }
  if (body && body.error) {
    return new ApiError(response.status, body.error.type || "Error", body.error.message || "error");
  }
  if (body && Array.isArray(body.detail)) {
    const msg = body.detail.map((d) => (d.loc || []).join(".") + ": " + d.msg).join("; ");
    return new ApiError(response.status, "ValidationError", msg);
  }
  return new ApiError(response.status, "Error", "HTTP " + response.status);
}

// A request refused with 401 while signed in means the key is no longer accepted: the
// app listens for this event and signs out.
export const UNAUTHORIZED = "ferry:unauthorized";

export async function request(method, path, body, { signal, headers, checkingKey = false } = {}) {
  const init = { method, headers: authHeaders(headers), signal, cache: "no-store" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, "NetworkError", "the server cannot be reached");
  }
  if (!response.ok) {
    const err = await errorFrom(response);
    if (response.status === 401 && !checkingKey) globalThis.dispatchEvent?.(new Event(UNAUTHORIZED));
    throw err;
  }
  return response.status === 204 ? null : response.json();
}

export const api = {
  listNamespaces: () => request("POST", "/v1/namespaces/list?limit=100", {}),
  checkKey: () => request("POST", "/v1/namespaces/list?limit=1", {}, { checkingKey: true }),
  listExtractors: () => request("GET", "/v1/collections/features/extractors"),
  listCollections: (namespaceId) =>
    request("POST", "/v1/collections/list?limit=100", {}, { headers: { "X-Namespace": namespaceId } }),
  listMigrations: (filters) => request("POST", MIGRATIONS + "/list", { limit: 100, ...filters }),
  getMigration: (id, opts) => request("GET", MIGRATIONS + "/" + encodeURIComponent(id), undefined, opts),
  validate: (config) => request("POST", MIGRATIONS + "/validate", { config }),
  create: (config) => request("POST", MIGRATIONS + "/", { config, start_immediately: false }),
  start: (id, force) => request("POST", MIGRATIONS + "/" + encodeURIComponent(id) + "/start", { force }),
  cancel: (id, reason) =>
    request("POST", MIGRATIONS + "/" + encodeURIComponent(id) + "/cancel", { reason }),
  failedItems: (id, status = "failed") =>
    request("GET", MIGRATIONS + "/" + encodeURIComponent(id) + "/failed-items?limit=100&status=" + status),
  retry: (id) => request("POST", MIGRATIONS + "/" + encodeURIComponent(id) + "/retry"),
};
