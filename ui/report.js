// The read-only parts of a migration page: stages, resources, validation, verification and
// the benchmark report. Each function returns fresh DOM for one state of the migration.

import { bar, fill, formatNumber, formatTime, h, setBar, statusBadge } from "./dom.js";

export const STAGES = ["namespace_setup", "batch_creation", "batch_processing", "cluster_execution",
  "taxonomy_enrichment", "benchmark_evaluation", "finalization"];

const label = (s) => s.replace(/_/g, " ");

// The seven stages, drawn into `list` (an <ol>) the first time and updated in place after,
// so that the bars glide from one value to the next.
export function syncStages(list, m) {
  const byName = new Map(((m.progress && m.progress.stages) || []).map((s) => [s.stage, s]));
  if (list.children.length !== STAGES.length) {
    fill(list, STAGES.map((name) => h("li", { dataset: { stage: name } },
      h("div", { class: "stage-head" }, h("span", { class: "stage-name" }, label(name)), h("span")),
      bar(0, label(name)),
      h("div", { class: "stage-meta muted small" }))));
  }
  for (const li of list.children) {
    const s = byName.get(li.dataset.stage) ||
      { status: "pending", progress_percent: 0, items_total: 0, items_completed: 0, items_failed: 0 };
    li.className = "stage status-" + s.status;
    Object.assign(li.dataset, { status: s.status, completed: String(s.items_completed || 0),
      total: String(s.items_total || 0) });
    li.querySelector(".stage-head").lastChild.replaceWith(statusBadge(s.status));
    setBar(li.querySelector('[role="progressbar"]'), s.progress_percent);
    fill(li.querySelector(".stage-meta"), `${s.items_completed || 0} / ${s.items_total || 0} items`,
      s.items_failed ? h("span", { class: "failed-count" }, ` · ${s.items_failed} failed`) : null,
      s.error_message ? h("div", { class: "error-text" }, s.error_message) : null);
  }
}

export function resourcesView(m) {
  const plan = (m.additional_data && m.additional_data.plan && m.additional_data.plan.items_per_resource) || {};
  const resources = (m.progress && m.progress.resources) || [];
  if (!resources.length) return h("p", { class: "muted" }, "No resources yet.");
  return h("div", { class: "table-wrap" }, h("table", { class: "resources" },
    h("thead", null, h("tr", null, ["Resource", "Type", "Items", "Status", "Progress"].map((t) => h("th", null, t)))),
    h("tbody", null, resources.map((r) => h("tr", { class: "status-" + r.status, dataset: { resourceId: r.resource_id } },
      h("td", { class: "mono" }, r.resource_id),
      h("td", null, r.resource_type),
      h("td", null, plan[r.resource_id] !== undefined ? String(plan[r.resource_id]) : "—"),
      h("td", null, statusBadge(r.status), r.error_message ? h("div", { class: "error-text small" }, r.error_message) : null),
      h("td", { class: "progress-cell" }, bar(r.progress_percent, r.resource_id)))))));
}

function issueList(kind, issues) {
  return h("ul", { class: "issues " + kind }, issues.map((i) => h("li", null,
    h("span", { class: "mono" }, (i.loc || []).join(".")), " — ", i.msg,
    i.type ? h("span", { class: "muted small" }, ` (${i.type})`) : null)));
}

export function validationView(v) {
  if (!v) return h("p", { class: "muted" }, "Not validated yet.");
  const errors = v.errors || [];
  const warnings = v.warnings || [];
  const est = Object.entries(v.estimated_resources || {}).filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}${n === 1 ? "" : "s"}`).join(", ");
  return h("div", { class: "validation", dataset: { valid: String(!!v.valid) } },
    h("p", null, v.valid ? h("span", { class: "ok" }, "✓ valid") : h("span", { class: "bad" }, "✗ not valid"),
      est ? ` · ${est}` : "",
      v.estimated_duration_seconds != null ? ` · about ${v.estimated_duration_seconds} s` : ""),
    errors.length ? [h("h3", null, "Errors"), issueList("errors", errors)] : null,
    warnings.length ? [h("h3", null, "Warnings"), issueList("warnings", warnings)]
      : h("p", { class: "muted small" }, "No warnings."));
}

function checksum(c) {
  return c ? h("span", { class: "mono", title: c }, c.slice(0, 12) + "…") : "—";
}

export function verificationView(m) {
  const v = m.additional_data && m.additional_data.verification;
  if (!v) return h("p", { class: "muted" }, "Verification runs in the finalization stage.");
  return h("div", { class: "verification", dataset: { ok: String(!!v.ok) } },
    h("p", null, v.ok ? h("span", { class: "ok" }, "✓ target matches source")
      : h("span", { class: "bad" }, "✗ differences found")),
    h("div", { class: "table-wrap" }, h("table", null,
      h("thead", null, h("tr", null, ["Resource", "Type", "Mode", "Source count", "Target count",
        "Source checksum", "Target checksum", "Match"].map((t) => h("th", null, t)))),
      h("tbody", null, (v.resources || []).map((r) => h("tr", { dataset: { resourceId: r.resource_id } },
        h("td", { class: "mono" }, r.resource_id), h("td", null, r.resource_type), h("td", null, r.mode || "—"),
        h("td", { class: "num" }, formatNumber(r.source_count)), h("td", { class: "num" }, formatNumber(r.target_count)),
        h("td", null, checksum(r.source_checksum)), h("td", null, checksum(r.target_checksum)),
        h("td", null, r.match ? h("span", { class: "ok" }, "✓") : h("span", { class: "bad" }, "✗"))))))));
}

export function benchmarkView(m) {
  const b = m.additional_data && m.additional_data.benchmark;
  const rows = (b && b.retrievers) || [];
  if (!rows.length) {
    return h("p", { class: "muted" }, b ? "No retriever with recorded queries to replay."
      : "The benchmark runs after the data is migrated (retrievers with recorded queries).");
  }
  const metric = (name, s, t) => h("tr", null, h("th", null, name),
    h("td", { class: "num" }, formatNumber(s)), h("td", { class: "num" }, formatNumber(t)));
  return h("div", { class: "benchmarks" }, rows.map((r) => h("div", { class: "benchmark", dataset: { retriever: r.source_retriever_id } },
    h("h3", null, h("span", { class: "mono" }, r.source_retriever_id), " → ", h("span", { class: "mono" }, r.target_retriever_id)),
    h("p", { class: "muted small" }, `${r.queries} queries replayed, ${r.judged_queries} judged, k = ${b.k}`),
    h("table", { class: "side-by-side" },
      h("thead", null, h("tr", null, h("th", null, "Metric"), h("th", null, "Source"), h("th", null, "Target"))),
      h("tbody", null,
        h("tr", null, h("th", null, "overlap@10"), h("td", { colSpan: 2, class: "num" }, formatNumber(r.overlap_at_10))),
        metric("NDCG@10", r.source && r.source.ndcg_at_10, r.target && r.target.ndcg_at_10),
        metric("MRR", r.source && r.source.mrr, r.target && r.target.mrr),
        metric("p50 latency (ms)", r.source && r.source.p50_latency_ms, r.target && r.target.p50_latency_ms),
        metric("failed queries", r.source && r.source.failed_queries, r.target && r.target.failed_queries))))));
}

export function summaryView(m) {
  const c = m.config || {};
  const data = m.additional_data || {};
  const item = (k, v) => [h("dt", null, k), h("dd", null, v)];
  return h("dl", { class: "summary" },
    item("Type", c.migration_type || "—"),
    item("Source", h("span", { class: "mono" }, m.namespace_id)),
    item("Target", h("span", { class: "mono" }, data.target_namespace_name || c.target_namespace_name || c.target_namespace_id || "—")),
    item("Extractors", (c.feature_extractors || []).map((e) => e.feature_extractor_name + (e.version ? "@" + e.version : "")).join(", ") || "—"),
    item("Created", formatTime(m.created_at)),
    item("Started", formatTime(m.started_at)),
    item("Ended", formatTime(m.completed_at)),
    c.dry_run ? item("Dry run", "yes") : null);
}
