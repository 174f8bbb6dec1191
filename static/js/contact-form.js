// The contact log page: while a length is chosen, say how much support time will be left;
// typing a length picks "other", choosing a preset clears the typed one. The page works the
// same without this script (the server checks everything).
(function () {
  "use strict";

  function format(minutes, phrases) {
    var sign = minutes < 0 ? "-" : "";
    var rest = Math.abs(minutes);
    var hours = Math.floor(rest / 60);
    rest = rest % 60;
    var text;
    if (hours && rest) {
      text = phrases.hm.replace("%(hours)d", hours).replace("%(minutes)d", rest);
    } else if (hours) {
      text = phrases.h.replace("%(hours)d", hours);
    } else {
      text = phrases.m.replace("%(minutes)d", rest);
    }
    return sign + text;
  }

  function start() {
    var data = document.getElementById("contact-budget");
    var form = document.getElementById("contact-form");
    var output = document.getElementById("contact-left-after");
    if (!data || !form || !output) {
      return;
    }
    var phrases = JSON.parse(data.textContent);
    var presets = form.querySelectorAll('input[name="session-duration_preset"]');
    var typed = form.querySelector('input[name="session-duration_minutes"]');
    var other = form.querySelector('input[name="session-duration_preset"][value="other"]');

    function chosenMinutes() {
      var checked = form.querySelector('input[name="session-duration_preset"]:checked');
      if (checked && checked.value !== "other") {
        return parseInt(checked.value, 10);
      }
      var value = typed ? parseInt(typed.value, 10) : NaN;
      return isNaN(value) ? null : value;
    }

    function update() {
      var minutes = chosenMinutes();
      if (minutes === null || minutes <= 0) {
        output.textContent = "";
        output.classList.remove("text-danger");
        return;
      }
      var left = phrases.left - minutes;
      if (left < 0) {
        output.textContent = phrases.over.replace("%(over)s", format(-left, phrases));
        output.classList.add("text-danger");
      } else {
        output.textContent = phrases.after.replace("%(left)s", format(left, phrases));
        output.classList.remove("text-danger");
      }
    }

    presets.forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio.checked && radio.value !== "other" && typed) {
          typed.value = "";
        }
        update();
      });
    });
    if (typed) {
      typed.addEventListener("input", function () {
        if (typed.value && other) {
          other.checked = true;
        }
        update();
      });
    }
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
