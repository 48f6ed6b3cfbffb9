// The upload's progress on the sources page: the form still works without it.
"use strict";
(function () {
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var bar = document.getElementById("upload-progress");
  var state = document.getElementById("upload-state");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    bar.hidden = false;
    state.textContent = "送信中…";
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = e.loaded / e.total;
    });
    request.upload.addEventListener("load", function () {
      bar.removeAttribute("value");  // indeterminate while the server compares
      state.textContent = "履歴と照合して記録しています…";
    });
    request.addEventListener("load", function () {
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      state.textContent = "送信できませんでした。もう一度お試しください。";
    });
    request.send(new FormData(form));
  });
})();
