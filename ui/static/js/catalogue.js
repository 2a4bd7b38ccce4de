// Catalogue: keep the "rate a few more" nudge in step with the person's rating count.
"use strict";

document.addEventListener("kindred:status", (event) => {
  const status = event.detail;
  const nudge = document.querySelector("[data-nudge]");
  const ready = document.querySelector("[data-ready]");
  nudge.querySelector("[data-nudge-progress]").textContent = `You have rated ${status.my_ratings}.`;
  nudge.hidden = status.enough_ratings;
  ready.hidden = !status.enough_ratings;
});
