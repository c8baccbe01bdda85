// Dashboard entry: tabs, the auth mode badge and key form, and the start of each view.
import { getKey, health as readHealth, setKey } from "./api.js";
import { notice } from "./dom.js";
import { loadFunctions, loadTenants, startSendForm, startTenants } from "./panels.js";
import { setFunctionOptions, startRuns } from "./runs.js";

const LOADERS = { functions: loadFunctions, tenants: loadTenants };

/** Tabs a tenant token may use: the others read admin endpoints (functions, flow state, sending). */
const TENANT_TABS = new Set(["runs"]);
let tenant;

function showTab(requested) {
  const name = tenant !== undefined && !TENANT_TABS.has(requested) ? "runs" : requested;
  for (const section of document.querySelectorAll("section.tab")) section.hidden = section.id !== name;
  for (const link of document.querySelectorAll("nav a"))
    link.classList.toggle("active", link.dataset.tab === name);
  LOADERS[name]?.().catch((error) => notice(error.message));
}

async function main() {
  const health = await readHealth();
  const unready = document.getElementById("unready");
  unready.textContent = health.status === "ok" ? "" : unreadyText(health);
  unready.hidden = health.status === "ok";
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
  tenant = health.auth === "open" ? undefined : tenantOf(getKey());
  if (tenant !== undefined) {
    mode.textContent = `tenant ${tenant}: this user's runs only`;
    for (const link of document.querySelectorAll("nav a")) link.hidden = !TENANT_TABS.has(link.dataset.tab);
    document.querySelector('#run-filters select[name="function"]').closest("label").hidden = true;
  }
  window.addEventListener("hashchange", () => showTab(location.hash.slice(1) || "runs"));
  showTab(location.hash.slice(1) || "runs");
  startRuns();
  if (tenant !== undefined) return;
  startSendForm();
  loadFunctions()
    .then((functions) => {
      setFunctionOptions(functions);
      startTenants(functions);
    })
    .catch((error) => notice(error.message));
}

/** Why the server is not ready: the reason, and its cause when the server gave it (signing key, open mode). */
function unreadyText({ reason, cause }) {
  return cause === undefined
    ? `Server not ready: ${reason}.`
    : `Server not ready: ${reason}. Cause: ${cause}`;
}

/** The user a tenant token (`fwt1.<base64url JSON {userId, exp}>.<signature>`) is for; undefined for a key. */
function tenantOf(key) {
  if (!key.startsWith("fwt1.")) return undefined;
  try {
    const bytes = Uint8Array.from(atob(key.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")), (c) =>
      c.charCodeAt(0),
    );
    return String(JSON.parse(new TextDecoder().decode(bytes)).userId);
  } catch {
    return "(unreadable token)";
  }
}

main().catch((error) => notice(`Dashboard failed to start: ${error.message}`));
