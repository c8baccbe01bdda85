// The functions, tenants and send-event tabs.
import { request } from "./api.js";
import { h, json, notice } from "./dom.js";

/** Loads the function list into the functions tab; resolves with the functions. */
export async function loadFunctions() {
  const { functions } = await request("GET", "/api/functions");
  document.querySelector("#function-table tbody").replaceChildren(
    ...functions.map((fn) =>
      h(
        "tr",
        { dataset: { functionId: fn.id } },
        h("td", {}, h("strong", {}, fn.name ?? fn.id), h("br"), h("code", {}, fn.id)),
        h(
          "td",
          {},
          fn.triggers.map((trigger) =>
            h("div", {}, trigger.event ?? `cron ${trigger.cron}`, trigger.if ? ` if ${trigger.if}` : ""),
          ),
        ),
        h(
          "td",
          {},
          Object.keys(fn.flowControl).length === 0
            ? h("span", { className: "hint" }, "none")
            : json(fn.flowControl),
        ),
      ),
    ),
  );
  return functions;
}

/** Loads per-key flow state into the tenants tab. */
export async function loadTenants() {
  const body = document.querySelector("#tenant-table tbody");
  try {
    const { keys } = await request("GET", "/api/flow");
    body.replaceChildren(...keys.map(tenantRow));
  } catch (error) {
    body.replaceChildren(h("tr", {}, h("td", { colSpan: 9 }, `Flow state unavailable: ${error.message}`)));
  }
}

function tenantRow(key) {
  const override = key.override?.concurrency?.limit;
  return h(
    "tr",
    { dataset: { functionId: key.functionId, key: key.key } },
    h("td", {}, key.functionId),
    h("td", {}, h("code", {}, key.key === "" ? "(none)" : key.key)),
    h("td", { className: "queued" }, key.queued),
    h("td", { className: "running" }, key.running),
    h("td", { className: "throttled" }, key.throttled),
    h(
      "td",
      { className: "limit" },
      key.concurrencyLimit ?? "",
      override === undefined ? "" : h("span", { className: "badge override" }, "override"),
    ),
    h("td", { className: "tokens" }, key.tokens ? `${key.tokens.input} / ${key.tokens.output}` : ""),
    h("td", {}, key.startLatencyMs ? `${key.startLatencyMs.p50} / ${key.startLatencyMs.p99} ms` : ""),
    h(
      "td",
      {},
      key.key === ""
        ? ""
        : h(
            "button",
            { type: "button", className: "edit-limit", onclick: () => editLimit(key) },
            "Edit limit",
          ),
    ),
  );
}

function editLimit(key) {
  const form = document.getElementById("limit-form");
  form.elements.functionId.value = key.functionId;
  form.elements.key.value = key.key;
  form.elements.concurrency.value = key.concurrencyLimit ?? "";
  form.elements.concurrency.focus();
}

let reloadTimer;

/**
 * Keeps the tenants tab live: every run event (from the runs list's stream) reloads it, at most every
 * 250 ms, while the tab is shown. Wires the limit form (set or remove a concurrency override of a key).
 */
export function startTenants(functions) {
  const select = document.querySelector('#limit-form select[name="functionId"]');
  for (const fn of functions) select.append(h("option", { value: fn.id }, fn.name ?? fn.id));
  document.addEventListener("fairway:run-event", () => {
    if (document.getElementById("tenants").hidden || reloadTimer !== undefined) return;
    reloadTimer = setTimeout(() => {
      reloadTimer = undefined;
      loadTenants();
    }, 250);
  });
  const form = document.getElementById("limit-form");
  const result = document.getElementById("limit-result");
  const path = () =>
    `/api/functions/${encodeURIComponent(form.elements.functionId.value)}/limits/${encodeURIComponent(form.elements.key.value)}`;
  const act = async (method, body, done) => {
    try {
      await request(method, path(), body);
      result.replaceChildren(h("span", { className: "status status-completed" }, done));
      await loadTenants();
    } catch (error) {
      result.replaceChildren(h("span", { className: "status status-failed" }, error.message));
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act("PUT", { concurrency: Number(form.elements.concurrency.value) }, "Saved");
  });
  document
    .getElementById("limit-remove")
    .addEventListener("click", () => act("DELETE", undefined, "Removed"));
}

/** Wires the send-event form: posts the event, shows its ids and links to the runs list. */
export function startSendForm() {
  const form = document.getElementById("send-form");
  const result = document.getElementById("send-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = new FormData(form);
    let data;
    try {
      data = JSON.parse(String(fields.get("data") || "{}"));
    } catch (error) {
      result.replaceChildren(
        h("p", { className: "status status-failed" }, `Data is not JSON: ${error.message}`),
      );
      return;
    }
    try {
      const sent = await request("POST", "/api/events", { name: String(fields.get("name")), data });
      result.replaceChildren(
        h(
          "p",
          { id: "sent" },
          "Sent. Event ids: ",
          sent.ids.map((id) => h("code", {}, id, " ")),
        ),
        h("a", { href: "#runs", id: "see-runs" }, "See the runs →"),
      );
      notice("");
    } catch (error) {
      result.replaceChildren(h("p", { className: "status status-failed" }, `Not sent: ${error.message}`));
    }
  });
}
