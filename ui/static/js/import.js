// Import page: the shared import flow (import_flow.js) for one person's export; a community
// file chosen here is recognised and stored as a community.
"use strict";

(() => {
  const root = document.querySelector("[data-import-flow]");
  KindredImport.attach(root, { defaultKind: root.dataset.kind });
})();
