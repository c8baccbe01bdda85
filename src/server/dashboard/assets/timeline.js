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
      if (!controller.signal.aborted)
        panel.replaceChildren(...renderRun(detail.run, detail.steps).flat().filter(Boolean));
    } catch (error) {
      notice(`Could not load run ${runId}: ${error.message}`);
    }
  };
  await render();
  follow(`/api/runs/${encodeURIComponent(runId)}/stream`, { onMessage: render, signal: controller.signal })
    .then(render)
    .catch(() => {});
}

/**
 * The run's time axis from creation: queued (start latency, and the limit that held it), then executing
 * (first execution to end, or to now); bar widths in proportion.
 */
function timeAxis(run) {
  const end = run.endedAt ?? Date.now();
  const total = Math.max(1, end - run.createdAt);
  const queuedUntil = run.startedAt ?? (run.endedAt ? run.endedAt : end);
  const share = (ms) => `${Math.max(0.5, (100 * ms) / total)}%`;
  return h(
    "div",
    { className: "time-axis" },
    h(
      "div",
      { className: "axis-bar" },
      h("span", { className: "axis-queued", style: `width: ${share(queuedUntil - run.createdAt)}` }),
      run.startedAt
        ? h("span", { className: "axis-running", style: `width: ${share(end - run.startedAt)}` })
        : null,
    ),
    h(
      "p",
      { className: "wait" },
      run.startedAt
        ? `Start latency ${duration(run.createdAt, run.startedAt)} (creation to first execution)`
        : "Not started yet",
      run.waitReason ? h("span", { className: "wait-reason" }, ` · held by ${run.waitReason}`) : "",
      run.startedAt && run.endedAt ? ` · then ran ${duration(run.startedAt, run.endedAt)}` : "",
    ),
  );
}

function renderRun(run, steps) {
  return [
    h("h2", {}, run.functionId, " ", statusLabel(run.status)),
    h("p", {}, h("code", {}, run.id), ` · created ${time(run.createdAt)}`),
    timeAxis(run),
    run.skipReason ? h("p", { className: "skip-reason" }, `Skipped: ${run.skipReason}`) : null,
    ...(run.warnings ?? []).map((warning) => h("p", { className: "hint" }, `Warning: ${warning}`)),
    h("h3", {}, "Event"),
    json(run.event),
    h("h3", {}, "Steps"),
    steps.length === 0
      ? h(
          "p",
          { className: "hint" },
          run.status === "skipped" ? "None: the run was skipped." : "No steps yet.",
        )
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

/** Agent steps are named `<network>/<n>-<agent>/turn-<t>/infer`, `.../tool-<i>-<tool>` and `<network>/route-<n>/decide`. */
const AGENT_STEPS = [
  [/\/infer$/, "inference"],
  [/\/tool-\d+-[^/]+$/, "tool call"],
  [/\/route-\d+\/decide$/, "route"],
];

function opLabel(step) {
  if (step.op === "run") for (const [pattern, label] of AGENT_STEPS) if (pattern.test(step.id)) return label;
  return step.op === "waitForEvent" ? "wait" : step.op;
}

function waitDetail(step) {
  if (step.wakeAt === undefined || step.status === "completed" || step.status === "failed") return null;
  const what =
    { sleeping: "sleeps until", retrying: "retries at", waiting: "times out at" }[step.status] ?? "until";
  return h("p", { className: "hint" }, `${what} ${time(step.wakeAt)}`);
}

/**
 * Step outputs: an inference as its messages (text, tool calls) and token usage; a tool call as its
 * `{data}` or `{error}` result; a routing decision as the agents chosen; anything else as JSON.
 */
function renderOutput(output) {
  const messages = output?.response?.output;
  if (Array.isArray(messages) && messages.every((message) => message?.type in MESSAGE)) {
    const usage = output.response.usage ?? {};
    const tokens = Object.entries(usage).map(([name, value]) => `${name} ${value}`);
    return h(
      "div",
      { className: "messages" },
      messages.map((message) => MESSAGE[message.type](message)),
      tokens.length > 0 ? h("p", { className: "hint" }, `tokens: ${tokens.join(", ")}`) : null,
    );
  }
  const value = output?.value;
  if (Array.isArray(value?.agents)) {
    return h("p", { className: "hint" }, value.agents.length ? `→ ${value.agents.join(", ")}` : "→ done");
  }
  if (value && ("data" in value || "error" in value)) {
    return h(
      "div",
      { className: "message tool" },
      "data" in value ? "result " : "error ",
      json(value.data ?? value.error),
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
