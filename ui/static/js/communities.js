// Communities: switch, delete (after an inline confirmation) and import a community file with
// the shared import flow (preview, corrected roles, progress, cancel), then list it.
"use strict";

(() => {
  const list = document.querySelector("[data-communities]");

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

  // Importing: the shared flow (import_flow.js). A finished import reloads the page so the
  // list shows the new community; the summary is shown again after the reload.
  const FINISHED_KEY = "kindred:finished-import";
  const resultBox = document.querySelector("[data-import-result]");
  KindredImport.attach(document.querySelector("[data-community-form]"), {
    defaultKind: "community",
    onFinished: (job) => {
      sessionStorage.setItem(FINISHED_KEY, job.id);
      window.location.reload();
    },
  });
  const finished = sessionStorage.getItem(FINISHED_KEY);
  if (finished) {
    sessionStorage.removeItem(FINISHED_KEY);
    Kindred.api("GET", `/api/import/jobs/${encodeURIComponent(finished)}`)
      .then((job) => { if (job.state === "finished") KindredImport.showResult(resultBox, job); })
      .catch(Kindred.showError);
  }
})();
