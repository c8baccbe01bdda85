// The runs list: filters, pagination, and live updates from the run event stream.
import { follow, request } from "./api.js";
import { duration, h, notice, statusLabel, time } from "./dom.js";
import { showRun } from "./timeline.js";

const rows = new Map();
let filters = {};
let cursor;
let selected;

/** Loads the first page of runs with the current filters and starts following run events. */
export function startRuns() {
  const form = document.getElementById("run-filters");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    filters = Object.fromEntries([...data].filter(([, value]) => value !== ""));
    reload();
  });
  document.getElementById("more-runs").addEventListener("click", () => loadPage(false));
  reload();
  followRuns();
}

/** Fills the function filter with the function ids. */
export function setFunctionOptions(functions) {
  const select = document.querySelector('#run-filters select[name="function"]');
  for (const fn of functions) select.append(h("option", { value: fn.id }, fn.name ?? fn.id));
}

function reload() {
  rows.clear();
  document.querySelector("#run-table tbody").replaceChildren();
  cursor = undefined;
  loadPage(true);
}

async function loadPage(first) {
  const query = new URLSearchParams({ ...filters, limit: "50" });
  if (!first && cursor) query.set("cursor", cursor);
  try {
    const page = await request("GET", `/api/runs?${query}`);
    for (const run of page.runs) upsert(run, "append");
    cursor = page.nextCursor;
    document.getElementById("more-runs").hidden = !cursor;
    notice("");
  } catch (error) {
    notice(`Could not load runs: ${error.message}`);
  }
}

function matches(run) {
  if (filters.function && run.functionId !== filters.function) return false;
  if (filters.status && run.status !== filters.status) return false;
  if (filters.concurrencyKey && !(run.concurrencyKeys ?? []).includes(filters.concurrencyKey)) return false;
  return true;
}

function upsert(run, where) {
  if (!matches(run)) return;
  const row = h(
    "tr",
    {
      className: `run${run.id === selected ? " selected" : ""}`,
      dataset: { runId: run.id, status: run.status },
      onclick: () => select(run.id),
    },
    h("td", {}, h("code", {}, run.id)),
    h("td", {}, run.functionId),
    h("td", { className: "tenant" }, tenantOf(run)),
    h("td", {}, statusLabel(run.status)),
    h("td", {}, time(run.createdAt)),
    h("td", { className: "start-latency" }, duration(run.createdAt, run.startedAt)),
    h("td", {}, duration(run.startedAt, run.endedAt)),
  );
  const old = rows.get(run.id);
  rows.set(run.id, row);
  const body = document.querySelector("#run-table tbody");
  if (old) old.replaceWith(row);
  else if (where === "append") body.append(row);
  else body.prepend(row);
}

/** The run's tenant: its first non-empty concurrency key value. */
function tenantOf(run) {
  return (run.concurrencyKeys ?? []).find((key) => key !== "") ?? "";
}

function select(runId) {
  selected = runId;
  for (const row of rows.values()) row.classList.toggle("selected", row.dataset.runId === runId);
  showRun(runId);
}

const refreshing = new Map();

/** Re-reads a run after a lifecycle event, at most once per animation frame per run. */
function refresh(runId) {
  if (refreshing.has(runId)) return;
  refreshing.set(
    runId,
    requestAnimationFrame(async () => {
      refreshing.delete(runId);
      try {
        const { run } = await request("GET", `/api/runs/${encodeURIComponent(runId)}`);
        upsert(run, "prepend");
      } catch {
        // a run we may not read: ignore
      }
    }),
  );
}

function followRuns() {
  const badge = document.getElementById("live");
  follow("/api/stream", {
    onMessage: (message) => {
      if (message.data?.runId) refresh(message.data.runId);
      document.dispatchEvent(new CustomEvent("fairway:run-event"));
    },
    onState: (state) => {
      badge.textContent = state === "live" ? "live" : `live updates ${state}`;
      badge.dataset.state = state;
    },
  }).catch((error) => notice(`Live updates stopped: ${error.message}`));
}
