// My ratings: delete with undo, and keep the list in step when a rating is removed or restored.
"use strict";

(() => {
  const list = document.querySelector("[data-ratings]");
  const { el } = Kindred;

  /** The same row as the loop in templates/ratings.html. */
  function row(item) {
    return el("li", { class: "item-row", "data-item": item.item },
      el("div", { class: "item-main" }, Kindred.titleLink(item, "h2"), Kindred.factsLine(item)),
      Kindred.starControl(item),
      el("button", { type: "button", class: "button-secondary", "data-delete-rating": true },
        "Delete", el("span", { class: "visually-hidden" }, ` your rating for ${item.title}`)));
  }

  /** Draw the list again; `focusIndex` puts keyboard focus on that row's title afterwards. */
  async function redraw(focusIndex = null) {
    const ratings = await Kindred.api("GET", `/api/ratings${window.location.search}`);
    list.replaceChildren(...ratings.items.map(row));
    if (focusIndex !== null && list.children.length) {
      list.children[Math.min(focusIndex, list.children.length - 1)].querySelector(".title a").focus();
    }
    document.querySelector("[data-ratings-empty]").hidden = ratings.count > 0;
    const plural = ratings.count === 1 ? "" : "s";
    const summary = document.querySelector("[data-ratings-summary]");
    summary.textContent = summary.textContent.replace(/^\d+ ratings?/, `${ratings.count} rating${plural}`);
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-delete-rating]");
    if (!button) return;
    const fieldset = button.closest("li").querySelector("fieldset[data-rate-item]");
    const title = fieldset.querySelector("legend").textContent.replace(/^Your rating for /, "");
    Kindred.unrate(fieldset.dataset.rateItem, title).catch(Kindred.showError);
  });

  document.addEventListener("kindred:unrated", (event) => {
    const index = [...list.children].findIndex((li) => li.dataset.item === event.detail.item);
    redraw(index >= 0 ? index : null).catch(Kindred.showError);
  });
  const wantList = document.querySelector("[data-want-list]");

  /** The same row as the want-list loop in templates/ratings.html. */
  function wantRow(item) {
    return el("li", { class: "item-row", "data-item": item.item },
      el("div", { class: "item-main" }, Kindred.titleLink(item, "h3"), Kindred.factsLine(item)),
      Kindred.wantButton(item));
  }

  async function redrawWantList() {
    const want = await Kindred.api("GET", "/api/want");
    wantList.replaceChildren(...want.items.map(wantRow));
    wantList.hidden = want.count === 0;
    const plural = want.count === 1 ? "" : "s";
    const summary = document.querySelector("[data-want-summary]");
    summary.textContent = summary.textContent.replace(/^\d+ titles?/, `${want.count} title${plural}`);
  }

  document.addEventListener("kindred:wanted", () => { redrawWantList().catch(Kindred.showError); });

  const hiddenList = document.querySelector("[data-hidden-list]");
  hiddenList.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-unhide]");
    if (!button) return;
    const row = button.closest("li");
    button.disabled = true;
    try {
      await Kindred.api("DELETE", "/api/hidden", { item: row.dataset.item });
    } catch (error) {
      button.disabled = false;
      Kindred.showError(error);
      return;
    }
    const title = row.querySelector(".title").textContent.trim();
    row.remove();
    const count = hiddenList.children.length;
    hiddenList.hidden = count === 0;
    const summary = document.querySelector("[data-hidden-summary]");
    summary.textContent = summary.textContent.replace(/^\d+ titles?/, `${count} title${count === 1 ? "" : "s"}`);
    Kindred.toast(`“${title}” may be recommended again.`);
  });

  document.addEventListener("kindred:rated", (event) => {
    // A restored (undone) rating is not in the list any more: draw it again.
    const shown = [...list.children].some((li) => li.dataset.item === event.detail.item);
    if (!shown) redraw().catch(Kindred.showError);
  });
})();
