// The dashboard's entry point: hash routes (#/migrations, #/migrations/{id}, #/new) and
// the sign-in gate. Nothing secret ever goes in the URL.

import { UNAUTHORIZED, apiKey, signOut } from "./api.js";
import { renderCreate } from "./create.js";
import { renderList } from "./list.js";
import { renderMigration } from "./migration.js";
import { renderSignIn } from "./signin.js";

const root = document.getElementById("app");
const nav = document.getElementById("nav");
let page = null;
let listFilters = {};

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function route(notice) {
  if (page) page.abort();
  page = new AbortController();
  const signal = page.signal;
  if (!apiKey()) {
    nav.hidden = true;
    renderSignIn(root, { onSignedIn: () => route(), notice });
    return;
  }
  nav.hidden = false;
  const hash = location.hash || "#/migrations";
  const m = hash.match(/^#\/migrations\/([^/]+)$/);
  for (const a of nav.querySelectorAll("a")) a.classList.toggle("active", hash.startsWith(a.getAttribute("href")));
  if (m) renderMigration(root, decodeURIComponent(m[1]), { signal });
  else if (hash === "#/new") renderCreate(root, { signal, navigate });
  else renderList(root, { signal, filters: listFilters, onFilters: (f) => { listFilters = f; } });
}

document.getElementById("sign-out").addEventListener("click", () => {
  signOut();
  route();
});
window.addEventListener(UNAUTHORIZED, () => {
  if (!apiKey()) return;
  signOut();
  route("The API key is no longer accepted: sign in again.");
});
window.addEventListener("hashchange", () => route());
route();
