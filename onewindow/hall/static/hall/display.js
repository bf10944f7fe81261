// The hall display: polls the feed twice a second, shows the calls, and announces each new one by voice in
// Mandarin where the browser has a Chinese voice, else with a chime and blinking text.
(function () {
  "use strict";
  var config = document.getElementById("display-config").dataset;
  var lastId = null;
  var POLL_MS = 500;  // a call shows within a second of the clerk pressing the button (goal: 2 s)

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function chineseVoice() {
    if (!("speechSynthesis" in window)) return null;
    return window.speechSynthesis.getVoices().find(function (v) { return /^zh/i.test(v.lang); }) || null;
  }

  function chime() {
    try {
      var audio = new (window.AudioContext || window.webkitAudioContext)();
      [880, 660].forEach(function (freq, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = freq;
        osc.connect(gain); gain.connect(audio.destination);
        gain.gain.setValueAtTime(0.2, audio.currentTime + i * 0.4);
        osc.start(audio.currentTime + i * 0.4); osc.stop(audio.currentTime + i * 0.4 + 0.35);
      });
    } catch (e) { /* no audio device: the blinking text still shows the call */ }
  }

  function announce(call) {
    var latest = document.getElementById("latest");
    latest.textContent = fill(config.latest, call);
    latest.classList.remove("blink"); void latest.offsetWidth; latest.classList.add("blink");
    var voice = chineseVoice();
    if (voice) {
      var words = new SpeechSynthesisUtterance(fill(config.say, call));
      words.voice = voice; words.lang = "zh-CN";
      window.speechSynthesis.speak(words);
      document.body.dataset.announced = "voice";
    } else {
      chime();
      document.body.dataset.announced = "chime";
    }
  }

  function render(data) {
    var rows = document.getElementById("calls");
    rows.innerHTML = "";
    data.calls.forEach(function (call) {
      var tr = document.createElement("tr");
      [call.number, call.window, call.at].forEach(function (text) {
        var td = document.createElement("td"); td.textContent = text; tr.appendChild(td);
      });
      rows.appendChild(tr);
    });
    var waiting = document.getElementById("waiting");
    waiting.innerHTML = "";
    data.waiting.forEach(function (b) {
      var span = document.createElement("span"); span.textContent = fill(config.waiting, {name: b.name, n: b.waiting});
      waiting.appendChild(span);
    });
    var fresh = data.calls.filter(function (c) { return lastId !== null && c.id > lastId; }).reverse();
    fresh.forEach(announce);
    if (data.calls.length) {
      if (lastId === null) document.getElementById("latest").textContent = fill(config.latest, data.calls[0]);
      lastId = Math.max(lastId || 0, data.calls[0].id);
    } else if (lastId === null) {
      lastId = 0;
    }
  }

  function poll() {
    fetch(config.feed, {cache: "no-store"}).then(function (r) { return r.json(); }).then(render)
      .catch(function () { /* the next poll retries */ }).finally(function () { setTimeout(poll, POLL_MS); });
  }
  poll();
})();
