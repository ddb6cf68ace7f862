// DOM helpers. Every piece of server data goes in through textContent or attributes set by
// the DOM API, never through innerHTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function setAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.setAttribute("class", value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name in el && !(el instanceof SVGElement)) el[name] = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  return el;
}

// h("a", {href: "#/x", class: "y"}, "text", child, ...)
export function h(tag, attrs, ...children) {
  return append(setAttrs(document.createElement(tag), attrs), children);
}

export function svg(tag, attrs, ...children) {
  return append(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

// Replaces el's children; null, undefined and false children are left out.
export function fill(el, ...children) {
  return append(clear(el), children);
}

// A horizontal bar: role=progressbar with aria-valuenow, the fill sized by CSSOM.
export function bar(percent, label) {
  const p = Math.max(0, Math.min(100, Number(percent) || 0));
  const fill = h("div", { class: "bar-fill" });
  fill.style.width = p + "%";
  return h("div", {
    class: "bar",
    role: "progressbar",
    "aria-valuemin": "0",
    "aria-valuemax": "100",
    "aria-valuenow": p.toFixed(1),
    "aria-label": label || "progress",
  }, fill);
}

// Moves an existing bar() to `percent` in place (its width change is animated by CSS).
export function setBar(el, percent) {
  const p = Math.max(0, Math.min(100, Number(percent) || 0));
  el.firstChild.style.width = p + "%";
  el.setAttribute("aria-valuenow", p.toFixed(1));
}

export function statusBadge(status) {
  return h("span", { class: "badge status-" + String(status || "unknown"), dataset: { status: status || "" } },
    String(status || "unknown").replace("_", " "));
}

export function formatTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString();
}

export function formatNumber(v, digits = 3) {
  if (v === null || v === undefined) return "—";
  return typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : String(v);
}

export function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", null, title), ...children);
}

export function errorBox(err) {
  return h("div", { class: "error", role: "alert" }, err instanceof Error ? err.message : String(err));
}
