// Proof page: the latest root, and a holder's proof verified in the browser (verify.js).
// Nothing typed or opened here is sent to the server.

import { clear, definitions, el, formatMinor, ready } from "./common.js";
import { loadLatestRoot } from "./root.js";
import { verifyProofText } from "./verify.js";

let published = null;

function sameRoot(proofRoot, root) {
  return proofRoot.hash === root.hash && proofRoot.sum === root.sum &&
    proofRoot.leaf_count === String(root.leaf_count) && proofRoot.snapshot === root.snapshot &&
    proofRoot.ledger_height === root.ledger_height;
}

function showVerdict(verdict) {
  const result = clear(document.getElementById("proof-result"));
  if (!verdict.accepted) {
    result.dataset.verdict = "rejected";
    result.append(el("p", { class: "verdict rejected" }, "Rejected: ", el("span", { id: "proof-reason" }, verdict.reason)));
    return;
  }
  result.dataset.verdict = "accepted";
  result.append(el("p", { class: "verdict accepted" },
    "Accepted: this balance is counted in the root's total."));
  result.append(definitions([
    ["Holder id", el("code", { id: "proof-uid" }, verdict.uid)],
    ["Balance", el("span", { id: "proof-balance", "data-minor": verdict.balance }, formatMinor(verdict.balance))],
    ["Root hash", el("code", { class: "hash" }, verdict.root.hash)],
    ["Snapshot", verdict.root.snapshot],
  ], { class: "facts" }));
  let comparison;
  if (published === null || published.root === null) {
    comparison = el("p", { class: "warning", id: "proof-published" },
      "No root is published here to compare with: check the root hash against the one the issuer anchored.");
  } else if (sameRoot(verdict.root, published.root)) {
    comparison = el("p", { class: "ok", id: "proof-published" }, "It is the latest root published here.");
  } else {
    comparison = el("p", { class: "warning", id: "proof-published" },
      "It is not the latest root published here (an older snapshot, or a root from elsewhere).");
  }
  result.append(comparison);
}

async function main() {
  const form = document.getElementById("proof-form");
  const text = document.getElementById("proof-text");
  document.getElementById("proof-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (file) text.value = await file.text();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = document.getElementById("proof-result");
    result.dataset.verdict = "checking";
    showVerdict(await verifyProofText(text.value));
  });
  published = await loadLatestRoot(document.getElementById("root-summary"));
  ready(document.getElementById("main"));
}

main();
