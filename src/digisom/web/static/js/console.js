// Operator console: sign in with an API key (kept in this tab's sessionStorage, sent as Bearer),
// then the ledger head, account and transfer lookups, freeze/unfreeze with a reason, and sections
// for platform and compliance endpoints that this server actually has (read from /openapi.json).

import { HttpError, clear, definitions, el, fetchJSON, formatMinor, say } from "./common.js";

const KEY_STORAGE = "digisom.apiKey";
const TRANSFERS_SHOWN = 20;
const $ = (id) => document.getElementById(id);

function authHeaders() {
  return { Authorization: `Bearer ${sessionStorage.getItem(KEY_STORAGE) ?? ""}` };
}

function api(url, options = {}) {
  return fetchJSON(url, { ...options, headers: { ...authHeaders(), ...(options.headers ?? {}) } });
}

function explain(error) {
  if (error instanceof HttpError && error.status === 401) return `The key was refused: ${error.message}.`;
  if (error instanceof HttpError && error.status === 403) return `Not allowed for this key: ${error.message}.`;
  if (error instanceof HttpError && error.status === 404) return `Not found: ${error.message}.`;
  return `Failed: ${error.message}`;
}

function signedOut(message) {
  sessionStorage.removeItem(KEY_STORAGE);
  $("console").hidden = true;
  $("login").hidden = false;
  if (message) say($("login-status"), message, "error");
}

async function signIn(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
  try {
    await showHead();
  } catch (error) {
    signedOut(explain(error));
    return;
  }
  $("login-status").hidden = true;
  $("login").hidden = true;
  $("console").hidden = false;
  $("signed-in").textContent = "Signed in with an API key.";
  await addExtraSections();
  document.body.dataset.ready = "true";
}

async function showHead() {
  const head = await api("/v1/ledger/head");
  clear($("head")).append(definitions([
    ["Height", el("span", { id: "head-height" }, head.height)],
    ["Hash", el("code", { id: "head-hash", class: "hash" }, head.hash)],
    ["Last timestamp (ns)", head.last_timestamp],
  ], { class: "facts" }));
}

function balanceOf(account) {
  return BigInt(account.credits_posted) - BigInt(account.debits_posted);
}

function showAccount(account) {
  const container = clear($("account"));
  container.dataset.accountId = account.id;
  container.append(definitions([
    ["Id", el("code", { id: "account-shown-id" }, account.id)],
    ["Ledger / code", `${account.ledger} / ${account.code}`],
    ["Balance (credits − debits, posted)", el("span", { id: "account-balance",
      "data-minor": balanceOf(account).toString() }, formatMinor(balanceOf(account)))],
    ["Debits posted / pending", `${formatMinor(account.debits_posted)} / ${formatMinor(account.debits_pending)}`],
    ["Credits posted / pending", `${formatMinor(account.credits_posted)} / ${formatMinor(account.credits_pending)}`],
    ["Flags", String(account.flags)],
    ["Status", el("strong", { id: "account-frozen", "data-frozen": String(account.frozen) },
      account.frozen ? "frozen" : "active")],
  ], { class: "facts" }));
  $("freeze-button").textContent = account.frozen ? "Unfreeze" : "Freeze";
  $("freeze-form").dataset.action = account.frozen ? "unfreeze" : "freeze";
  $("freeze-form").hidden = false;
}

function transferRows(transfers) {
  return transfers.map((t) => el("tr", {},
    el("td", {}, el("code", {}, t.id)), el("td", {}, el("code", {}, t.debit_account_id)),
    el("td", {}, el("code", {}, t.credit_account_id)),
    el("td", { class: "num", "data-minor": t.amount }, formatMinor(t.amount)),
    el("td", {}, String(t.code)), el("td", {}, t.timestamp)));
}

function transferTable(caption, transfers) {
  return el("table", {}, el("caption", {}, caption),
    el("thead", {}, el("tr", {}, ...["Id", "Debit account", "Credit account", "Amount", "Code", "Timestamp"]
      .map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...transferRows(transfers)));
}

async function lookUpAccount(id) {
  const status = $("account-status");
  clear($("account"));
  clear($("account-transfers"));
  $("freeze-form").hidden = true;
  $("freeze-status").hidden = true;
  try {
    showAccount(await api(`/v1/ledger/accounts/${encodeURIComponent(id)}`));
    status.hidden = true;
    const page = await api(`/v1/ledger/accounts/${encodeURIComponent(id)}/transfers?limit=${TRANSFERS_SHOWN}`);
    $("account-transfers").append(page.transfers.length === 0
      ? el("p", { class: "empty" }, "No transfers yet.")
      : transferTable(`Transfers, oldest first (up to ${TRANSFERS_SHOWN})`, page.transfers));
  } catch (error) {
    say(status, explain(error), "error");
  }
}

async function setFrozen(event) {
  event.preventDefault();
  const id = $("account").dataset.accountId;
  const action = $("freeze-form").dataset.action;
  try {
    const account = await api(`/v1/ledger/accounts/${encodeURIComponent(id)}/${action}`,
      { method: "POST", body: { reason: $("freeze-reason").value } });
    showAccount(account);
    say($("freeze-status"), account.frozen ? "The account is frozen." : "The account is active again.", "ok");
    $("freeze-reason").value = "";
  } catch (error) {
    say($("freeze-status"), explain(error), "error");
  }
}

async function lookUpTransfer(id) {
  const status = $("transfer-status");
  const container = clear($("transfer"));
  try {
    const t = await api(`/v1/ledger/transfers/${encodeURIComponent(id)}`);
    status.hidden = true;
    container.append(definitions([
      ["Id", el("code", { id: "transfer-shown-id" }, t.id)],
      ["Debit account", el("code", {}, t.debit_account_id)],
      ["Credit account", el("code", {}, t.credit_account_id)],
      ["Amount", el("span", { id: "transfer-amount", "data-minor": t.amount }, formatMinor(t.amount))],
      ["Ledger / code / flags", `${t.ledger} / ${t.code} / ${t.flags}`],
      ["Pending status", t.pending_status ?? "not a pending transfer"],
      ["Timestamp (ns)", t.timestamp],
    ], { class: "facts" }));
  } catch (error) {
    say(status, explain(error), "error");
  }
}

// Any JSON value as safe nodes: objects as definition lists, arrays of objects as tables.
function render(value) {
  if (Array.isArray(value)) {
    if (value.length === 0) return el("p", { class: "empty" }, "Nothing.");
    if (value.every((v) => v !== null && typeof v === "object" && !Array.isArray(v))) {
      const columns = [...new Set(value.flatMap((v) => Object.keys(v)))];
      return el("table", {}, el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", { scope: "col" }, c)))),
        el("tbody", {}, ...value.map((row) => el("tr", {}, ...columns.map((c) => el("td", {}, render(row[c])))))));
    }
    return el("ul", {}, ...value.map((v) => el("li", {}, render(v))));
  }
  if (value !== null && typeof value === "object") {
    return definitions(Object.entries(value).map(([k, v]) => [k, render(v)]));
  }
  return document.createTextNode(value === null || value === undefined ? "—" : String(value));
}

// Sections for endpoints of other areas, added only if this server has them.
const EXTRA_SECTIONS = [
  { path: "/v1/issuance/check", title: "Issuance check",
    help: "Digital som in circulation against the central bank's issuance liability.",
    run: () => api("/v1/issuance/check") },
  { path: "/v1/disbursements/{disbursement_id}", title: "Payout file (disbursement)",
    help: "Progress of a government payout file.", input: "Disbursement id (d-…)",
    run: (id) => api(`/v1/disbursements/${encodeURIComponent(id)}`) },
  { path: "/v1/compliance/cases", title: "Compliance cases",
    help: "Open cases (needs a compliance key).", run: () => api("/v1/compliance/cases") },
];

async function addExtraSections() {
  const container = clear($("extra-sections"));
  let paths = {};
  try {
    paths = (await fetchJSON("/openapi.json")).paths ?? {};
  } catch {
    return;
  }
  for (const [index, section] of EXTRA_SECTIONS.entries()) {
    if (!(section.path in paths)) continue;
    const id = `extra-${index}`;
    const output = el("div", { id: `${id}-output` });
    const status = el("p", { class: "status", role: "status", hidden: true });
    const form = el("form", { id: `${id}-form` });
    let input = null;
    if (section.input) {
      input = el("input", { id: `${id}-input`, required: true, maxlength: 100 });
      form.append(el("p", {}, el("label", { for: `${id}-input` }, section.input), " ", input, " ",
        el("button", { type: "submit" }, "Look up")));
    } else {
      form.append(el("p", {}, el("button", { type: "submit" }, "Load")));
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clear(output);
      try {
        output.append(render(await section.run(input ? input.value : undefined)));
        status.hidden = true;
      } catch (error) {
        say(status, explain(error), "error");
      }
    });
    container.append(el("section", { id, "aria-labelledby": `${id}-heading` },
      el("h2", { id: `${id}-heading` }, section.title), el("p", {}, section.help), form, status, output));
  }
}

function main() {
  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("api-key").value.trim());
    $("api-key").value = "";
  });
  $("sign-out").addEventListener("click", () => signedOut(null));
  $("head-refresh").addEventListener("click", () => showHead().catch((e) => say($("account-status"), explain(e), "error")));
  $("account-form").addEventListener("submit", (event) => {
    event.preventDefault();
    lookUpAccount($("account-id").value.trim());
  });
  $("freeze-form").addEventListener("submit", setFrozen);
  $("transfer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    lookUpTransfer($("transfer-id").value.trim());
  });
  const stored = sessionStorage.getItem(KEY_STORAGE);
  if (stored) signIn(stored);
  else document.body.dataset.ready = "true";
  $("main").setAttribute("aria-busy", "false");
}

main();
