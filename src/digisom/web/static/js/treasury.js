// Treasury page: DSOM payouts on chain from /v1/public/treasury/payouts; an honest empty state.

import { clear, el, fetchJSON, formatMinor, ready, say } from "./common.js";

async function main() {
  const status = document.getElementById("payouts-status");
  try {
    const { payouts } = await fetchJSON("/v1/public/treasury/payouts");
    if (payouts.length === 0) {
      say(status, "No on-chain payout by the Treasury has been recorded yet.", "empty");
      status.classList.add("empty");
    } else {
      const body = clear(document.getElementById("payouts-table").tBodies[0]);
      for (const p of payouts) {
        body.append(el("tr", {},
          el("td", {}, el("time", { datetime: p.timestamp }, p.timestamp)),
          el("td", {}, p.purpose),
          el("td", {}, el("code", { class: "hash" }, p.to_address)),
          el("td", { class: "num", "data-minor": p.amount_minor }, formatMinor(p.amount_minor)),
          el("td", {}, el("code", { class: "hash" }, p.tx_hash), ` (chain ${p.chain_id}, block ${p.block_number})`)));
      }
      status.hidden = true;
      document.getElementById("payouts-table").hidden = false;
    }
  } catch (error) {
    say(status, `The payouts could not be loaded: ${error.message}`, "error");
  }
  ready(document.getElementById("main"));
}

main();
