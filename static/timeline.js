/* The timeline's filter form, a little quicker with a script: choices apply
 * at once, and empty fields stay out of the URL so that permalinks stay short.
 * Without the script the form works the same with its button.
 */
(function () {
  "use strict";
  var form = document.getElementById("filter-form");
  if (!form) return;

  // On a phone the results come first: the filters fold away unless one is wrong.
  var filters = document.getElementById("filters");
  if (filters && window.matchMedia("(max-width: 59.99rem)").matches && !document.querySelector(".errors")) {
    filters.open = false;
  }

  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && field.type !== "checkbox") field.disabled = true;
    });
  });
  // Browsers restore disabled fields on "back": enable them again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
  });

  form.addEventListener("change", function (event) {
    var field = event.target;
    if (field.tagName === "SELECT" || field.type === "checkbox") {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
})();
