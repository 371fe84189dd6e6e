// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var exitLink = document.getElementById("quick-exit");
  function leave() {
    // replace(), not assign(): the page she was on leaves the history, so Back cannot return.
    window.location.replace(exitLink.href);
  }
  if (exitLink) {
    exitLink.addEventListener("click", function (event) { event.preventDefault(); leave(); });
    // Three presses of Shift within a second also leave (the GOV.UK "Exit this page" pattern).
    var presses = [];
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Shift" || event.repeat) { return; }
      var now = Date.now();
      presses = presses.filter(function (t) { return now - t < 1000; });
      presses.push(now);
      if (presses.length >= 3) { leave(); }
    });
  }
  // Kiosk mode: after an idle spell, count down, then reset for the next person.
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-kiosk-idle") || "0", 10);
  if (!idleSeconds) { return; }
  var countdownSeconds = parseInt(body.getAttribute("data-kiosk-countdown") || "10", 10);
  var overlay = document.getElementById("idle");
  // The countdown in the page's own digits (২, ১ on a Bengali page).
  var digits = new Intl.NumberFormat(document.documentElement.lang || "en");
  var counter = document.getElementById("idle-n");
  var idleTimer = null;
  var tick = null;
  function reset() { window.location.replace(body.getAttribute("data-reset")); }
  function countdown() {
    var left = countdownSeconds;
    counter.textContent = digits.format(left);
    overlay.hidden = false;
    document.getElementById("idle-stay").focus();
    tick = setInterval(function () {
      left -= 1;
      counter.textContent = digits.format(left);
      if (left <= 0) { clearInterval(tick); reset(); }
    }, 1000);
  }
  function activity() {
    if (!overlay.hidden) { return; }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(countdown, idleSeconds * 1000);
  }
  document.getElementById("idle-stay").addEventListener("click", function () {
    clearInterval(tick);
    overlay.hidden = true;
    activity();
  });
  ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (name) {
    document.addEventListener(name, activity, { passive: true });
  });
  activity();
})();
