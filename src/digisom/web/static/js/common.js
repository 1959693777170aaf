// Helpers shared by every page: safe element building, amounts as exact decimals, fetching JSON.
//
// Every piece of data reaches the page through textContent or attributes set one by one, never
// through innerHTML, so nothing a server or a pasted file contains can become markup.

export const FETCH_TIMEOUT_MS = 15000;

// Build an element: el("td", {class: "num"}, "text", childNode, ...). Attributes are set with
// setAttribute; children are strings (made text nodes) or nodes; null/undefined are skipped.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// Group the digits of a non-negative decimal string by thousands: "1234567" -> "1,234,567".
function group(digits) {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return out;
}

// Tyiyn (a decimal string or BigInt) to "1,234.56 som", exactly: BigInt arithmetic, no floats.
export function formatMinor(minor) {
  const value = BigInt(minor);
  const negative = value < 0n;
  const absolute = negative ? -value : value;
  const som = absolute / 100n;
  const tyiyn = absolute % 100n;
  return `${negative ? "-" : ""}${group(som.toString())}.${tyiyn.toString().padStart(2, "0")} som`;
}

export function formatCount(count) {
  return group(BigInt(count).toString());
}

// Tyiyn as a JavaScript number of som, for chart geometry only (never shown as a figure).
export function somForChart(minor) {
  return Number(BigInt(minor)) / 100;
}

export class HttpError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

// GET or POST JSON with a timeout; non-2xx raises HttpError with the server's `detail`.
export async function fetchJSON(url, { method = "GET", headers = {}, body } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const init = { method, headers: { Accept: "application/json", ...headers }, signal: controller.signal };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    const response = await fetch(url, init);
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = data && typeof data.detail === "string" ? data.detail : response.statusText;
      throw new HttpError(response.status, detail);
    }
    return data;
  } finally {
    clearTimeout(timer);
  }
}

// Put a message into a status region (role=status or alert already set in the HTML).
export function say(region, message, kind = "info") {
  clear(region);
  region.dataset.kind = kind;
  region.append(document.createTextNode(message));
  region.hidden = false;
}

// A definition list from [term, description] pairs; descriptions may be nodes.
export function definitions(pairs, attributes = {}) {
  const list = el("dl", attributes);
  for (const [term, description] of pairs) {
    list.append(el("dt", {}, term), el("dd", {}, description));
  }
  return list;
}

// Mark the page as ready for tests and screen readers once its data is shown.
export function ready(main) {
  main.setAttribute("aria-busy", "false");
  document.body.dataset.ready = "true";
}

// Chart.js is a classic script loaded before the page's module; pages work without it.
export function chartLibrary() {
  return typeof globalThis.Chart === "function" ? globalThis.Chart : null;
}

export const PALETTE = ["#1f5f8b", "#c8102e", "#f2a900", "#2e8540", "#6f42c1", "#5a6a7a", "#00838f"];
