// One migration: summary, live stage bars, the dependency graph, per-resource progress,
// validation, verification, the benchmark report and failed items (with Retry), plus
// Cancel. Updated live by live.js (event stream, or polling as a fallback).

import { api } from "./api.js";
import { bar, clear, errorBox, fill, h, section, statusBadge } from "./dom.js";
import { dependencyGraph } from "./graph.js";
import { isTerminal, watchMigration } from "./live.js";
import { benchmarkView, resourcesView, summaryView, syncStages, validationView, verificationView } from "./report.js";

function failedItemsTable(list) {
  if (!list.results.length) return h("p", { class: "muted", id: "no-failed-items" }, "No failed items.");
  return h("div", { class: "table-wrap" }, h("table", { id: "failed-items" },
    h("thead", null, h("tr", null, ["Item", "Resource", "Batch", "Attempts", "Error"].map((t) => h("th", null, t)))),
    h("tbody", null, list.results.map((f) => h("tr", { dataset: { itemId: f.id, attempts: String(f.attempts) } },
      h("td", { class: "mono" }, f.id),
      h("td", null, h("span", { class: "mono" }, f.resource_id), h("span", { class: "muted small" }, " " + f.resource_type)),
      h("td", { class: "num" }, String(f.batch_no)),
      h("td", { class: "num" }, String(f.attempts)),
      h("td", { class: "error-text" }, f.error))))));
}

function failedTotal(m) {
  return ((m.progress && m.progress.stages) || []).reduce((n, s) => n + (s.items_failed || 0), 0);
}

export function renderMigration(root, id, { signal }) {
  const title = h("h1", { class: "mono" }, id);
  const status = h("span", { id: "migration-status" });
  const live = h("span", { class: "live muted small", id: "live-mode" });
  const startBtn = h("button", { type: "button", class: "primary", id: "start", hidden: true }, "Start");
  const cancelBtn = h("button", { type: "button", class: "danger", id: "cancel", hidden: true }, "Cancel migration");
  const actionsMsg = h("div");
  const message = h("div");
  const overall = h("div", { class: "overall" });
  const summary = h("div");
  const stages = h("ol", { id: "stages", class: "stages" });
  const graph = h("div", { id: "graph", class: "graph-wrap" });
  const resources = h("div", { id: "resources" });
  const validation = h("div", { id: "validation" });
  const verification = h("div", { id: "verification" });
  const benchmark = h("div", { id: "benchmark" });
  const failedCount = h("span", { class: "muted", id: "failed-total" });
  const retryBtn = h("button", { type: "button", id: "retry", disabled: true }, "Retry failed items");
  const failed = h("div", { id: "failed" });

  fill(root,
    h("div", { class: "page-head" }, h("a", { href: "#/migrations", class: "back" }, "← Migrations"),
      title, status, live, h("span", { class: "actions" }, startBtn, cancelBtn)),
    actionsMsg, message,
    h("div", { class: "grid two" },
      section("Progress", overall, stages),
      section("Summary", summary)),
    section("Dependency graph", graph),
    section("Resources", resources),
    section("Validation", validation),
    section("Verification: counts and checksums", verification),
    section("Benchmark: source vs target", benchmark),
    section("Failed items", h("div", { class: "toolbar" }, failedCount, retryBtn), failed));

  let current = null;
  let failedKey = null;
  // A section is rebuilt only when what it shows changed (events come up to 4 per second):
  // the graph and the reports stay put while the bars move.
  const shown = new Map();
  const update = (el, data, view) => {
    const key = JSON.stringify(data === undefined ? null : data);
    if (shown.get(el) === key) return;
    shown.set(el, key);
    fill(el, view());
  };

  async function loadFailed(m) {
    const key = m.status + ":" + failedTotal(m);
    if (key === failedKey) return;
    failedKey = key;
    try {
      const list = await api.failedItems(id);
      if (signal.aborted) return;
      fill(failedCount, `${list.total} failed item${list.total === 1 ? "" : "s"}`);
      fill(failed, failedItemsTable(list));
      retryBtn.disabled = !(list.total > 0 && isTerminal(current.status));
    } catch (e) {
      fill(failed, errorBox(e));
    }
  }

  function render(m) {
    current = m;
    root.dataset.status = m.status;
    fill(status, statusBadge(m.status));
    cancelBtn.hidden = isTerminal(m.status);
    startBtn.hidden = m.status !== "draft";
    const p = m.progress || {};
    fill(overall, h("div", { class: "overall-head" }, h("strong", null, `${Math.round(p.overall_progress_percent || 0)}%`),
      h("span", { class: "muted" }, p.current_stage ? " · " + p.current_stage.replace(/_/g, " ") : "")),
    bar(p.overall_progress_percent, "overall progress"),
    m.error_message ? h("div", { class: "error-text" }, m.error_message) : null);
    update(summary, [m.config, m.namespace_id, m.additional_data && m.additional_data.target_namespace_name,
      m.created_at, m.started_at, m.completed_at], () => summaryView(m));
    syncStages(stages, m);
    const statuses = new Map((p.resources || []).map((r) => [r.resource_id, r.status]));
    update(graph, [m.dependency_graph, [...statuses]], () => (m.dependency_graph && (m.dependency_graph.nodes || []).length
      ? dependencyGraph(m.dependency_graph, statuses) : h("p", { class: "muted" }, "No dependency graph yet.")));
    fill(resources, resourcesView(m));
    update(validation, m.validation_result, () => validationView(m.validation_result));
    const data = m.additional_data || {};
    update(verification, data.verification, () => verificationView(m));
    update(benchmark, data.benchmark, () => benchmarkView(m));
    loadFailed(m);
  }

  startBtn.addEventListener("click", async () => {
    const warnings = ((current && current.validation_result && current.validation_result.warnings) || []).length;
    const force = warnings > 0;
    if (force && !window.confirm(`Start despite ${warnings} validation warning(s)?`)) return;
    startBtn.disabled = true;
    try {
      const res = await api.start(id, force);
      fill(actionsMsg, h("div", { class: "notice" }, res.message || "Started."));
    } catch (e) {
      fill(actionsMsg, errorBox(e));
    } finally {
      startBtn.disabled = false;
    }
  });

  cancelBtn.addEventListener("click", async () => {
    if (!window.confirm("Cancel this migration? Work done so far stays in the target namespace.")) return;
    cancelBtn.disabled = true;
    try {
      const res = await api.cancel(id, "cancelled from the dashboard");
      fill(actionsMsg, h("div", { class: "notice" }, res.message || "Cancel requested."));
    } catch (e) {
      fill(actionsMsg, errorBox(e));
    } finally {
      cancelBtn.disabled = false;
    }
  });

  retryBtn.addEventListener("click", async () => {
    retryBtn.disabled = true;
    try {
      const res = await api.retry(id);
      fill(actionsMsg, h("div", { class: "notice", id: "retry-accepted" },
        res.message || `Retrying ${res.items_to_retry} item(s)`));
      failedKey = null;
      restartWatch();
    } catch (e) {
      fill(actionsMsg, errorBox(e));
      retryBtn.disabled = false;
    }
  });

  let watch = null;
  function restartWatch() {
    if (watch) watch.abort();
    watch = new AbortController();
    signal.addEventListener("abort", () => watch.abort(), { once: true });
    watchMigration(id, {
      signal: watch.signal,
      onState: (m, mode) => {
        live.dataset.mode = mode;
        fill(live, mode === "stream" ? "● live" : "● polling");
        if (m) { clear(message); render(m); }
        if (m && isTerminal(m.status)) fill(live, "");
      },
      onError: (e) => fill(message, errorBox(e)),
    });
  }
  clear(graph).append(h("p", { class: "muted" }, "Loading…"));
  restartWatch();
}
