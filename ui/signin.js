// Sign-in: the key is checked with one API call, then kept in sessionStorage.

import { api, signIn, signOut } from "./api.js";
import { errorBox, fill, h } from "./dom.js";

export function renderSignIn(root, { onSignedIn, notice }) {
  const input = h("input", {
    id: "api-key", name: "api-key", type: "password", autocomplete: "off", required: true,
    placeholder: "sk_…", spellcheck: false,
  });
  const status = h("div", { class: "form-status" });
  const form = h("form", { class: "card signin", id: "sign-in-form" },
    h("h1", null, "Sign in"),
    h("p", { class: "muted" },
      "Paste an API key. It is kept in this tab only (sessionStorage) and sent in the ",
      h("code", null, "Authorization"), " header."),
    h("label", { for: "api-key" }, "API key"),
    input,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
    status);
  if (notice) fill(status, errorBox(notice));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    fill(status, "Checking…");
    signIn(input.value.trim());
    try {
      await api.checkKey();
      input.value = "";
      onSignedIn();
    } catch (err) {
      signOut();
      fill(status, errorBox(err.status === 401 ? "That API key was not accepted." : err));
    }
  });
  fill(root, form);
  input.focus();
}
