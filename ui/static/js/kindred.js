// Kindred's shared page script: talking to the JSON API, the star rating control, messages.
// Data always reaches the page through textContent / setAttribute, never innerHTML.
"use strict";

const Kindred = (() => {
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const SAVE_DELAY_MS = 250; // arrow keys move through several stars; save the last one only

  /** Call a JSON twin; resolves to its payload, rejects with its one-sentence error. */
  async function api(method, url, body) {
    const headers = { Accept: "application/json" };
    const options = { method, headers, credentials: "same-origin" };
    if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
    if (body instanceof FormData) {
      options.body = body; // the browser sets the multipart Content-Type
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (networkError) {
      throw new Error("Kindred's local server did not answer; is it still running?");
    }
    const text = await response.text();
    let payload = null;
    try {
      payload = JSON.parse(text);
    } catch (notJson) {
      // Refusals by the server's locks (403, 421) are one plain-text sentence: show it.
      if (response.ok) throw new Error("Kindred answered something that is not JSON.");
    }
    if (!response.ok) {
      const sentence = (payload && payload.error) || text.trim().slice(0, 200);
      throw new Error(sentence || `Kindred refused that (${response.status}).`);
    }
    return payload;
  }

  /** Build an element: el("a", {href: url, class: "x"}, "text", childNode, ...). */
  function el(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false || value === null || value === undefined) continue;
      element.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  function starsText(value) {
    const whole = Math.floor(value);
    const half = value - whole >= 0.5;
    const number = (whole ? String(whole) : "") + (half ? "½" : "");
    return `${number} star${value <= 1 ? "" : "s"}`;
  }

  // The person's display scale (status.display_scale, set on <body> by base.html): the scale
  // ratings are shown and given in. Pages without it use half stars from ½ to 5.
  const DEFAULT_SCALE = { name: "community", scale: [0.5, 5], step: 0.5, label: "" };
  function displayScale() {
    const raw = document.body.dataset.displayScale;
    return raw ? JSON.parse(raw) : DEFAULT_SCALE;
  }

  /** How a control value is read out (the rating_words macro): "4½ stars", "8 out of 10". */
  function ratingWords(value, display = displayScale()) {
    const top = display.scale[1];
    return top <= 5 ? starsText(value) : `${Number(value)} out of ${top}`;
  }

  /** A rating in the display scale (the shown_rating macro): "4.2★", or "8.3/10". */
  function formatRating(value, display = displayScale()) {
    if (value === null || value === undefined) return "–";
    const top = display.scale[1];
    return top <= 5 ? `${Number(value).toFixed(1)}★` : `${Number(value).toFixed(1)}/${top}`;
  }

  /** A rating beside its stars, at most one decimal and no needless ".0": 4.56 → "4.6", 8 → "8". */
  function oneDecimal(value) {
    return String(Math.round(Number(value) * 10) / 10);
  }

  /** The control position closest to a display-scale rating (DisplayScale.nearest_step). */
  function nearestStep(value, display = displayScale()) {
    const [lowest, highest] = display.scale;
    const snapped = Math.floor(value / display.step + 0.5 + 1e-9) * display.step;
    return Math.min(Math.max(snapped, lowest), highest);
  }

  function percent(value) {
    return value === null || value === undefined ? "–" : `${Math.round(100 * value)}%`;
  }

  function itemUrl(item) {
    return `/items/${encodeURIComponent(item)}`;
  }

  /** The same control as the `stars` macro in templates/_macros.html: one radio per step of
   * the display scale, valued on that scale; `item.my_rating_display` is checked. */
  function starControl(item, display = displayScale()) {
    const [lowest, highest] = display.scale;
    const { step } = display;
    const positions = Math.ceil(highest / step - 1e-9);
    const mine = item.my_rating_display;
    const chosen = mine === null || mine === undefined ? null : nearestStep(mine, display);
    const classes = ["stars", step >= 1 ? "whole" : "", step >= 1 && positions > 5 ? "many" : ""];
    const fieldset = el("fieldset", {
      class: classes.join(" ").trim(), "data-rate-item": item.item, "data-saved": mine ?? "",
    },
      el("legend", { class: "visually-hidden" }, `Your rating for ${item.title}`));
    for (let index = 1; index <= positions; index += 1) {
      const value = index * step;
      const shape = step >= 1 ? "star" : `half ${index % 2 ? "left" : "right"}`;
      fieldset.append(el("label", { class: shape, title: ratingWords(value, display) },
        el("input", {
          type: "radio", name: `rating:${item.item}`, value: value.toFixed(1),
          checked: chosen !== null && Math.abs(chosen - value) < 1e-6, disabled: value < lowest - 1e-9,
        }),
        el("span", { class: "visually-hidden" }, ratingWords(value, display))));
    }
    fieldset.append(el("span", { class: "rating-value", "aria-hidden": "true", "data-rating-value": true },
      chosen === null ? "" : oneDecimal(mine)));
    fieldset.append(el("button", {
      type: "button", class: "clear-rating", "data-clear-rating": true, hidden: chosen === null,
      "aria-label": `Remove your rating for ${item.title}`, title: "Remove rating",
    }, "×"));
    return fieldset;
  }

  function factsLine(item) {
    return el("p", { class: "facts" },
      item.year ? el("span", { class: "year" }, item.year) : null,
      item.genres.map((genre) => el("span", { class: "genre" }, genre)));
  }

  function titleLink(item, heading = "h3") {
    return el(heading, { class: "title" }, el("a", { href: itemUrl(item.item) }, item.title));
  }

  let toastTimer = null;
  /** Show a short message at the bottom; with `action`, a button (e.g. Undo) runs `onAction`.
   * An error stays until the person dismisses it (or the next message replaces it): a failure
   * must not vanish before it is read. */
  function toast(message, { action = null, onAction = null, error = false } = {}) {
    const box = document.querySelector("[data-toast]");
    const button = box.querySelector("[data-toast-action]");
    const label = action || (error ? "Dismiss" : null);
    box.querySelector("[data-toast-message]").textContent = message;
    box.classList.toggle("error", error);
    button.hidden = !label;
    button.textContent = label || "";
    button.onclick = label ? () => { box.hidden = true; if (onAction) onAction(); } : null;
    box.hidden = false;
    clearTimeout(toastTimer);
    if (!error) toastTimer = setTimeout(() => { box.hidden = true; }, action ? 8000 : 3000);
  }

  function showError(error) {
    toast(error.message, { error: true });
  }

  function announce(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  }

  async function refreshStatus() {
    const status = await api("GET", "/api/status");
    for (const counter of document.querySelectorAll("[data-my-rating-count]")) {
      counter.textContent = `${status.my_ratings} rated`;
    }
    announce("kindred:status", status);
    return status;
  }

  function controlsFor(item) {
    return [...document.querySelectorAll("fieldset[data-rate-item]")]
      .filter((fieldset) => fieldset.dataset.rateItem === item);
  }

  /** Show `rating` (on the display scale, or null) in every control of `item`. */
  function showRatingIn(item, rating) {
    const chosen = rating === null || rating === undefined ? null : nearestStep(rating);
    for (const fieldset of controlsFor(item)) {
      for (const radio of fieldset.querySelectorAll("input[type=radio]")) {
        radio.checked = chosen !== null && Math.abs(Number(radio.value) - chosen) < 1e-6;
      }
      fieldset.querySelector("[data-clear-rating]").hidden = chosen === null;
      fieldset.querySelector("[data-rating-value]").textContent = chosen === null ? "" : oneDecimal(rating);
      fieldset.dataset.saved = chosen === null ? "" : String(rating);
    }
  }

  /** The rating last saved for `item` (display scale), as its controls remember it. */
  function savedRating(item) {
    const [fieldset] = controlsFor(item);
    return !fieldset || fieldset.dataset.saved === "" ? null : Number(fieldset.dataset.saved);
  }

  /** Save a rating: a control's value on the display scale, or with `{ onDisplayScale: false }`
   * a community-scale value (an undo); announces "kindred:rated" with the updated item. */
  async function rate(item, rating, { onDisplayScale = true } = {}) {
    const body = onDisplayScale ? { item, display_rating: rating } : { item, rating };
    const updated = await api("POST", "/api/ratings", body);
    showRatingIn(item, updated.my_rating_display);
    announce("kindred:rated", { item, rating: updated.my_rating, updated });
    await refreshStatus();
    return updated;
  }

  /** Delete a rating with an Undo message; announces "kindred:unrated". */
  async function unrate(item, title) {
    const removed = await api("DELETE", "/api/ratings", { item });
    showRatingIn(item, null);
    announce("kindred:unrated", { item, previous: removed.previous_rating });
    await refreshStatus();
    toast(`Removed your rating for ${title}.`, {
      action: "Undo",
      onAction: () => rate(item, removed.previous_rating, { onDisplayScale: false })
        .then(() => toast(`Restored your rating for ${title}.`))
        .catch(showError),
    });
    return removed;
  }

  function titleOf(fieldset) {
    return fieldset.querySelector("legend").textContent.replace(/^Your rating for /, "");
  }

  const pendingSaves = new Map();
  document.addEventListener("change", (event) => {
    const radio = event.target;
    const fieldset = radio.closest("fieldset[data-rate-item]");
    if (!fieldset || radio.type !== "radio") return;
    const item = fieldset.dataset.rateItem;
    clearTimeout(pendingSaves.get(item));
    pendingSaves.set(item, setTimeout(() => {
      pendingSaves.delete(item);
      fieldset.classList.add("saving");
      rate(item, Number(radio.value))
        .then((updated) => toast(`Saved: ${updated.title}, ${ratingWords(updated.my_rating_display)}.`))
        .catch((error) => {
          showRatingIn(item, savedRating(item)); // the stars show what is stored, not the failed try
          showError(error);
        })
        .finally(() => fieldset.classList.remove("saving"));
    }, SAVE_DELAY_MS));
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-clear-rating]");
    if (!button) return;
    const fieldset = button.closest("fieldset[data-rate-item]");
    unrate(fieldset.dataset.rateItem, titleOf(fieldset)).catch(showError);
  });

  /** The "Want to watch" toggle (same as the `want_button` macro); pressed when on the list. */
  function wantButton(item) {
    return el("button", {
      type: "button", class: "button-secondary want-button", "data-want": item.item,
      "aria-pressed": item.wanted ? "true" : "false",
      title: "Keep it on your want-list (shown on My ratings)",
    }, "Want to watch", el("span", { class: "visually-hidden" }, ` ${item.title}`));
  }

  /** Put an item on the want-list or take it off; announces "kindred:wanted". */
  async function setWanted(item, wanted) {
    const answer = await api(wanted ? "POST" : "DELETE", "/api/want", { item });
    for (const button of document.querySelectorAll("[data-want]")) {
      if (button.dataset.want === item) button.setAttribute("aria-pressed", String(answer.wanted));
    }
    announce("kindred:wanted", answer);
    return answer;
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-want]");
    if (!button) return;
    const wanted = button.getAttribute("aria-pressed") !== "true";
    const title = button.querySelector(".visually-hidden").textContent.trim();
    setWanted(button.dataset.want, wanted)
      .then(() => toast(wanted ? `${title} is on your want-list.` : `${title} is off your want-list.`, {
        action: "Undo",
        onAction: () => setWanted(button.dataset.want, !wanted).catch(showError),
      }))
      .catch(showError);
  });

  return {
    api, el, starControl, factsLine, titleLink, formatRating, ratingWords, percent, itemUrl,
    toast, showError, rate, unrate, refreshStatus, wantButton, setWanted,
  };
})();
