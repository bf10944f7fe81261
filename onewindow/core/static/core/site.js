// Large-type (elder-friendly) mode: a cookie so the server renders it on every page.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("elder-toggle");
  if (!button) return;
  button.addEventListener("click", function () {
    var on = document.documentElement.classList.toggle("elder");
    document.cookie = "elder=" + (on ? "1" : "0") + "; path=/; max-age=31536000; samesite=lax";
    window.location.reload();
  });
});
