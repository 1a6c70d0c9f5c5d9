// A button that copies a code into the clipboard (the follow-up code of an anonymous
// concern). A static file: the CSP allows no inline script. Without JavaScript or the
// clipboard the button stays hidden and the page says to long-press the code.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = "✓ " + label;
      });
    });
  });
})();
