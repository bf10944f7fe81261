// The screen above one window: its current number and clerk, refreshed every second.
(function () {
  "use strict";
  var config = document.getElementById("window-config").dataset;
  function poll() {
    fetch(config.feed, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (data) {
      document.getElementById("window-number").textContent = data.number || data.state_label;
      document.getElementById("window-clerk").textContent = data.clerk ? config.clerk.replace("{name}", data.clerk) : "";
    }).catch(function () {}).finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
