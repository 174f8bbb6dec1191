// The registration form: a live "2 of 3 chosen" and no tick past the limit (unticked boxes
// are disabled while the limit is reached). Without this script the page works the same and
// the server refuses a choice over the limit.
(function () {
  "use strict";

  function start() {
    var data = document.getElementById("registration-counter");
    var form = document.getElementById("registration-form");
    var output = document.getElementById("people-counter");
    if (!data || !form || !output) {
      return;
    }
    var phrases = JSON.parse(data.textContent);
    var boxes = form.querySelectorAll('input[type="checkbox"][name="people"]');

    function update() {
      var count = 0;
      boxes.forEach(function (box) {
        if (box.checked) {
          count += 1;
        }
      });
      var full = count >= phrases.limit;
      boxes.forEach(function (box) {
        box.disabled = full && !box.checked;
      });
      var text = phrases.counter
        .replace("%(count)s", count)
        .replace("%(limit)s", phrases.limit);
      output.textContent = full ? text + " " + phrases.full : text;
    }

    boxes.forEach(function (box) {
      box.addEventListener("change", update);
    });
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
