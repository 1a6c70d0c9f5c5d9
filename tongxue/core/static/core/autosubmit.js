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
})();
