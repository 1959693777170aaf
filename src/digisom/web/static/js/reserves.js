// Reserves page: composition, history and reserve ratio from /v1/public/reserves.
// With no valuation published it says so and shows no figure at all.

import {
  PALETTE, chartLibrary, clear, definitions, el, fetchJSON, formatMinor, ready, say, somForChart,
} from "./common.js";

function ratioText(ratio) {
  return ratio === null ? "not defined (no liabilities)" : `${ratio} %`;
}

function showLatest(latest) {
  const container = clear(document.getElementById("reserves-latest"));
  container.append(definitions([
    ["As of", el("time", { id: "latest-as-of", datetime: latest.as_of }, latest.as_of)],
    ["Reserves", el("span", { id: "latest-reserves", "data-minor": latest.reserves_minor },
      formatMinor(latest.reserves_minor))],
    ["Liabilities (digital som issued)", el("span", { id: "latest-liabilities",
      "data-minor": latest.liabilities_minor }, formatMinor(latest.liabilities_minor))],
    ["Reserve ratio", el("strong", { id: "latest-ratio" }, ratioText(latest.ratio_percent))],
  ], { class: "facts" }));
  const body = clear(document.getElementById("composition-table").tBodies[0]);
  for (const component of latest.components) {
    body.append(el("tr", {}, el("th", { scope: "row" }, component.asset),
      el("td", { class: "num", "data-minor": component.value_minor }, formatMinor(component.value_minor))));
  }
}

function showHistory(valuations) {
  const body = clear(document.getElementById("history-table").tBodies[0]);
  for (const v of [...valuations].reverse()) {
    body.append(el("tr", {},
      el("th", { scope: "row" }, el("time", { datetime: v.as_of }, v.as_of)),
      el("td", { class: "num", "data-minor": v.reserves_minor }, formatMinor(v.reserves_minor)),
      el("td", { class: "num", "data-minor": v.liabilities_minor }, formatMinor(v.liabilities_minor)),
      el("td", { class: "num" }, ratioText(v.ratio_percent))));
  }
}

function drawCharts(valuations) {
  const Chart = chartLibrary();
  if (Chart === null) return;
  const latest = valuations[valuations.length - 1];
  document.getElementById("composition-figure").hidden = false;
  new Chart(document.getElementById("composition-chart"), {
    type: "doughnut",
    data: {
      labels: latest.components.map((c) => c.asset),
      datasets: [{ data: latest.components.map((c) => somForChart(c.value_minor)), backgroundColor: PALETTE }],
    },
    options: { animation: false, plugins: { legend: { position: "bottom" } } },
  });
  document.getElementById("history-figure").hidden = false;
  new Chart(document.getElementById("history-chart"), {
    type: "line",
    data: {
      labels: valuations.map((v) => v.as_of.slice(0, 10)),
      datasets: [
        { label: "Reserves (som)", data: valuations.map((v) => somForChart(v.reserves_minor)),
          borderColor: PALETTE[0], backgroundColor: PALETTE[0] },
        { label: "Liabilities (som)", data: valuations.map((v) => somForChart(v.liabilities_minor)),
          borderColor: PALETTE[1], backgroundColor: PALETTE[1] },
      ],
    },
    options: { animation: false, scales: { y: { beginAtZero: true } } },
  });
}

async function main() {
  const status = document.getElementById("reserves-status");
  try {
    const { valuations } = await fetchJSON("/v1/public/reserves");
    if (valuations.length === 0) {
      say(status, "No valuation of the reserves has been published yet.", "empty");
      status.id = "reserves-status";
      status.classList.add("empty");
    } else {
      status.hidden = true;
      showLatest(valuations[valuations.length - 1]);
      showHistory(valuations);
      document.getElementById("reserves-content").hidden = false;
      drawCharts(valuations);
    }
  } catch (error) {
    say(status, `The reserves could not be loaded: ${error.message}`, "error");
  }
  ready(document.getElementById("main"));
}

main();
