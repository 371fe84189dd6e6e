// Record a prompt with the browser's microphone (MediaRecorder), then send it through the
// same form as an uploaded file; the server normalises it (awaaz/ops/voice.py). Without this
// script, or without a microphone, the upload works as before.
(function () {
  "use strict";
  if (!window.MediaRecorder || !navigator.mediaDevices || !window.DataTransfer) return;
  document.querySelectorAll("form.record .mic").forEach(function (button) {
    var form = button.form;
    var recorder = null;
    var parts = [];
    button.hidden = false;
    button.addEventListener("click", function () {
      if (recorder) { recorder.stop(); return; }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        parts = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (e) { parts.push(e.data); });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (t) { t.stop(); });
          var blob = new Blob(parts, { type: recorder.mimeType || "audio/webm" });
          var moved = new DataTransfer();
          moved.items.add(new File([blob], "recording.webm", { type: blob.type }));
          form.querySelector("input[type=file]").files = moved.files;
          recorder = null;
          form.submit();
        });
        recorder.start();
        button.textContent = button.getAttribute("data-stop");
      }, function () { button.hidden = true; });
    });
  });
})();
