// The migrations list with filters (status, type, source namespace), refreshed every
// two seconds while shown so that statuses stay live.

import { api } from "./api.js";
import { bar, clear, errorBox, fill, formatTime, h, statusBadge } from "./dom.js";

export const STATUSES = ["draft", "validating", "pending", "in_progress", "completed", "failed", "cancelled"];
export const TYPES = ["re_extract", "copy", "extend"];
const REFRESH_MS = 2000;

function select(id, label, options, value) {
  const el = h("select", { id, name: id },
    h("option", { value: "" }, "any"),
    options.map(([v, text]) => h("option", { value: v }, text)));
  el.value = value || "";
  return h("label", { class: "filter" }, label, el);
}

function row(m, names) {
  const p = m.progress || {};
  return h("tr", { dataset: { migrationId: m.migration_id, status: m.status } },
    h("td", null, h("a", { href: "#/migrations/" + encodeURIComponent(m.migration_id) }, m.migration_id)),
    h("td", null, (m.config && m.config.migration_type) || "—"),
    h("td", null, names.get(m.namespace_id) || m.namespace_id),
    h("td", null, statusBadge(m.status)),
    h("td", { class: "progress-cell" }, bar(p.overall_progress_percent, "overall progress"),
      h("span", { class: "muted small" }, p.current_stage ? p.current_stage.replace(/_/g, " ") : "")),
    h("td", { class: "nowrap" }, formatTime(m.created_at)));
}

export function renderList(root, { signal, filters, onFilters }) {
  const table = h("tbody");
  const total = h("span", { class: "muted" });
  const message = h("div");
  const form = h("form", { class: "filters", id: "filters" },
    select("status", "Status", STATUSES.map((s) => [s, s.replace("_", " ")]), filters.status),
    select("migration_type", "Type", TYPES.map((t) => [t, t]), filters.migration_type),
    select("source_namespace_id", "Source namespace", [], filters.source_namespace_id));
  const nsSelect = form.querySelector("#source_namespace_id");
  let names = new Map();

  fill(root, h("div", { class: "page-head" }, h("h1", null, "Migrations"), total,
    h("a", { class: "button primary", href: "#/new" }, "New migration")),
  form, message,
  h("div", { class: "table-wrap card" }, h("table", { class: "list", id: "migrations" },
    h("thead", null, h("tr", null, ["Migration", "Type", "Source", "Status", "Progress", "Created"]
      .map((t) => h("th", null, t)))), table)));

  const current = () => {
    const f = {};
    for (const el of form.querySelectorAll("select")) if (el.value) f[el.name] = el.value;
    return f;
  };
  let timer = null;
  let latest = 0; // a filter change outdates answers still on their way
  async function refresh() {
    clearTimeout(timer);
    const mine = ++latest;
    try {
      const res = await api.listMigrations(current());
      if (signal.aborted || mine !== latest) return;
      fill(total, `${res.total} migration${res.total === 1 ? "" : "s"}`);
      fill(table, ...res.results.map((m) => row(m, names)));
      if (!res.results.length) {
        fill(table, h("tr", null, h("td", { colSpan: 6, class: "muted" }, "No migrations match.")));
      }
      clear(message);
    } catch (e) {
      if (signal.aborted || mine !== latest) return;
      fill(message, errorBox(e));
    }
    if (!signal.aborted) timer = setTimeout(refresh, REFRESH_MS);
  }
  signal.addEventListener("abort", () => clearTimeout(timer));
  form.addEventListener("change", () => {
    onFilters(current());
    refresh();
  });
  api.listNamespaces().then((res) => {
    names = new Map(res.results.map((n) => [n.namespace_id, n.namespace_name]));
    nsSelect.append(...res.results.map((n) => h("option", { value: n.namespace_id }, n.namespace_name)));
    nsSelect.value = filters.source_namespace_id || "";
  }).catch(() => {});
  refresh();
}
