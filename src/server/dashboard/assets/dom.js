// Small DOM helpers. Text from the API is only ever set as text, never parsed as HTML.

/** Creates an element: `h("td", { className: "x" }, "text", child)`. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name in element) element[name] = value;
    else element.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Formats ms since the epoch as local time. */
export function time(ms) {
  return ms ? new Date(ms).toLocaleTimeString() : "";
}

/** Formats a duration between two ms timestamps. */
export function duration(start, end) {
  if (!start || !end) return "";
  const ms = end - start;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Pretty JSON in a <pre>, or nothing for undefined. */
export function json(value) {
  return value === undefined ? null : h("pre", {}, JSON.stringify(value, null, 2));
}

/** A status label coloured by status. */
export function statusLabel(status) {
  return h("span", { className: `status status-${status}` }, status);
}

/** Shows (or clears, with an empty message) the page's error notice. */
export function notice(message) {
  const element = document.getElementById("notice");
  element.textContent = message;
  element.hidden = !message;
}
