// Dashboard entry: tabs, the auth mode badge and key form, and the start of each view.
import { getKey, request, setKey } from "./api.js";
import { notice } from "./dom.js";
import { loadFunctions, loadTenants, startSendForm } from "./panels.js";
import { setFunctionOptions, startRuns } from "./runs.js";

const LOADERS = { functions: loadFunctions, tenants: loadTenants };

function showTab(name) {
  for (const section of document.querySelectorAll("section.tab")) section.hidden = section.id !== name;
  for (const link of document.querySelectorAll("nav a"))
    link.classList.toggle("active", link.dataset.tab === name);
  LOADERS[name]?.().catch((error) => notice(error.message));
}

async function main() {
  const health = await request("GET", "/api/health");
  const mode = document.getElementById("mode");
  mode.textContent = health.auth === "open" ? "open (dev mode: no credentials required)" : "keys required";
  mode.classList.toggle("open", health.auth === "open");
  const keyForm = document.getElementById("key-form");
  keyForm.hidden = health.auth === "open";
  document.getElementById("key").value = getKey();
  keyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    setKey(document.getElementById("key").value.trim());
    location.reload();
  });
  if (health.auth !== "open" && !getKey()) {
    notice("Enter the signing key (or a tenant token) to read runs.");
    return;
  }
  window.addEventListener("hashchange", () => showTab(location.hash.slice(1) || "runs"));
  showTab(location.hash.slice(1) || "runs");
  startRuns();
  startSendForm();
  loadFunctions()
    .then(setFunctionOptions)
    .catch((error) => notice(error.message));
}

main().catch((error) => notice(`Dashboard failed to start: ${error.message}`));
