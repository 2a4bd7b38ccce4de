// Communities: switch, delete (after an inline confirmation) and import (an uploaded file, or
// inside the window one chosen with the system's dialog and read in place), then show it.
"use strict";

(() => {
  const list = document.querySelector("[data-communities]");
  const form = document.querySelector("[data-community-form]");
  const progress = form.querySelector("[data-community-progress]");
  const errorBox = document.querySelector("[data-community-error]");
  const result = document.querySelector("[data-community-result]");
  const nativeButton = form.querySelector("[data-native-choose]"); // only inside the window

  function nameOf(button) {
    return button.closest("li").dataset.name;
  }

  function confirmBox(button) {
    return button.closest("li").querySelector("[data-confirm]");
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.matches("[data-use]")) {
      Kindred.api("POST", "/api/communities/current", { name: nameOf(button) })
        .then(() => window.location.reload())
        .catch(Kindred.showError);
    } else if (button.matches("[data-delete]")) {
      button.hidden = true;
      confirmBox(button).hidden = false;
      confirmBox(button).querySelector("[data-cancel-delete]").focus();
    } else if (button.matches("[data-cancel-delete]")) {
      const entry = button.closest("li");
      confirmBox(button).hidden = true;
      entry.querySelector("[data-delete]").hidden = false;
      entry.querySelector("[data-delete]").focus();
    } else if (button.matches("[data-confirm-delete]")) {
      Kindred.api("DELETE", "/api/communities", { name: nameOf(button) })
        .then(() => window.location.reload())
        .catch(Kindred.showError);
    }
  });

  /** Run one import request with the form busy; reload to list the new community. */
  function run(request) {
    errorBox.hidden = true;
    result.textContent = "";
    progress.hidden = false;
    if (nativeButton) nativeButton.disabled = true;
    return request()
      .then((answer) => {
        if (answer.cancelled) {
          result.textContent = "No file chosen.";
          return;
        }
        window.location.reload();
      })
      .catch((error) => {
        errorBox.textContent = error.message;
        errorBox.hidden = false;
      })
      .finally(() => {
        progress.hidden = true;
        if (nativeButton) nativeButton.disabled = false;
      });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(() => Kindred.api("POST", "/api/communities", new FormData(form)));
  });

  if (nativeButton) {
    nativeButton.addEventListener("click", () => {
      const name = form.elements.namedItem("name").value.trim();
      const body = name ? { purpose: "community", name } : { purpose: "community" };
      run(() => Kindred.api("POST", "/api/native/open-file", body));
    });
  }
})();
