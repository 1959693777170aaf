// Home page: the supply by layer (from /v1/public/supply) and the latest PoL root.

import {
  PALETTE, chartLibrary, clear, el, fetchJSON, formatCount, formatMinor, ready, say, somForChart,
} from "./common.js";
import { loadLatestRoot } from "./root.js";

function drawChart(layers) {
  const Chart = chartLibrary();
  const figure = document.getElementById("supply-figure");
  if (Chart === null || layers.every((l) => BigInt(l.amount_minor) === 0n)) return;
  figure.hidden = false;
  new Chart(document.getElementById("supply-chart"), {
    type: "doughnut",
    data: {
      labels: layers.map((l) => l.name),
      datasets: [{ data: layers.map((l) => somForChart(l.amount_minor)), backgroundColor: PALETTE }],
    },
    options: { animation: false, plugins: { legend: { position: "bottom" } } },
  });
}

function showSupply(supply) {
  const table = document.getElementById("supply-table");
  const body = clear(table.tBodies[0]);
  for (const layer of supply.layers) {
    body.append(el("tr", { "data-key": layer.key },
      el("th", { scope: "row" }, layer.name),
      el("td", { class: "num", "data-minor": layer.amount_minor }, formatMinor(layer.amount_minor)),
      el("td", { class: "num" }, formatCount(layer.accounts))));
  }
  const total = document.getElementById("supply-total");
  total.dataset.minor = supply.total_minor;
  total.textContent = formatMinor(supply.total_minor);
  document.getElementById("supply-caption").textContent =
    `Digital som by layer at ledger height ${supply.ledger_height}`;
  table.hidden = false;
  const check = clear(document.getElementById("supply-check"));
  const issued = el("span", { id: "supply-issued", "data-minor": supply.issued_minor },
    formatMinor(supply.issued_minor));
  const balanced = supply.issued_minor === supply.total_minor;
  check.append(el("p", { class: balanced ? "ok" : "warning", id: "supply-balance" },
    "Issued by the central bank: ", issued, balanced
      ? ". The layers add up to exactly what was issued."
      : ". The layers do not add up to what was issued; the difference is under investigation."));
  check.append(el("p", { class: "fine" }, "Journal hash at this height: ",
    el("code", { class: "hash" }, supply.ledger_hash)));
  drawChart(supply.layers);
}

async function main() {
  const status = document.getElementById("supply-status");
  try {
    showSupply(await fetchJSON("/v1/public/supply"));
    status.hidden = true;
  } catch (error) {
    say(status, `The supply could not be loaded: ${error.message}`, "error");
  }
  await loadLatestRoot(document.getElementById("root-summary"));
  ready(document.getElementById("main"));
}

main();
