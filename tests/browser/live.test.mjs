// ui/live.js against a local HTTP server that plays the event stream's contract
// (GET /v1/namespaces/migrations/{id}/events, Server-Sent Events) and the GET fallback:
// events are read as they arrive, `end` stops the watch, a 404 falls back to polling, a
// broken stream is polled and then resumed with Last-Event-ID, and the key goes only in
// the Authorization header. Run with `node --test`.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";

const KEY = "sk_live_test_key";
globalThis.sessionStorage = new Map([["ferry.apiKey", KEY]]);
globalThis.sessionStorage.getItem = function (k) { return this.has(k) ? this.get(k) : null; };
// The page's window: api.js signals a refused key on it.
const pageEvents = new EventTarget();
globalThis.dispatchEvent = (e) => pageEvents.dispatchEvent(e);
const { watchMigration } = await import("../../ui/live.js");
const { UNAUTHORIZED } = await import("../../ui/api.js");

const m = (status, pct) => ({ migration_id: "mig_1", status, progress: { overall_progress_percent: pct } });
let handler = null;
const requests = [];
const server = http.createServer((req, res) => {
  requests.push({ url: req.url, auth: req.headers.authorization, last: req.headers["last-event-id"] });
  handler(req, res);
});
const realFetch = globalThis.fetch;

before(async () => {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  globalThis.fetch = (url, init) => realFetch(new URL(url, base), init);
});
after(() => server.close());

function sse(res) {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
}
const event = (id, name, body) => `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(body)}\n\n`;
const notFound = (res) => {
  res.writeHead(404, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ success: false, status: 404, error: { message: "no route", type: "NotFound" } }));
};
const json = (res, body) => {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
};

async function watch(opts = {}) {
  const seen = [];
  const errors = [];
  const signal = new AbortController().signal;
  await watchMigration("mig_1", { signal, pollMs: 10, streamRetryPolls: 2, ...opts,
    onState: (s, mode) => seen.push([s && s.status, s && s.progress.overall_progress_percent, mode]),
    onError: (e) => errors.push(e) });
  return { seen, errors };
}

test("events are read as they arrive and `end` stops the watch", async () => {
  requests.length = 0;
  handler = (req, res) => {
    assert.equal(req.url, "/v1/namespaces/migrations/mig_1/events");
    sse(res);
    // Split across writes, one event in two chunks, with a comment line and CRLFs.
    res.write(": keep-alive\n\n" + event("v1", "migration", m("in_progress", 10)).slice(0, 20));
    setImmediate(() => {
      res.write(event("v1", "migration", m("in_progress", 10)).slice(20));
      res.write(event("v2", "migration", m("in_progress", 55)).replace(/\n/g, "\r\n"));
      res.end(event("v3", "end", m("completed", 100)));
    });
  };
  const { seen, errors } = await watch();
  assert.deepEqual(seen, [[null, null, "stream"], ["in_progress", 10, "stream"],
    ["in_progress", 55, "stream"], ["completed", 100, "stream"]]);
  assert.deepEqual(errors, []);
  assert.equal(requests.length, 1, "no polling while the stream works");
  assert.equal(requests[0].auth, "Bearer " + KEY);
  assert.ok(!requests[0].url.includes(KEY), "the key is never in the URL");
});

test("a server without the stream (404) is polled until the migration ends", async () => {
  requests.length = 0;
  let polls = 0;
  handler = (req, res) => {
    if (req.url.endsWith("/events")) return notFound(res);
    polls += 1;
    json(res, polls < 3 ? m("in_progress", polls * 30) : m("cancelled", 60));
  };
  const { seen } = await watch();
  assert.deepEqual(seen, [["in_progress", 30, "polling"], ["in_progress", 60, "polling"],
    ["cancelled", 60, "polling"]]);
  assert.equal(requests.filter((r) => r.url.endsWith("/events")).length, 1, "the stream is not retried after a 404");
  for (const r of requests) assert.equal(r.auth, "Bearer " + KEY);
});

test("a broken stream falls back to polling, then resumes with Last-Event-ID", async () => {
  requests.length = 0;
  let streams = 0;
  handler = (req, res) => {
    if (!req.url.endsWith("/events")) return json(res, m("in_progress", 40));
    streams += 1;
    sse(res);
    if (streams === 1) {
      res.write(event("v7", "migration", m("in_progress", 20)));
      setImmediate(() => res.destroy()); // the connection breaks mid-stream
    } else {
      res.end(event("v9", "end", m("failed", 80)));
    }
  };
  const { seen } = await watch();
  assert.equal(streams, 2);
  const resumed = requests.filter((r) => r.url.endsWith("/events"))[1];
  assert.equal(resumed.last, "v7", "reconnects with the last event id");
  assert.deepEqual(seen[1], ["in_progress", 20, "stream"]);
  assert.ok(seen.some(([s, , mode]) => s === "in_progress" && mode === "polling"), "polled in between");
  assert.deepEqual(seen.at(-1), ["failed", 80, "stream"]);
});

test("a poll refused with 401 is reported, ends the watch and signals the page", async () => {
  let signalled = 0;
  pageEvents.addEventListener(UNAUTHORIZED, () => { signalled += 1; });
  handler = (req, res) => {
    if (req.url.endsWith("/events")) return notFound(res);
    res.writeHead(401, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ success: false, status: 401, error: { message: "invalid API key", type: "Unauthorized" } }));
  };
  const { seen, errors } = await watch();
  assert.deepEqual(seen, []);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].status, 401);
  assert.equal(errors[0].message, "invalid API key");
  assert.equal(signalled, 1, "the page is told to sign out");
});
