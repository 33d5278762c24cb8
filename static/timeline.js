/* The timeline's filter form, a little quicker with a script: a kind ticked
 * with the mouse applies at once, and empty fields stay out of the URL so that
 * permalinks stay short. Keyboard changes wait for "Apply filters", so that
 * moving through a list never reloads the page. Without the script the form
 * works the same with its button.
 */
(function () {
  "use strict";
  var form = document.getElementById("filter-form");
  if (!form) return;
  var KEEP_OPEN = "opsdb-filters-open";

  // On a phone the results come first: the filters fold away, unless one is
  // wrong or the reader has just used them.
  var filters = document.getElementById("filters");
  var justUsed = window.sessionStorage && sessionStorage.getItem(KEEP_OPEN) === "1";
  if (window.sessionStorage) sessionStorage.removeItem(KEEP_OPEN);
  if (filters && !justUsed && !document.querySelector(".errors") &&
      window.matchMedia("(max-width: 59.99rem)").matches) {
    filters.open = false;
  }

  form.addEventListener("submit", function () {
    if (window.sessionStorage) sessionStorage.setItem(KEEP_OPEN, "1");
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && field.type !== "checkbox") field.disabled = true;
    });
  });
  // Browsers restore disabled fields on "back": enable them again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
  });

  form.addEventListener("click", function (event) {
    var field = event.target;
    // A click from the keyboard (space) has no pointer position: detail is 0.
    if (field.type === "checkbox" && event.detail > 0) {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
})();
