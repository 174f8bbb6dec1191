/* Portal behaviour that works without it too: a static file, as the CSP allows no inline script. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // A form sent back with errors: take the keyboard to its first wrong field, whose
    // aria-describedby names the message, so a screen reader reads what to correct.
    var invalid = document.querySelector('main [aria-invalid="true"], main fieldset[aria-describedby$="_error"] input');
    if (invalid) {
      invalid.focus();
    }
  });
})();
