// The form that validates, creates and starts a migration from a namespace's resources.

import { api } from "./api.js";
import { clear, errorBox, fill, h } from "./dom.js";
import { dependencyGraph } from "./graph.js";
import { TYPES } from "./list.js";
import { validationView } from "./report.js";

function field(label, input, hint) {
  return h("label", { class: "field" }, h("span", null, label), input, hint ? h("small", { class: "muted" }, hint) : null);
}

export function renderCreate(root, { signal, navigate }) {
  const ns = h("select", { id: "source", name: "source", required: true });
  const type = h("select", { id: "type", name: "type" }, TYPES.map((t) => h("option", { value: t }, t)));
  const targetName = h("input", { id: "target-name", name: "target-name", placeholder: "generated when empty" });
  const extractors = h("div", { id: "extractors", class: "checks" }, h("span", { class: "muted" }, "Loading…"));
  const collections = h("div", { id: "collections", class: "checks" });
  const batchSize = h("input", { id: "batch-size", type: "number", min: "1", max: "1000", value: "100" });
  const workers = h("input", { id: "workers", type: "number", min: "1", max: "50", value: "10" });
  const dryRun = h("input", { id: "dry-run", type: "checkbox" });
  const force = h("input", { id: "force", type: "checkbox" });
  const result = h("div", { id: "validation-result" });
  const message = h("div");
  const validateBtn = h("button", { type: "button", id: "validate" }, "Validate");
  const createBtn = h("button", { type: "submit", class: "primary", id: "create" }, "Create");
  const startBtn = h("button", { type: "button", class: "primary", id: "start", hidden: true }, "Start");
  const extractorsField = field("Feature extractors", extractors, "re_extract and extend: the extractors to run");
  let created = null;

  const form = h("form", { class: "card create", id: "create-form" },
    h("h1", null, "New migration"),
    h("div", { class: "grid two" },
      field("Source namespace", ns),
      field("Type", type),
      field("Target namespace name", targetName),
      field("Batch size", batchSize, "documents per batch (1–1000)"),
      field("Workers", workers, "parallel workers (1–50)"),
      h("div", { class: "field checks" },
        h("label", null, dryRun, " Dry run (validate and plan, write nothing)"),
        h("label", null, force, " Start even with validation warnings"))),
    field("Collections", collections, "only these (and what they depend on); none checked: the whole namespace"),
    extractorsField,
    h("div", { class: "toolbar" }, validateBtn, createBtn, startBtn),
    message, result);
  fill(root, form);

  const updateType = () => { extractorsField.hidden = type.value === "copy"; };
  type.addEventListener("change", updateType);
  updateType();

  function config() {
    const c = { migration_type: type.value, source_namespace_id: ns.value,
      batch_options: { batch_size: Number(batchSize.value), max_workers: Number(workers.value) },
      dry_run: dryRun.checked };
    if (targetName.value.trim()) c.target_namespace_name = targetName.value.trim();
    const picked = [...collections.querySelectorAll("input:checked")].map((el) => el.value);
    if (picked.length) c.filters = { collection_ids: picked, auto_include_dependencies: true };
    if (type.value !== "copy") {
      c.feature_extractors = [...extractors.querySelectorAll("input:checked")].map((el) => ({
        feature_extractor_name: el.dataset.name, version: el.dataset.version }));
    }
    return c;
  }

  async function run(action) {
    clear(message);
    try {
      await action();
    } catch (e) {
      if (!signal.aborted) fill(message, errorBox(e));
    }
  }

  validateBtn.addEventListener("click", () => run(async () => {
    const res = await api.validate(config());
    fill(result, h("h2", null, "Validation"), validationView(res.validation_result),
      res.dependency_graph ? dependencyGraph(res.dependency_graph) : null);
  }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run(async () => {
      const res = await api.create(config());
      created = res.migration_id;
      fill(result, h("h2", null, "Created ", h("span", { class: "mono" }, created)),
        h("p", null, res.message), res.validation_result ? validationView(res.validation_result) : null);
      startBtn.hidden = false;
      createBtn.disabled = true;
    });
  });
  startBtn.addEventListener("click", () => run(async () => {
    await api.start(created, force.checked);
    navigate("#/migrations/" + encodeURIComponent(created));
  }));
  form.addEventListener("input", (e) => {
    if (e.target === force || created === null) return;
    created = null;
    startBtn.hidden = true;
    createBtn.disabled = false;
  });

  async function loadCollections() {
    const namespaceId = ns.value;
    fill(collections, h("span", { class: "muted" }, "Loading…"));
    try {
      const res = await api.listCollections(namespaceId);
      if (signal.aborted || namespaceId !== ns.value) return; // another namespace was picked
      fill(collections, ...res.results.map((col) => h("label", null,
        h("input", { type: "checkbox", value: col.collection_id }), " " + col.collection_name)));
      if (!res.results.length) fill(collections, h("span", { class: "muted" }, "No collections."));
    } catch (e) {
      if (namespaceId === ns.value) fill(collections, errorBox(e));
    }
  }
  ns.addEventListener("change", loadCollections);

  Promise.all([api.listNamespaces(), api.listExtractors()]).then(([nss, exs]) => {
    if (signal.aborted) return;
    fill(ns, ...nss.results.map((n) => h("option", { value: n.namespace_id }, n.namespace_name)));
    if (nss.results.length) loadCollections();
    fill(extractors, ...exs.map((x) => h("label", null,
      h("input", { type: "checkbox", dataset: { name: x.feature_extractor_name, version: x.version } }),
      ` ${x.feature_extractor_name}@${x.version}`)));
  }).catch((e) => fill(message, errorBox(e)));
}
