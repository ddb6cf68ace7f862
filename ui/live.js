// Live migration state: the server's event stream (GET …/{id}/events, Server-Sent Events)
// read with fetch() and a streaming body reader, because EventSource cannot send the
// Authorization header. On 404 (a server without the stream) or a broken stream it falls
// back to polling GET …/{id} every second, trying the stream again now and then with
// Last-Event-ID when it had worked before.

import { MIGRATIONS, api, authHeaders } from "./api.js";

const TERMINAL = new Set(["completed", "failed", "cancelled"]);
const POLL_MS = 1000;
const STREAM_RETRY_POLLS = 5;

export function isTerminal(status) {
  return TERMINAL.has(status);
}

function delay(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

// Splits an SSE byte stream into events: {id, event, data}.
async function* sseEvents(body, signal) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let ev = { id: null, event: "message", data: [] };
  try {
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
        if (line === "") {
          if (ev.data.length) yield { id: ev.id, event: ev.event, data: ev.data.join("\n") };
          ev = { id: ev.id, event: "message", data: [] };
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? "" : line.slice(colon + 1);
        if (val.startsWith(" ")) val = val.slice(1);
        if (field === "data") ev.data.push(val);
        else if (field === "event") ev.event = val;
        else if (field === "id") ev.id = val;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

// Reads the stream until it ends. Returns "ended" (terminal state seen), "unsupported"
// (404) or "broken"; throws on 401 and the like.
async function readStream(id, state, onState, signal) {
  const headers = authHeaders({ Accept: "text/event-stream" });
  if (state.lastEventId) headers["Last-Event-ID"] = state.lastEventId;
  let response;
  try {
    response = await fetch(MIGRATIONS + "/" + encodeURIComponent(id) + "/events",
      { headers, signal, cache: "no-store" });
  } catch {
    return "broken";
  }
  if (response.status === 404) return "unsupported";
  if (!response.ok || !response.body) return "broken";
  state.streamWorked = true;
  onState(null, "stream");
  try {
    for await (const ev of sseEvents(response.body, signal)) {
      if (ev.id) state.lastEventId = ev.id;
      if (ev.event !== "migration" && ev.event !== "end") continue;
      const m = JSON.parse(ev.data);
      onState(m, "stream");
      if (ev.event === "end" || isTerminal(m.status)) return "ended";
    }
  } catch {
    /* broken */
  }
  return "broken";
}

// Calls onState(migration, mode) with every new state until the migration ends or
// `signal` aborts; mode is "stream" or "polling" (onState(null, "stream") when a stream
// opens). onError(err) reports failed polls. pollMs and streamRetryPolls are for tests.
export async function watchMigration(id, { onState, onError, signal, pollMs = POLL_MS,
  streamRetryPolls = STREAM_RETRY_POLLS }) {
  const state = { lastEventId: null, streamWorked: false };
  let useStream = true;
  let polls = 0;
  while (!signal.aborted) {
    if (useStream) {
      const outcome = await readStream(id, state, onState, signal);
      if (outcome === "ended" || signal.aborted) return;
      useStream = false;
      polls = 0;
      if (outcome === "unsupported") state.streamWorked = false;
    }
    try {
      const m = await api.getMigration(id, { signal });
      onState(m, "polling");
      if (isTerminal(m.status)) return;
    } catch (e) {
      if (signal.aborted) return;
      onError(e);
      if (e.status === 401 || e.status === 404) return;
    }
    await delay(pollMs, signal);
    if (state.streamWorked && ++polls >= streamRetryPolls) useStream = true;
  }
}
