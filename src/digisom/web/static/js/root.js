// The latest published proof-of-liabilities root, shown the same way on the home and proof pages.

import { clear, definitions, el, fetchJSON, formatCount, formatMinor, say } from "./common.js";

const CHAIN_NAMES = { 56: "BNB Smart Chain", 97: "BNB Smart Chain testnet", 31337: "local anvil chain" };

export async function loadLatestRoot(container) {
  let latest;
  try {
    latest = await fetchJSON("/v1/public/por/latest");
  } catch (error) {
    const region = el("p", { class: "status", role: "alert" });
    say(clear(container).appendChild(region), `The latest root could not be loaded: ${error.message}`, "error");
    return null;
  }
  clear(container);
  if (latest.root === null) {
    container.append(el("p", { class: "empty", id: "root-empty" },
      "No proof-of-liabilities root has been published yet."));
    return latest;
  }
  const root = latest.root;
  const anchor = latest.anchor === null
    ? el("span", { id: "root-anchor" }, "not anchored on chain yet")
    : el("span", { id: "root-anchor" },
      el("code", { class: "hash" }, latest.anchor.tx_hash), " on ",
      CHAIN_NAMES[latest.anchor.chain_id] ?? `chain ${latest.anchor.chain_id}`);
  container.append(definitions([
    ["Snapshot", el("time", { id: "root-snapshot", datetime: root.snapshot }, root.snapshot)],
    ["Total liabilities", el("span", { id: "root-sum", "data-minor": root.sum }, formatMinor(root.sum))],
    ["Holders' leaves", el("span", { id: "root-leaves" }, formatCount(root.leaf_count))],
    ["Ledger height", el("span", { id: "root-height" }, root.ledger_height)],
    ["Root hash", el("code", { id: "root-hash", class: "hash" }, root.hash)],
    ["Anchor transaction", anchor],
  ], { class: "facts", id: "root-facts" }));
  return latest;
}
