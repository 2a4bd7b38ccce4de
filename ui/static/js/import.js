// Import: send the chosen (or dropped) file to /api/import, or, inside the window, let the
// system's dialog choose one for /api/native/open-file; show what happened to each row.
"use strict";

(() => {
  const form = document.querySelector("[data-import-form]");
  const input = form.querySelector("[data-file-input]");
  const zone = form.querySelector("[data-drop-zone]");
  const chosen = form.querySelector("[data-chosen-file]");
  const button = form.querySelector("[data-import-button]");
  const progress = form.querySelector("[data-import-progress]");
  const state = form.querySelector("[data-import-state]");
  const errorBox = form.querySelector("[data-import-error]");
  const result = document.querySelector("[data-import-result]");
  const nativeButton = form.querySelector("[data-native-choose]"); // only inside the window
  const { el } = Kindred;

  input.addEventListener("change", () => {
    if (input.files.length) chosen.textContent = input.files[0].name;
  });
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  }
  for (const name of ["dragleave", "drop"]) {
    zone.addEventListener(name, () => zone.classList.remove("dragging"));
  }
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (!event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    chosen.textContent = input.files[0].name;
  });

  function table(caption, headings, rows) {
    return el("table", {},
      el("caption", {}, caption),
      el("thead", {}, el("tr", {}, headings.map((heading) => el("th", { scope: "col" }, heading)))),
      el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((cell) => el("td", {}, cell))))));
  }

  function show(summary) {
    const report = summary.report;
    result.querySelector("[data-result-summary]").textContent = `${report.file}: ${summary.summary}`;
    const counts = [
      ["Format", `${report.format} (${report.encoding})`],
      ["Rows read", report.rows_read],
      ["New ratings", summary.added],
      ["Changed ratings", summary.changed],
      ["Unchanged", summary.unchanged],
      ["Kept from Kindred", summary.kept_from_app],
      ["Duplicates", report.duplicates],
      ["Skipped rows", report.skipped_rows],
      ["Not found in the community", summary.unmatched_total],
      ["Your ratings now", summary.my_ratings],
    ];
    result.querySelector("[data-result-counts]").replaceChildren(
      ...counts.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, String(value))]));
    result.querySelector("[data-result-skipped]").replaceChildren(report.errors.length
      ? table(`Skipped rows (${report.skipped_rows})`, ["Line", "Reason"],
        report.errors.map((row) => [row.line, row.message]))
      : "");
    result.querySelector("[data-result-unmatched]").replaceChildren(summary.unmatched_rows.length
      ? table(`Not found in ${summary.community} (${summary.unmatched_total})`,
        ["Line", "Title", "Year", "Why", ""],
        summary.unmatched_rows.map((row) => [
          row.line, row.title || row.id || "", row.year || "", row.reason,
          row.title ? el("a", { href: `/catalogue?q=${encodeURIComponent(row.title)}` }, "Find it") : "",
        ]))
      : "");
    result.hidden = false;
    result.querySelector("h2").focus();
  }

  /** Run one import request with the controls disabled; show its report or its error. */
  function run(request) {
    errorBox.hidden = true;
    button.disabled = true;
    if (nativeButton) nativeButton.disabled = true;
    progress.hidden = false;
    state.textContent = "Importing…";
    return request()
      .then((summary) => {
        if (summary.cancelled) {
          state.textContent = "No file chosen.";
          return undefined;
        }
        state.textContent = "Done.";
        show(summary);
        return Kindred.refreshStatus();
      })
      .catch((error) => {
        state.textContent = "";
        errorBox.textContent = error.message;
        errorBox.hidden = false;
      })
      .finally(() => {
        button.disabled = false;
        if (nativeButton) nativeButton.disabled = false;
        progress.hidden = true;
      });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(() => Kindred.api("POST", "/api/import", new FormData(form)));
  });

  if (nativeButton) {
    nativeButton.addEventListener("click", () => {
      run(() => Kindred.api("POST", "/api/native/open-file", { purpose: "personal" }));
    });
  }
})();
