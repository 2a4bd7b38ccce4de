// What the import flow shows: the preview of a staged file (detected facts, a labelled role
// select per column, the first rows), the summaries of finished imports (skipped rows with
// their CSV download, unmatched titles with a search link each) and the progress line. Used
// by import_flow.js; data reaches the page through textContent / attributes, never innerHTML.
"use strict";

const KindredImportViews = (() => {
  const LISTED_SKIPPED = 100;
  const { el } = Kindred;
  const number = (value) => Number(value || 0).toLocaleString("en");

  function describe(preview) {
    const delimiter = { ",": "comma", ";": "semicolon", "|": "pipe", tab: "tab", whitespace: "spaces" }[preview.delimiter] || preview.delimiter;
    const facts = [
      ["File", preview.member ? `${preview.file} (${preview.member} inside)` : preview.file],
      ["Format", preview.format],
      ["Encoding", preview.encoding],
      ["Delimiter", delimiter],
      ["Header row", preview.header ? "yes" : "no"],
    ];
    return el("dl", { class: "facts-list", "data-preview-facts": true },
      facts.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]));
  }

  /** One labelled select per column: "Not used" or one of the roles the importer knows. */
  function roleSelect(column, roles) {
    const id = `import-role-${column.index}`;
    const select = el("select", { id, "data-role-select": column.index },
      el("option", { value: "" }, "Not used"),
      roles.map((role) => el("option", { value: role.value, selected: column.role === role.value }, role.label)));
    return el("th", { scope: "col" },
      el("label", { for: id, class: "role-label" }, el("span", { class: "column-name" }, column.name),
        el("span", { class: "visually-hidden" }, " role")),
      select);
  }

  function previewTable(preview) {
    return el("div", { class: "scroll-table preview-table" },
      el("table", {},
        el("caption", {}, `The first ${preview.rows.length} rows, and what each column holds`),
        el("thead", {}, el("tr", {}, preview.columns.map((column) => roleSelect(column, preview.roles)))),
        el("tbody", {}, preview.rows.map((row) => el("tr", {}, row.map((cell) => el("td", { title: cell }, cell)))))));
  }

  /** The roles chosen in the selects, as {role: column}. */
  function chosenRoles(box) {
    const columns = {};
    for (const select of box.querySelectorAll("[data-role-select]")) {
      if (select.value) columns[select.value] = Number(select.dataset.roleSelect);
    }
    return columns;
  }

  /** One sentence when the chosen roles cannot work for `kind`, else null. */
  function missingRoles(columns, kind, preview) {
    const has = (role) => role in columns;
    if (kind === "community") {
      const missing = ["user", "item", "rating"].filter((role) => !has(role));
      return missing.length ? `A community file needs a ${missing.join(", ")} column: choose it in the table.` : null;
    }
    if (has("user")) return "Your own ratings have no user column: set it to “Not used”, or import the file as a community.";
    if (!has("item") && !has("title")) return "Choose the column with the item id or the title.";
    if (!has("rating") && !preview.list_kind) return "Choose the rating column.";
    return null;
  }

  function skippedTable(report) {
    const listed = report.skipped_list || report.errors.map((row) => ({ line: row.line, reason: row.message }));
    const shown = listed.slice(0, LISTED_SKIPPED);
    return el("div", { class: "scroll-table" },
      el("table", {},
        el("caption", {}, `Skipped rows (${number(report.skipped_rows)})`),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Line"), el("th", { scope: "col" }, "Reason"))),
        el("tbody", {}, shown.map((row) => el("tr", {}, el("td", {}, row.line ?? ""), el("td", {}, row.reason))))));
  }

  /** The skipped rows: the first 100 listed, the count, and the CSV download of the logged ones. */
  function skippedSection(summary) {
    const report = summary.report;
    if (!report.skipped_rows) return "";
    const listed = (report.skipped_list || report.errors).length;
    const shown = Math.min(listed, LISTED_SKIPPED);
    const notes = [];
    if (shown < report.skipped_rows) notes.push(`The table shows the first ${number(shown)} of ${number(report.skipped_rows)}.`);
    if (listed < report.skipped_rows) notes.push(`Kindred keeps the first ${number(listed)} in its import log; the download has those.`);
    return el("div", { class: "skipped" },
      skippedTable(report),
      notes.length ? el("p", { class: "muted", "data-skipped-note": true }, notes.join(" ")) : "",
      summary.import_id ? el("p", {}, el("a", {
        href: `/api/imports/${summary.import_id}/skipped.csv`, download: "", "data-skipped-download": true,
      }, "Download the skipped rows (CSV)")) : "");
  }

  function counts(pairs) {
    return el("dl", { class: "facts-list", "data-result-counts": true },
      pairs.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, String(value))]));
  }

  /** Rows that matched no title of the community, each with a link to search for it. */
  function unmatchedTable(summary) {
    const findLink = (row) => (row.title
      ? el("a", { href: `/catalogue?q=${encodeURIComponent(row.title)}` }, "Find it",
        el("span", { class: "visually-hidden" }, ` ${row.title}`))
      : "");
    const rows = summary.unmatched_rows.map((row) => el("tr", {},
      el("td", {}, row.line), el("td", {}, row.title || row.id || ""), el("td", {}, row.year || ""),
      el("td", {}, row.reason), el("td", {}, findLink(row))));
    return el("div", { class: "scroll-table" }, el("table", {},
      el("caption", {}, `Not found in ${summary.community} (${number(summary.unmatched_total)})`),
      el("thead", {}, el("tr", {}, ["Line", "Title", "Year", "Why", "Match it"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows)));
  }

  /** What a finished personal import did, with the unmatched rows and a search link each. */
  function personalResult(summary) {
    const report = summary.report;
    const unmatched = summary.unmatched_rows.length ? unmatchedTable(summary) : "";
    return [
      el("p", { "data-result-summary": true }, `${report.file}: ${summary.summary}`),
      counts([
        ["Format", `${report.format} (${report.encoding})`],
        ["Rows read", number(report.rows_read)],
        ["New ratings", number(summary.added)],
        ["Changed ratings", number(summary.changed)],
        ["Unchanged", number(summary.unchanged)],
        ["Kept from Kindred", number(summary.kept_from_app)],
        ["Duplicates", number(report.duplicates)],
        ["Skipped rows", number(report.skipped_rows)],
        ["Matched", number(summary.matched)],
        ["Not found in the community (rated, seen or wanted)", number(summary.unmatched_total)],
        ["Your ratings now", number(summary.my_ratings)],
      ]),
      el("p", {}, el("a", { href: "/recommendations" }, "See your recommendations →"), " · ", el("a", { href: "/ratings" }, "My ratings")),
      el("div", { "data-result-skipped": true }, skippedSection(summary)),
      el("div", { "data-result-unmatched": true }, unmatched),
    ];
  }

  /** What a finished community import stored. */
  function communityResult(answer) {
    const report = answer.report;
    const noTitles = report.metadata_files.length
      ? ""
      : el("p", { class: "nudge", "data-no-titles": true },
        "No titles were found beside the ratings (movies.csv, u.item, books.csv…), so items are"
        + " shown by their ids. Import the dataset's ZIP instead to get titles, years and genres"
        + " (inside the Kindred window, a ratings file chosen where it lies next to them works too).");
    return [
      el("p", { "data-result-summary": true }, answer.summary),
      counts([
        ["Stored as", answer.name],
        ["Format", `${report.format} (${report.encoding})`],
        ["Rows read", number(report.rows_read)],
        ["Ratings", number(answer.stored.ratings)],
        ["People", number(answer.stored.users)],
        ["Titles", number(answer.stored.items)],
        ["Duplicates", number(report.duplicates)],
        ["Skipped rows", number(report.skipped_rows)],
        ["Titles and years from", report.metadata_files.join(", ") || "none"],
      ]),
      noTitles,
      el("p", {}, el("button", { type: "button", "data-use-imported": answer.name }, `Use “${answer.name}” now`),
        " ", el("span", { class: "muted" }, "Your ratings are kept per community.")),
      el("div", { "data-result-skipped": true }, skippedSection(answer)),
    ];
  }

  /** Fill `section` with a finished job's summary, and move focus to its heading. */
  function showResult(section, job) {
    const body = job.kind === "community" ? communityResult(job.result) : personalResult(job.result);
    section.replaceChildren(el("h2", { tabindex: "-1" }, "Imported"), ...body);
    section.hidden = false;
    section.querySelector("h2").focus();
    const use = section.querySelector("[data-use-imported]");
    if (use) {
      use.addEventListener("click", () => {
        use.disabled = true;
        Kindred.api("POST", "/api/communities/current", { name: use.dataset.useImported })
          .then(() => { window.location.assign("/recommendations"); })
          .catch((error) => { use.disabled = false; Kindred.showError(error); });
      });
    }
  }

  function progressText(job) {
    const parts = [`${number(job.rows_read)} rows read`];
    if (job.rows_per_second) parts.push(`${number(job.rows_per_second)} rows/s`);
    parts.push(`${job.elapsed.toFixed(1)} s`);
    return `${job.stage}: ${parts.join(" · ")}`;
  }

  return {
    number, previewTable, describe, chosenRoles, missingRoles, showResult, progressText,
  };
})();
