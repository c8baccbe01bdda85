/**
 * Agents, tools, networks, routers, state and history: AgentKit's API on Fairway's durable engine.
 *
 * @module
 */
export { Agent, type AgentLifecycle, type AgentOptions, type AgentRunOptions, createAgent } from "./agent.js";
export { AgentResult, type AgentResultExport, type AgentResultLike } from "./agent-result.js";
export { type FunctionLike, isFairwayFunction } from "./function-tool.js";
export type { History, HistoryConfig, HistoryContext, HistoryUserMessage } from "./history/history-config.js";
export {
  createNetwork,
  type FnRouter,
  Network,
  type NetworkOptions,
  type NetworkRunOptions,
  type Router,
  type RouterArgs,
} from "./network.js";
export { NetworkRun, type NetworkStopReason } from "./network-run.js";
export {
  createRoutingAgent,
  getDefaultRoutingAgent,
  RoutingAgent,
  type RoutingAgentOptions,
  type RoutingLifecycle,
} from "./routing-agent.js";
export { createState, State, type StateJSON, type StateKV, type StateOptions, toState } from "./state.js";
export {
  type AnyTool,
  createTool,
  createToolManifest,
  type Tool,
  type ToolErrorPayload,
  type ToolHandlerOptions,
  type ToolResultPayload,
} from "./tool.js";
export type {
  GetStepTools,
  MaybePromise,
  Message,
  StateData,
  TextMessage,
  ToolCallMessage,
  ToolMessage,
  ToolResultMessage,
  UserMessage,
} from "./types.js";
