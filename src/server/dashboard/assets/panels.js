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
    body.replaceChildren(
      ...keys.map((key) =>
        h(
          "tr",
          { dataset: { key: key.key } },
          h("td", {}, key.functionId),
          h("td", {}, h("code", {}, key.key === "" ? "(none)" : key.key)),
          h("td", {}, key.queued),
          h("td", {}, key.running),
          h("td", {}, key.throttled),
          h("td", {}, key.startLatencyMs ? `${key.startLatencyMs.p50} / ${key.startLatencyMs.p99} ms` : ""),
        ),
      ),
    );
  } catch (error) {
    body.replaceChildren(h("tr", {}, h("td", { colSpan: 6 }, `Flow state unavailable: ${error.message}`)));
  }
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
