// Submit a form when one of its <select data-autosubmit> changes (the language switch),
// so the header needs no extra button on a phone. A static file: the CSP allows no
// inline script. Without JavaScript the form keeps its submit button.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  // A <details data-focus-on-open> (the header's search, #16) opens with its field
  // focused, within the tap, so a phone shows its keyboard at once; Escape closes it.
  document.addEventListener("click", function (event) {
    var summary = event.target && event.target.closest && event.target.closest("summary");
    var details = summary && summary.parentElement;
    if (!details || !details.matches("details[data-focus-on-open]") || details.open) {
      return;
    }
    event.preventDefault();
    details.open = true;
    var field = details.querySelector("input");
    if (field) {
      field.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    var details = event.key === "Escape" && event.target && event.target.closest &&
      event.target.closest("details[data-focus-on-open][open]");
    if (details) {
      details.open = false;
      details.querySelector("summary").focus();
    }
  });
})();
