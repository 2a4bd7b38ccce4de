// Settings: switch community, save or reset the model options, clear the person's data after
// an inline confirmation.
"use strict";

(() => {
  const communityForm = document.querySelector("[data-community-choice]");
  const modelForm = document.querySelector("[data-model-form]");
  const modelError = document.querySelector("[data-model-error]");
  const modelResult = document.querySelector("[data-model-result]");
  const scaleForm = document.querySelector("[data-scale-form]");
  const scaleError = document.querySelector("[data-scale-error]");
  const clearBox = document.querySelector("[data-clear-box]");
  const confirmBox = clearBox.querySelector("[data-clear-confirm]");
  const clearButton = clearBox.querySelector("[data-clear]");

  communityForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = communityForm.elements.name.value;
    Kindred.api("POST", "/api/communities/current", { name })
      .then(() => window.location.reload())
      .catch(Kindred.showError);
  });

  /** The form's values in the option types: numbers for number inputs, text for choices. */
  function modelOptions() {
    const options = {};
    for (const control of modelForm.querySelectorAll("[data-kind]")) {
      const raw = control.value.trim();
      options[control.name] = control.dataset.kind === "choice" || raw === "" ? raw : Number(raw);
    }
    return options;
  }

  function showModel(settings, message) {
    for (const option of settings.model.options) {
      const control = modelForm.elements[option.name];
      if (control) control.value = String(option.value);
    }
    modelError.hidden = true;
    modelResult.textContent = message;
  }

  function showModelError(error) {
    modelResult.textContent = "";
    modelError.textContent = error.message;
    modelError.hidden = false;
  }

  modelForm.addEventListener("submit", (event) => {
    event.preventDefault();
    Kindred.api("POST", "/api/settings", modelOptions())
      .then((settings) => {
        const changed = Object.keys(settings.model.changed).length;
        showModel(settings, changed
          ? `Saved: ${changed} option${changed === 1 ? "" : "s"} differ from the defaults.`
          : "Saved: all options are at their defaults.");
      })
      .catch(showModelError);
  });

  modelForm.querySelector("[data-reset-model]").addEventListener("click", () => {
    Kindred.api("DELETE", "/api/settings")
      .then((settings) => showModel(settings, "The defaults are restored."))
      .catch(showModelError);
  });

  scaleForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const preference = scaleForm.elements.preference.value;
    Kindred.api("POST", "/api/display-scale", { preference })
      .then((settings) => {
        const label = settings.display_scale.current.label;
        document.querySelector("[data-scale-current]").textContent = label;
        document.querySelector("[data-scale-result]").textContent = `Saved: ratings are shown as ${label}.`;
        scaleError.hidden = true;
      })
      .catch((error) => {
        document.querySelector("[data-scale-result]").textContent = "";
        scaleError.textContent = error.message;
        scaleError.hidden = false;
      });
  });

  clearButton.addEventListener("click", () => {
    clearButton.hidden = true;
    confirmBox.hidden = false;
    confirmBox.querySelector("[data-clear-no]").focus();
  });

  confirmBox.querySelector("[data-clear-no]").addEventListener("click", () => {
    confirmBox.hidden = true;
    clearButton.hidden = false;
    clearButton.focus();
  });

  confirmBox.querySelector("[data-clear-yes]").addEventListener("click", () => {
    const includeBox = clearBox.querySelector("[data-include-communities]");
    const body = { confirm: true, include_communities: Boolean(includeBox && includeBox.checked) };
    Kindred.api("POST", "/api/clear-data", body)
      .then(async (answer) => {
        confirmBox.hidden = true;
        clearButton.hidden = false;
        const counts = answer.cleared;
        const deleted = answer.deleted_communities.length;
        document.querySelector("[data-clear-result]").textContent =
          `Cleared ${counts.ratings} rating${counts.ratings === 1 ? "" : "s"}, ${counts.hidden} hidden, `
          + `${counts.seen} seen and ${counts.want_list} want-list title${counts.want_list === 1 ? "" : "s"}`
          + (deleted ? `, and deleted ${deleted} communit${deleted === 1 ? "y" : "ies"}.` : ".");
        await Kindred.refreshStatus();
      })
      .catch(Kindred.showError);
  });
})();
