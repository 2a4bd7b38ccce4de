// Evaluate: start, poll and cancel the background evaluation, show its measures, draw its
// charts with the vendored Chart.js, and apply the suggested k and similarity.
"use strict";

(() => {
  const POLL_MS = 400;
  const { el } = Kindred;
  const box = document.querySelector("[data-evaluation]");
  const startButton = box.querySelector("[data-start-evaluation]");
  const cancelButton = box.querySelector("[data-cancel-evaluation]");
  const progressBox = box.querySelector("[data-progress-box]");
  const errorBox = document.querySelector("[data-evaluation-error]");
  const results = document.querySelector("[data-results]");
  const charts = {};
  let pollTimer = null;
  let best = null;

  /** Colours from the page's own palette, so the charts follow the light/dark preference. */
  function palette() {
    const style = getComputedStyle(document.documentElement);
    const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    return {
      text: read("--text", "#1d2127"),
      muted: read("--muted", "#5c6570"),
      border: read("--border", "#d9dde3"),
      lines: [read("--accent", "#3b5bdb"), "#e8590c", "#2b8a3e", "#ae3ec9", "#1098ad"],
    };
  }

  function chartOptions(xTitle, yTitle) {
    const colours = palette();
    const axis = (title) => ({
      title: { display: true, text: title, color: colours.muted },
      ticks: { color: colours.muted },
      grid: { color: colours.border },
    });
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { labels: { color: colours.text } } },
      scales: { x: axis(xTitle), y: axis(yTitle) },
    };
  }

  function draw(name, config) {
    const canvas = document.querySelector(`canvas[data-chart="${name}"]`);
    if (charts[name]) charts[name].destroy();
    charts[name] = new Chart(canvas, config);
  }

  function drawByK(byK) {
    const colours = palette().lines;
    draw("by-k", {
      type: "line",
      data: {
        labels: byK.ks.map(String),
        datasets: byK.series.map((line, index) => ({
          label: line.similarity,
          data: line.rmse,
          borderColor: colours[index % colours.length],
          backgroundColor: colours[index % colours.length],
          spanGaps: false,
        })),
      },
      options: chartOptions("k (kindred people per title)", "RMSE (stars)"),
    });
  }

  function drawDistribution(distribution) {
    const options = chartOptions("Rating", "Number of ratings");
    options.plugins.legend.display = false;
    draw("distribution", {
      type: "bar",
      data: {
        labels: distribution.map((bar) => String(bar.rating)),
        datasets: [{ label: "Ratings", data: distribution.map((bar) => bar.count), backgroundColor: palette().lines[0] }],
      },
      options,
    });
  }

  function fixed(value, digits = 3) {
    return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
  }

  function showMetrics(found) {
    const shown = {
      rmse: fixed(found.rmse), mae: fixed(found.mae),
      precision: found.precision === null || found.precision === undefined ? "–" : `${(100 * found.precision).toFixed(1)}%`,
      ndcg: found.ndcg === undefined ? "" : fixed(found.ndcg),
    };
    for (const [name, text] of Object.entries(shown)) {
      document.querySelector(`[data-metric="${name}"]`).textContent = found[name] === undefined ? "" : text;
    }
    document.querySelector("[data-topn-note]").textContent = found.topn_note || "";
  }

  function showTuning(byK) {
    const table = document.querySelector("[data-tuning-table]");
    table.querySelector("thead").replaceChildren(el("tr", {},
      el("th", { scope: "col" }, "Similarity"),
      byK.ks.map((k) => el("th", { scope: "col" }, `k = ${k}`))));
    table.querySelector("tbody").replaceChildren(...byK.series.map((line) => el("tr", {},
      el("th", { scope: "row" }, line.similarity),
      line.rmse.map((rmse) => el("td", {
        class: best && rmse === best.rmse ? "best-cell" : null,
      }, fixed(rmse))))));
  }

  function showBest(evaluation) {
    const bestBox = document.querySelector("[data-best]");
    best = evaluation.results.best || null;
    const finished = evaluation.state === "finished";
    bestBox.hidden = !(best && finished);
    if (!best || !finished) return;
    const sameCommunity = evaluation.community === evaluation.current.community;
    const isBest = (options) => best.k === options.k && best.similarity === options.similarity;
    const gain = best.improvement > 0 ? `, ${fixed(best.improvement)} lower` : "";
    const text = bestBox.querySelector("[data-best-text]");
    if (isBest(evaluation.options)) {
      text.textContent = `Your setting (k = ${best.k}, ${best.similarity}) is already the best of those tried: RMSE ${fixed(best.rmse)}.`;
    } else if (isBest(evaluation.current.options)) {
      text.textContent = `Kindred now uses the best setting tried: k = ${best.k} with ${best.similarity} (RMSE ${fixed(best.rmse)}${gain} than before).`;
    } else {
      const yours = `k = ${evaluation.options.k}, ${evaluation.options.similarity}`;
      text.textContent = `Best tried: k = ${best.k} with ${best.similarity}, RMSE ${fixed(best.rmse)}${gain} than your setting (${yours}).`;
    }
    bestBox.querySelector("[data-apply-best]").hidden =
      isBest(evaluation.options) || isBest(evaluation.current.options) || !sameCommunity;
  }

  function show(evaluation) {
    const running = evaluation.state === "running";
    box.dataset.state = evaluation.state;
    startButton.disabled = running;
    cancelButton.hidden = !running;
    if (evaluation.state === "idle") return;
    progressBox.hidden = false;
    progressBox.querySelector("[data-stage]").textContent = evaluation.progress.stage;
    const bar = progressBox.querySelector("[data-progress]");
    bar.max = evaluation.progress.total;
    bar.value = evaluation.progress.done;
    errorBox.hidden = !evaluation.message;
    errorBox.textContent = evaluation.message || "";
    const note = evaluation.plan ? evaluation.plan.note : "Preparing the ratings…";
    document.querySelector("[data-plan-note]").textContent =
      `${note}${running ? "" : ` Took ${evaluation.seconds} s.`}`;
    const other = document.querySelector("[data-other-community]");
    other.hidden = evaluation.community === evaluation.current.community;
    other.querySelector("[data-measured-community]").textContent = evaluation.community;

    const found = evaluation.results;
    results.hidden = found.rmse === undefined;
    showMetrics(found);
    if (found.distribution && !results.hidden) drawDistribution(found.distribution);
    if (found.by_k && !results.hidden) {
      drawByK(found.by_k);
      showBest(evaluation);
      showTuning(found.by_k);
    }
  }

  /** Polling failed (the server stopped, say): say so in the page, where the progress was. */
  function lostContact(error) {
    errorBox.textContent = `${error.message} The evaluation's progress cannot be shown.`;
    errorBox.hidden = false;
    cancelButton.hidden = true;
    startButton.disabled = false;
    Kindred.showError(error);
  }

  async function poll() {
    clearTimeout(pollTimer);
    const evaluation = await Kindred.api("GET", "/api/evaluate");
    show(evaluation);
    if (evaluation.state === "running") {
      pollTimer = setTimeout(() => poll().catch(lostContact), POLL_MS);
    }
  }

  startButton.addEventListener("click", () => {
    startButton.disabled = true;
    Kindred.api("POST", "/api/evaluate")
      .then((evaluation) => { show(evaluation); return poll(); })
      .catch((error) => { startButton.disabled = false; Kindred.showError(error); });
  });

  cancelButton.addEventListener("click", () => {
    Kindred.api("DELETE", "/api/evaluate").then(poll).catch(Kindred.showError);
  });

  document.querySelector("[data-apply-best]").addEventListener("click", () => {
    if (!best) return;
    Kindred.api("POST", "/api/settings", { k: best.k, similarity: best.similarity })
      .then(() => {
        Kindred.toast(`Kindred now uses k = ${best.k} with ${best.similarity}.`);
        return poll();
      })
      .catch(Kindred.showError);
  });

  poll().catch(lostContact);
})();
