/**
 * `fairway-agents/react`: `useAgent`, a React hook for chatting with a served agent or network over
 * `fairway-agents/client`. Needs `react` (≥ 18) installed: it is an optional peer dependency.
 *
 * @module
 */
export { type AgentStatus, type UseAgentOptions, type UseAgentResult, useAgent } from "./use-agent.js";
