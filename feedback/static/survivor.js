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
  var body = document.body;
  var lang = document.documentElement.lang || "en";
  // The page's own digits (২, ১ on a Bengali page, २ on a Hindi one).
  var digits = new Intl.NumberFormat(lang === "hi" ? "hi-IN-u-nu-deva" : lang === "bn" ? "bn-IN" : "en");

  // --- speaker buttons: a clip plays only on her tap, one at a time ---------------------------
  var player = null;
  var playing = null;
  function stopVoice() {
    if (playing) { playing.classList.remove("playing"); playing = null; }
    if (player) { player.pause(); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.say") : null;
    if (!link) { return; }
    event.preventDefault();
    var again = playing === link;
    stopVoice();
    if (again) { return; } // a second tap stops it
    if (!player) {
      player = document.createElement("audio");
      player.id = "voice-player";
      player.preload = "none";
      player.addEventListener("ended", stopVoice);
      document.body.appendChild(player);
    }
    player.src = link.href;
    playing = link;
    link.classList.add("playing");
    var started = player.play();
    if (started && started.catch) { started.catch(stopVoice); }
  });

  // --- one question per screen (kiosk and offline tablet) --------------------------------------
  // A form of fieldsets becomes steps: one question with its answers, a progress line
  // ("২ / ৭"), Back and Next; choosing an answer moves on by itself. Nothing is removed from
  // the form, so what is sent is exactly what the one-page form would send.
  // Fieldsets marked "end" (what she may leave empty: more words, her didi's call) share the
  // last screen, above Send.
  function steps(form) {
    var fields = Array.prototype.slice.call(form.querySelectorAll("fieldset.q"));
    var parts = [];
    fields.forEach(function (field) {
      var last = parts[parts.length - 1];
      if (field.classList.contains("end") && last && last[0].classList.contains("end")) { last.push(field); }
      else { parts.push([field]); }
    });
    var send = form.querySelector("button.go");
    if (parts.length < 2 || !send || form.classList.contains("stepped")) { return null; }
    form.classList.add("stepped");
    var at = 0;
    var progress = document.createElement("p");
    progress.className = "progress";
    progress.setAttribute("aria-live", "polite");
    var bar = document.createElement("span");
    bar.className = "bar";
    var nav = document.createElement("div");
    nav.className = "stepnav";
    function button(label, cls, move) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = cls;
      b.textContent = label;
      b.addEventListener("click", function () { go(at + move); });
      return b;
    }
    var back = button(form.getAttribute("data-back") || "Back", "back", -1);
    var next = button(form.getAttribute("data-next") || "Next", "next", 1);
    nav.appendChild(back);
    nav.appendChild(next);
    form.insertBefore(progress, parts[0][0]);
    progress.appendChild(document.createTextNode(""));
    progress.appendChild(bar);
    send.parentNode.insertBefore(nav, send);
    function go(i) {
      at = Math.max(0, Math.min(parts.length - 1, i));
      parts.forEach(function (part, n) { part.forEach(function (field) { field.hidden = n !== at; }); });
      progress.firstChild.nodeValue = digits.format(at + 1) + " / " + digits.format(parts.length);
      bar.style.width = Math.round(100 * (at + 1) / parts.length) + "%";
      back.hidden = at === 0;
      next.hidden = at === parts.length - 1;
      send.hidden = at !== parts.length - 1;
      var legend = parts[at][0].querySelector("legend");
      if (legend) { legend.setAttribute("tabindex", "-1"); legend.focus({ preventScroll: true }); }
      window.scrollTo(0, 0);
    }
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type !== "radio" || at === parts.length - 1 || !parts[at][0].contains(input)) { return; }
      var from = at;
      // A moment to see her choice marked before the next question comes.
      setTimeout(function () { if (at === from) { go(at + 1); } }, 400);
    });
    var firstBad = parts.findIndex(function (part) { return part[0].classList.contains("bad"); });
    go(firstBad >= 0 ? firstBad : 0);
    return go;
  }

  // --- the card without spelling -------------------------------------------------------------
  var OTHER_SCRIPT = /[\u0900-\u0965\u0970-\u09e5\u09f0-\u09ff]/; // letters, not digits
  function codeHelpers(input, options) {
    var form = input.form;
    var note = document.createElement("p");
    note.className = "err";
    note.setAttribute("role", "alert");
    note.hidden = true;
    input.parentNode.insertBefore(note, input.nextSibling);
    // A Bengali or Hindi keyboard: tell her what to do, at once.
    input.addEventListener("input", function () {
      note.hidden = !OTHER_SCRIPT.test(input.value);
      note.textContent = note.hidden ? "" : options.script;
    });
    if (options.keypad) { keypad(input, options); }
    if (options.scan && window.BarcodeDetector && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      scanner(input, form, options);
    }
  }

  // The card's own symbols, big, in the card's order; the phone's keyboard stays closed.
  function keypad(input, options) {
    input.setAttribute("inputmode", "none");
    var pad = document.createElement("div");
    pad.className = "keypad";
    pad.setAttribute("role", "group");
    pad.setAttribute("aria-label", options.keypadLabel);
    (options.alphabet + "⌫").split("").forEach(function (symbol) {
      var key = document.createElement("button");
      key.type = "button";
      key.textContent = symbol;
      if (symbol === "⌫") { key.className = "del"; key.setAttribute("aria-label", options.erase); }
      key.addEventListener("click", function () {
        var plain = input.value.replace(/[\s-]/g, "").toUpperCase();
        plain = symbol === "⌫" ? plain.slice(0, -1) : (plain + symbol).slice(0, 10);
        input.value = plain.length > 5 ? plain.slice(0, 5) + "-" + plain.slice(5) : plain;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      pad.appendChild(key);
    });
    var help = document.getElementById(input.getAttribute("aria-describedby") ? input.getAttribute("aria-describedby").split(" ").pop() : "");
    (help || input).parentNode.insertBefore(pad, (help || input).nextSibling);
  }

  // The card's QR code through the camera, where the browser reads QR codes itself
  // (BarcodeDetector: nothing to download). Typing stays the way without it.
  function scanner(input, form, options) {
    var open = document.createElement("button");
    open.type = "button";
    open.className = "scan";
    open.textContent = options.scan;
    var video = document.createElement("video");
    video.className = "camera";
    video.setAttribute("playsinline", "");
    video.muted = true;
    video.hidden = true;
    var stream = null;
    var timer = null;
    function stop() {
      clearInterval(timer);
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
      video.hidden = true;
      open.textContent = options.scan;
    }
    open.addEventListener("click", function () {
      if (stream) { stop(); return; }
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          open.textContent = options.scanStop;
          return video.play();
        })
        .then(function () {
          timer = setInterval(function () {
            detector.detect(video).then(function (found) {
              if (!found.length || !stream) { return; }
              stop();
              input.value = found[0].rawValue;
              if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
            }, function () {});
          }, 250);
        })
        .catch(function () {
          stop();
          var said = document.createElement("p");
          said.className = "err";
          said.setAttribute("role", "alert");
          said.textContent = options.noCamera;
          open.parentNode.insertBefore(said, open.nextSibling);
        });
    });
    input.parentNode.insertBefore(open, input);
    input.parentNode.insertBefore(video, input);
  }

  window.Awaaz = { steps: steps, codeHelpers: codeHelpers, digits: digits };
  var codeInput = document.getElementById("code");
  if (codeInput && codeInput.form && codeInput.form.hasAttribute("data-alphabet")) {
    var f = codeInput.form;
    codeHelpers(codeInput, {
      alphabet: f.getAttribute("data-alphabet"), script: f.getAttribute("data-script"),
      keypad: body.hasAttribute("data-kiosk-idle"), keypadLabel: f.getAttribute("data-keypad"),
      erase: f.getAttribute("data-erase"), scan: f.getAttribute("data-scan"),
      scanStop: f.getAttribute("data-scan-stop"), noCamera: f.getAttribute("data-no-camera")
    });
  }

  // Kiosk mode: after an idle spell, count down, then reset for the next person.
  var idleSeconds = parseInt(body.getAttribute("data-kiosk-idle") || "0", 10);
  if (!idleSeconds) { return; }
  var answers = document.getElementById("answers");
  if (answers) { steps(answers); }
  // Her language's clips, fetched ahead while the tablet is idle, so a tap plays at once even
  // when the network is slow (they are cached for good: their addresses never change).
  var clipList = body.getAttribute("data-voice");
  if (clipList && window.fetch) {
    setTimeout(function () {
      fetch(clipList, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (urls) {
          return urls.reduce(function (chain, url) {
            return chain.then(function () { return fetch(url).catch(function () {}); });
          }, Promise.resolve());
        })
        .catch(function () {});
    }, 3000);
  }
  var countdownSeconds = parseInt(body.getAttribute("data-kiosk-countdown") || "10", 10);
  var overlay = document.getElementById("idle");
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
