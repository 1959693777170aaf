// Statistics page: wallets by balance band; suppressed cells say so instead of showing a number.

import { clear, el, fetchJSON, formatCount, formatMinor, ready, say } from "./common.js";

function bandLabel(band) {
  if (band.floor_minor === "0" && band.ceiling_minor === "1") return "Empty (0 som)";
  if (band.ceiling_minor === null) return `${formatMinor(band.floor_minor)} or more`;
  return `${formatMinor(band.floor_minor)} to under ${formatMinor(band.ceiling_minor)}`;
}

function suppressedCell(threshold) {
  return el("td", { class: "num suppressed", "data-suppressed": "true" },
    "suppressed", el("span", { class: "visually-hidden" }, ` (could describe fewer than ${threshold} people)`));
}

async function main() {
  const status = document.getElementById("stats-status");
  try {
    const stats = await fetchJSON("/v1/public/statistics");
    const threshold = stats.people_per_cell_min;
    document.getElementById("threshold").textContent = String(threshold);
    const body = clear(document.getElementById("bands-table").tBodies[0]);
    for (const band of stats.wallet_bands) {
      const row = el("tr", { "data-floor": band.floor_minor }, el("th", { scope: "row" }, bandLabel(band)));
      if (band.suppressed) {
        row.append(suppressedCell(threshold), suppressedCell(threshold));
      } else {
        row.append(el("td", { class: "num", "data-count": band.count }, formatCount(band.count)),
          el("td", { class: "num", "data-minor": band.amount_minor }, formatMinor(band.amount_minor)));
      }
      body.append(row);
    }
    const count = document.getElementById("wallet-count");
    if (stats.wallet_count === null) {
      count.replaceWith(Object.assign(suppressedCell(threshold), { id: "wallet-count" }));
    } else {
      count.dataset.count = String(stats.wallet_count);
      count.textContent = formatCount(stats.wallet_count);
    }
    document.getElementById("bands-caption").textContent =
      `Wallets by balance at ledger height ${stats.ledger_height}`;
    document.getElementById("bands-table").hidden = false;
    const hidden = stats.wallet_bands.filter((b) => b.suppressed).length;
    say(status, hidden === 0
      ? `Every cell describes at least ${threshold} people or none.`
      : `${hidden} of ${stats.wallet_bands.length} cells are suppressed so that no figure describes fewer than ${threshold} people.`,
    hidden === 0 ? "info" : "notice");
  } catch (error) {
    say(status, `The statistics could not be loaded: ${error.message}`, "error");
  }
  ready(document.getElementById("main"));
}

main();
