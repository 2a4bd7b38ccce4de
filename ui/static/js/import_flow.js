// The import flow shared by the Import and Communities pages: choose a file (file input, drop,
// or inside the window the system's dialog) → it is staged and previewed → the person checks
// the detected format and corrects column roles → the import runs in the background with a
// progress bar, rows per second and Cancel → a summary with the skipped rows (downloadable).
// Everything reaches the page through textContent / attributes, never innerHTML.
"use strict";

const KindredImport = (() => {
  const POLL_MS = 250;
  const { el } = Kindred;
  const {
    number, previewTable, describe, chosenRoles, missingRoles, showResult, progressText,
  } = KindredImportViews;

  /**
   * Send a file's bytes to the staging endpoint, reporting (sent, total) to `onProgress`;
   * resolves to the preview. XMLHttpRequest, because fetch cannot report upload progress.
   * `abort` receives a function that stops the upload.
   */
  function stageUpload(file, onProgress, abort) {
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", `/api/import/staged?name=${encodeURIComponent(file.name)}`);
      request.setRequestHeader("Accept", "application/json");
      request.setRequestHeader("Content-Type", "application/octet-stream");
      request.setRequestHeader("X-CSRF-Token", csrf);
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded, event.total);
      });
      request.addEventListener("load", () => {
        let payload = null;
        try { payload = JSON.parse(request.responseText); } catch (notJson) { payload = null; }
        if (request.status >= 200 && request.status < 300 && payload) resolve(payload);
        else reject(new Error((payload && payload.error) || request.responseText.trim().slice(0, 200) || `Kindred refused the file (${request.status}).`));
      });
      request.addEventListener("error", () => reject(new Error("Kindred's local server did not answer; is it still running?")));
      request.addEventListener("abort", () => reject(new Error("The upload was cancelled; nothing was imported.")));
      abort(() => request.abort());
      request.send(file);
    });
  }

  /**
   * Wire the flow inside `root`. `options.defaultKind` is the page's kind ("personal" or
   * "community"); `options.onFinished(job)` runs after a finished import (default: show it).
   */
  function attach(root, options = {}) {
    const q = (selector) => root.querySelector(selector);
    const input = q("[data-file-input]");
    const zone = q("[data-drop-zone]");
    const chosen = q("[data-chosen-file]");
    const previewBox = q("[data-preview]");
    const importButton = q("[data-import-button]");
    const cancelButton = q("[data-cancel-button]");
    const progressBox = q("[data-progress-box]");
    const bar = q("[data-import-progress]");
    const progressLine = q("[data-progress-text]");
    const state = q("[data-import-state]");
    const errorBox = q("[data-import-error]");
    const nameField = q("[data-name-field]");
    const nativeButton = q("[data-native-choose]");
    const result = options.result || document.querySelector("[data-import-result]");
    let staging = null; // the promise of the current preview
    let preview = null;
    let stagingError = null;
    let job = null;
    let stopUpload = null; // aborts the upload in flight, if any

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = !message;
    }

    function kind() {
      const checked = previewBox.querySelector("input[name=import-kind]:checked");
      return checked ? checked.value : options.defaultKind || "personal";
    }

    function showKind() {
      if (nameField) nameField.hidden = kind() !== "community";
    }

    function renderPreview(found) {
      const kinds = [["personal", "My own ratings (one person)"], ["community", "A community (many people's ratings)"]];
      const warnings = found.warnings.length
        ? el("ul", { class: "preview-warnings", "data-preview-warnings": true }, found.warnings.map((w) => el("li", {}, w)))
        : "";
      previewBox.replaceChildren(
        el("h2", { tabindex: "-1" }, "Check what Kindred found"),
        describe(found),
        warnings,
        el("fieldset", { class: "kind-choice" }, el("legend", {}, "This file holds"),
          kinds.map(([value, label]) => el("label", {},
            el("input", { type: "radio", name: "import-kind", value, checked: found.kind === value }), ` ${label}`))),
        el("p", { class: "muted" }, "Each column's role was detected; change it in the table if it is wrong."),
        previewTable(found),
        el("p", { class: "error-message", role: "alert", hidden: true, "data-roles-error": true }));
      previewBox.hidden = false;
      showKind();
      previewBox.querySelector("h2").focus();
    }

    function rolesError(message) {
      const box = previewBox.querySelector("[data-roles-error]");
      if (!box) return;
      box.textContent = message || "";
      box.hidden = !message;
    }

    previewBox.addEventListener("change", (event) => {
      const select = event.target.closest("[data-role-select]");
      if (select && select.value) {
        // One column per role: the column that had this role gives it up.
        for (const other of previewBox.querySelectorAll("[data-role-select]")) {
          if (other !== select && other.value === select.value) other.value = "";
        }
      }
      if (event.target.name === "import-kind") showKind();
      rolesError(null);
    });

    function reset(message) {
      preview = null;
      staging = null;
      previewBox.hidden = true;
      previewBox.replaceChildren();
      input.value = "";
      if (chosen) chosen.textContent = options.chooseHint || "";
      state.textContent = message || "";
    }

    function stage(request, label) {
      showError(null);
      if (result) result.hidden = true;
      previewBox.hidden = true;
      preview = null;
      stagingError = null;
      state.textContent = `Reading ${label}…`;
      staging = request()
        .then((found) => {
          if (found.cancelled) {
            state.textContent = "No file chosen.";
            return null;
          }
          preview = found;
          state.textContent = `${found.file}: ready to import.`;
          renderPreview(found);
          return found;
        })
        .catch((error) => {
          stagingError = error.message;
          state.textContent = "";
          showError(error.message);
          return null;
        });
      return staging;
    }

    function stageChosen(files) {
      if (!files.length) return;
      const file = files[0];
      if (chosen) chosen.textContent = file.name;
      const limit = Number(root.dataset.uploadMax || 0);
      if (limit && file.size > limit) { // refused here: the server would cut the upload short
        reset("");
        showError(`${file.name}: ${root.dataset.tooLarge}`);
        return;
      }
      stage(() => {
        busy(true);
        const sending = (sent, total) => {
          bar.max = total;
          bar.value = sent;
          progressLine.textContent = `Sending the file: ${number(Math.round(sent / 1048576))} of ${number(Math.round(total / 1048576))} MB`;
        };
        return stageUpload(file, sending, (stop) => { stopUpload = stop; })
          .finally(() => { stopUpload = null; busy(false); });
      }, file.name);
    }

    input.addEventListener("change", () => stageChosen(input.files));
    if (zone) {
      for (const name of ["dragenter", "dragover"]) {
        zone.addEventListener(name, (event) => { event.preventDefault(); zone.classList.add("dragging"); });
      }
      for (const name of ["dragleave", "drop"]) zone.addEventListener(name, () => zone.classList.remove("dragging"));
      zone.addEventListener("drop", (event) => {
        event.preventDefault();
        stageChosen(event.dataTransfer.files);
      });
    }
    if (nativeButton) {
      nativeButton.addEventListener("click", () => {
        stage(() => Kindred.api("POST", "/api/native/open-file", { purpose: options.defaultKind || "personal" }), "the file");
      });
    }

    function busy(running) {
      importButton.disabled = running;
      input.disabled = running;
      if (nativeButton) nativeButton.disabled = running;
      cancelButton.hidden = !running;
      progressBox.hidden = !running;
    }

    function showProgress(snapshot) {
      if (snapshot.bytes_total) {
        bar.max = snapshot.bytes_total;
        bar.value = snapshot.bytes_read;
      } else {
        bar.removeAttribute("value"); // indeterminate until the first chunk is read
      }
      progressLine.textContent = progressText(snapshot);
    }

    async function poll(id) {
      for (;;) {
        const snapshot = await Kindred.api("GET", `/api/import/jobs/${id}`);
        showProgress(snapshot);
        if (snapshot.state !== "running") return snapshot;
        await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
      }
    }

    /** Watch import `id` to its end: progress while it runs, then its summary or its sentence. */
    async function follow(id) {
      busy(true);
      state.textContent = "Importing…";
      job = { id };
      try {
        const finished = await poll(id);
        if (finished.state === "finished") {
          reset("Done.");
          if (options.onFinished) options.onFinished(finished);
          else showResult(result, finished);
          await Kindred.refreshStatus();
        } else if (finished.state === "failed" && preview) {
          state.textContent = ""; // the file waits again: correct the roles and retry
          showError(finished.message);
        } else {
          reset("");
          showError(finished.message);
        }
      } catch (error) {
        state.textContent = "";
        showError(error.message);
      } finally {
        job = null;
        busy(false);
      }
    }

    async function start() {
      if (staging) await staging;
      if (!preview) {
        showError(stagingError || "Choose a ratings file first.");
        return;
      }
      const columns = chosenRoles(previewBox);
      const problem = missingRoles(columns, kind(), preview);
      if (problem) {
        rolesError(problem);
        return;
      }
      const body = { staged_id: preview.staged_id, kind: kind(), columns };
      const name = nameField && !nameField.hidden ? nameField.querySelector("input").value.trim() : "";
      if (name) body.name = name;
      showError(null);
      let started;
      try {
        started = await Kindred.api("POST", "/api/import/jobs", body);
      } catch (error) {
        rolesError(error.message); // refused before starting: the roles, the kind or the name
        return;
      }
      showProgress(started);
      await follow(started.id);
    }

    importButton.addEventListener("click", () => { start(); });
    if (root.dataset.runningJob) follow(root.dataset.runningJob); // an import started before a reload
    cancelButton.addEventListener("click", () => {
      if (stopUpload) {
        stopUpload();
        return;
      }
      if (!job) return;
      cancelButton.disabled = true;
      Kindred.api("POST", `/api/import/jobs/${job.id}/cancel`)
        .then(showProgress)
        .catch((error) => showError(error.message))
        .finally(() => { cancelButton.disabled = false; });
    });
  }

  return { attach, showResult };
})();
