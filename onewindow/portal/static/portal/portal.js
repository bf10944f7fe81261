// Application form: uploads with progress (one request per file) and autosave of the typed fields.
// Plain JS, no build step; without JS the form still posts everything in one go.
(function () {
  "use strict";
  var form = document.getElementById("application");
  if (!form) return;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) * 1024 * 1024;
  var T = window.PORTAL_TEXT || {};

  function say(node, text, isError) {
    node.textContent = text;
    node.classList.toggle("field-error", !!isError);
    node.setAttribute("role", isError ? "alert" : "status");
  }

  form.querySelectorAll("input[type=file][data-upload-url]").forEach(function (input) {
    var box = input.closest("fieldset");
    var bar = box.querySelector("progress");
    var msg = box.querySelector(".upload-msg");
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) return;
      if (file.size === 0) { say(msg, T.empty, true); input.value = ""; return; }
      if (file.size > maxBytes) { say(msg, T.tooBig, true); input.value = ""; return; }
      var data = new FormData();
      data.append("file", file);
      data.append("csrfmiddlewaretoken", csrf);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", input.getAttribute("data-upload-url"));
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false; bar.value = 0;
      say(msg, T.uploading + " " + file.name, false);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total);
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = {message: T.failed}; }
        input.value = "";
        if (xhr.status === 200) {
          bar.value = 100;
          say(msg, T.uploaded + " " + body.name, false);
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = body.url; a.textContent = body.name;
          li.appendChild(a);
          box.querySelector(".files").appendChild(li);
          box.querySelector(".mode").textContent = T.fileMode;
          box.classList.remove("has-error");
        } else {
          bar.hidden = true;
          say(msg, body.message || T.failed, true);
          box.classList.add("has-error");
        }
      });
      xhr.addEventListener("error", function () { bar.hidden = true; say(msg, T.failed, true); input.value = ""; });
      xhr.send(data);
    });
  });

  var autosaveUrl = form.getAttribute("data-autosave");
  var status = document.getElementById("autosave-status");
  if (!autosaveUrl || !status) return;
  var timer = null;
  function save() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    form.querySelectorAll("[name^=form_]").forEach(function (el) { data.append(el.name, el.value); });
    fetch(autosaveUrl, {method: "POST", body: data, headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (res.ok) { say(status, T.saved + " " + new Date().toTimeString().slice(0, 5), false); }
        else { say(status, res.body.message + " " + Object.values(res.body.details || {}).join(" "), true); }
      })
      .catch(function () { say(status, T.notSaved, true); });
  }
  form.querySelectorAll("[name^=form_]").forEach(function (el) {
    el.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 800); });
    el.addEventListener("change", function () { clearTimeout(timer); save(); });
  });
})();
