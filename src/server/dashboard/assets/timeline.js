// One run: its header (status, event, output or error) and its step timeline, kept live by the run's stream.
import { follow, request } from "./api.js";
import { duration, h, json, notice, statusLabel, time } from "./dom.js";

let current;

/** Shows run `runId` in the side panel and follows it until its stream ends. */
export async function showRun(runId) {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const panel = document.getElementById("run-detail");
  panel.hidden = false;
  let pending = false;
  const render = async () => {
    if (pending) return;
    pending = true;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    pending = false;
    try {
      const detail = await request("GET", `/api/runs/${encodeURIComponent(runId)}`);
      if (!controller.signal.aborted) panel.replaceChildren(...renderRun(detail.run, detail.steps));
    } catch (error) {
      notice(`Could not load run ${runId}: ${error.message}`);
    }
  };
  await render();
  follow(`/api/runs/${encodeURIComponent(runId)}/stream`, { onMessage: render, signal: controller.signal })
    .then(render)
    .catch(() => {});
}

function renderRun(run, steps) {
  return [
    h("h2", {}, run.functionId, " ", statusLabel(run.status)),
    h(
      "p",
      {},
      h("code", {}, run.id),
      ` · created ${time(run.createdAt)}`,
      run.endedAt ? ` · took ${duration(run.startedAt ?? run.createdAt, run.endedAt)}` : "",
    ),
    h("h3", {}, "Event"),
    json(run.event),
    h("h3", {}, "Steps"),
    steps.length === 0
      ? h("p", { className: "hint" }, "No steps yet.")
      : h("ol", { className: "timeline" }, steps.map(renderStep)),
    run.output !== undefined ? [h("h3", {}, "Output"), json(run.output)] : null,
    run.error ? [h("h3", {}, "Error"), h("pre", {}, `${run.error.name}: ${run.error.message}`)] : null,
  ];
}

function renderStep(step) {
  const retries = (step.attempts ?? 1) > 1 ? `${step.attempts} attempts` : "";
  return h(
    "li",
    { className: `step step-${step.status}`, dataset: { stepId: step.id } },
    h(
      "div",
      { className: "step-head" },
      h("span", { className: "op" }, opLabel(step)),
      h("strong", {}, step.name ?? step.id),
      statusLabel(step.status),
      h(
        "span",
        { className: "hint" },
        [duration(step.startedAt, step.endedAt), retries].filter(Boolean).join(" · "),
      ),
    ),
    waitDetail(step),
    step.input !== undefined ? json(step.input) : null,
    renderOutput(step.output),
    step.error ? h("pre", {}, `${step.error.name}: ${step.error.message}`) : null,
  );
}

function opLabel(step) {
  return step.op ?? step.type ?? "step";
}

function waitDetail(step) {
  if (step.wakeAt) return h("p", { className: "hint" }, `until ${time(step.wakeAt)}`);
  if (step.waitFor) return h("p", { className: "hint" }, `waiting for ${step.waitFor}`);
  return null;
}

/** Agent inference results are shown as messages (text and tool calls); anything else as JSON. */
function renderOutput(output) {
  const messages = Array.isArray(output?.output) ? output.output : Array.isArray(output) ? output : undefined;
  if (messages?.every((message) => typeof message?.type === "string" && message.type in MESSAGE)) {
    return h(
      "div",
      { className: "messages" },
      messages.map((message) => MESSAGE[message.type](message)),
    );
  }
  return json(output);
}

const MESSAGE = {
  text: (message) =>
    h(
      "div",
      { className: "message" },
      h("strong", {}, message.role ?? "assistant"),
      ": ",
      textOf(message.content),
    ),
  tool_call: (message) =>
    h(
      "div",
      { className: "message tool" },
      (message.tools ?? []).map((tool) =>
        h("div", {}, "tool call ", h("code", {}, tool.name), json(tool.input)),
      ),
    ),
  tool_result: (message) =>
    h(
      "div",
      { className: "message tool" },
      "tool result ",
      h("code", {}, message.tool?.name ?? ""),
      json(message.content),
    ),
};

function textOf(content) {
  if (typeof content === "string") return content;
  return Array.isArray(content) ? content.map((part) => part.text ?? "").join("") : JSON.stringify(content);
}
