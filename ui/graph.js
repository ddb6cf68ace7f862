// The dependency graph drawn by tier: one column per tier (tier 0, no dependencies, on the
// left), one node per resource, an edge from each dependency to its dependent. Nodes are
// coloured by the resource's status when progress is known.

import { svg } from "./dom.js";

const NODE_W = 190;
const NODE_H = 48;
const COL_GAP = 80;
const ROW_GAP = 18;
const PAD = 16;

function shortId(id) {
  return id.length > 22 ? id.slice(0, 10) + "…" + id.slice(-8) : id;
}

function layout(nodes) {
  const tiers = new Map();
  for (const n of nodes) {
    const t = Number.isInteger(n.tier) ? n.tier : 0;
    if (!tiers.has(t)) tiers.set(t, []);
    tiers.get(t).push(n);
  }
  const order = [...tiers.keys()].sort((a, b) => a - b);
  const pos = new Map();
  const rows = Math.max(1, ...[...tiers.values()].map((c) => c.length));
  order.forEach((tier, col) => {
    tiers.get(tier).forEach((n, row) => {
      pos.set(n.resource_id, { x: PAD + col * (NODE_W + COL_GAP), y: PAD + 22 + row * (NODE_H + ROW_GAP), tier });
    });
  });
  const width = PAD * 2 + order.length * NODE_W + Math.max(0, order.length - 1) * COL_GAP;
  const height = PAD * 2 + 22 + rows * NODE_H + (rows - 1) * ROW_GAP;
  return { order, pos, width, height };
}

// graph: {nodes: [{resource_id, resource_type, dependencies, tier}], execution_order};
// statuses: Map resource_id → status.
export function dependencyGraph(graph, statuses = new Map()) {
  const nodes = (graph && graph.nodes) || [];
  const { order, pos, width, height } = layout(nodes);
  const w = Math.max(width, 200);
  const ht = Math.max(height, 80);
  const root = svg("svg", {
    class: "graph",
    viewBox: `0 0 ${w} ${ht}`,
    width: String(w),
    height: String(ht),
    role: "img",
    "aria-label": `dependency graph: ${nodes.length} resources in ${order.length} tiers`,
  });
  root.append(svg("defs", null, svg("marker", {
    id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7",
    orient: "auto-start-reverse",
  }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }))));
  order.forEach((tier, col) => {
    root.append(svg("text", { x: PAD + col * (NODE_W + COL_GAP), y: PAD + 10, class: "tier-label" },
      "tier " + tier));
  });
  for (const n of nodes) {
    const to = pos.get(n.resource_id);
    for (const dep of n.dependencies || []) {
      const from = pos.get(dep);
      if (!from) continue;
      const x1 = from.x + NODE_W, y1 = from.y + NODE_H / 2, x2 = to.x, y2 = to.y + NODE_H / 2;
      const mx = (x1 + x2) / 2;
      root.append(svg("path", {
        class: "edge", d: `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2 - 2} ${y2}`,
        "marker-end": "url(#arrow)", "data-from": dep, "data-to": n.resource_id,
      }));
    }
  }
  for (const n of nodes) {
    const p = pos.get(n.resource_id);
    const status = statuses.get(n.resource_id) || "pending";
    const g = svg("g", {
      class: "node status-" + status, transform: `translate(${p.x} ${p.y})`,
      "data-resource-id": n.resource_id, "data-resource-type": n.resource_type,
      "data-tier": String(p.tier), "data-status": status,
    });
    g.append(svg("title", null, `${n.resource_type} ${n.resource_id} (tier ${p.tier}): ${status}`));
    g.append(svg("rect", { width: NODE_W, height: NODE_H, rx: "8", ry: "8" }));
    g.append(svg("text", { x: "12", y: "19", class: "node-type" }, n.resource_type));
    g.append(svg("text", { x: "12", y: "37", class: "node-id" }, shortId(n.resource_id)));
    root.append(g);
  }
  return root;
}
