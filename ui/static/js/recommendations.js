// Recommendations: after a rating changes, fetch the list again and redraw it in place.
// The community model is not refitted: the server answers from the person's new ratings.
"use strict";

(() => {
  const list = document.querySelector("[data-recommendations]");
  const forYou = list.dataset.for === "you";
  const { el } = Kindred;
  // Same words as the caption in templates/_recommendation.html.
  const SIMILARITY_NOTE = "Similarity runs from −1 (opposite tastes) to 1 (the same); " +
    "it is shrunk towards 0 while you share only a few rated titles.";

  function neighbourTable(neighbours) {
    return el("table", {},
      el("caption", { class: "muted" }, SIMILARITY_NOTE),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col" }, "Kindred person"),
        el("th", { scope: "col" }, "Similarity"),
        el("th", { scope: "col" }, "Their rating"))),
      el("tbody", {}, neighbours.map((neighbour) => el("tr", {},
        el("td", {}, `Person ${neighbour.user}`),
        el("td", {}, Number(neighbour.similarity).toFixed(2)),
        el("td", {}, Kindred.formatRating(neighbour.rating_display))))));
  }

  /** Mirrors the confidence_word filter in ui/formatting.py. */
  function confidenceWord(value) {
    const shown = Math.round(100 * value);
    if (shown < 34) return "low";
    return shown < 67 ? "medium" : "high";
  }

  function average(neighbours) {
    if (!neighbours.length) return "";
    const sum = neighbours.reduce((total, neighbour) => total + neighbour.rating_display, 0);
    return `, on average ${Kindred.formatRating(sum / neighbours.length)}`;
  }

  /** Where the prediction started and what moved it (as in templates/_recommendation.html). */
  function howItWasMade(item) {
    if (item.baseline_rating_display === null || item.baseline_rating_display === undefined) {
      return null;
    }
    return el("p", { class: "why-how", "data-why-how": true },
      `Without kindred people, Kindred would expect ${Kindred.formatRating(item.baseline_rating_display)}: ` +
      "how the community rates it, adjusted to how generously you rate. How they rated it moves that " +
      `to ${Kindred.formatRating(item.predicted_rating_display)}.`);
  }

  /** The same card as templates/_recommendation.html. */
  function card(item) {
    const people = item.kindred_count === 1 ? "person" : "people";
    return el("li", { class: "card recommendation", "data-item": item.item },
      el("div", { class: "card-head" }, Kindred.titleLink(item, "h2"), Kindred.factsLine(item)),
      el("div", { class: "prediction" },
        el("span", { class: "predicted", title: "The rating Kindred expects you to give" },
          Kindred.formatRating(item.predicted_rating_display)),
        el("span", { class: "predicted-label" }, "predicted")),
      el("div", { class: "confidence" },
        el("label", {}, "Confidence ",
          el("meter", { min: 0, max: 1, value: item.confidence }, Kindred.percent(item.confidence))),
        el("span", { class: "muted" },
          `${confidenceWord(item.confidence)} (${Kindred.percent(item.confidence)})`)),
      el("details", { class: "why" },
        el("summary", {}, `Why: ${item.kindred_count} kindred ${people} rated it${average(item.neighbours)}`),
        howItWasMade(item),
        el("div", { class: "scroll-table" }, neighbourTable(item.neighbours))),
      forYou ? el("div", { class: "card-actions" },
        el("span", { class: "muted" }, "Seen it?"),
        Kindred.starControl(item),
        Kindred.wantButton(item),
        el("button", {
          type: "button", class: "button-secondary hide-button", "data-hide": true,
          title: "Not interested: never recommend it again",
        }, "Hide", el("span", { class: "visually-hidden" }, ` ${item.title}, not interested`))) : null);
  }

  function show(recommendations, focusIndex) {
    list.replaceChildren(...recommendations.items.map(card));
    const ratingsPlural = recommendations.based_on === 1 ? "" : "s";
    const basedOn = document.querySelector("[data-based-on]");
    basedOn.textContent = basedOn.textContent.replace(
      /\d+ ratings?/, `${recommendations.based_on} rating${ratingsPlural}`);
    const notEnough = document.querySelector("[data-not-enough]");
    notEnough.hidden = recommendations.enough_ratings;
    if (recommendations.message) notEnough.querySelector("[data-message]").textContent = recommendations.message;
    const total = document.querySelector("[data-total]");
    if (total && recommendations.total !== null) {
      const plural = recommendations.total === 1 ? "" : "s";
      total.textContent = `${recommendations.total} matching recommendation${plural}.`;
    }
    const empty = document.querySelector("[data-empty]");
    if (empty) empty.hidden = recommendations.items.length > 0;
    if (focusIndex !== null && list.children.length) {
      const next = list.children[Math.min(focusIndex, list.children.length - 1)];
      next.querySelector(".title a").focus();
    }
  }

  async function refresh(changedItem) {
    const cards = [...list.children];
    const changedIndex = cards.findIndex((li) => li.dataset.item === changedItem);
    // Same filters, sort and page as the address shows: only the person's ratings changed.
    const recommendations = await Kindred.api("GET", `/api/recommendations${window.location.search}`);
    show(recommendations, changedIndex >= 0 ? changedIndex : null);
  }

  async function hide(item, title) {
    await Kindred.api("POST", "/api/hidden", { item });
    await refresh(item);
    Kindred.toast(`${title} will not be recommended again.`, {
      action: "Undo",
      onAction: () => Kindred.api("DELETE", "/api/hidden", { item })
        .then(() => refresh(null))
        .catch(Kindred.showError),
    });
  }

  if (forYou) {
    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-hide]");
      if (!button) return;
      const card = button.closest("li");
      const title = card.querySelector(".title").textContent;
      hide(card.dataset.item, title).catch(Kindred.showError);
    });
    for (const name of ["kindred:rated", "kindred:unrated"]) {
      document.addEventListener(name, (event) => {
        refresh(event.detail.item).catch(Kindred.showError);
      });
    }
  }
})();
