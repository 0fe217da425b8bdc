/* The reading tool bar (阅读辅助, 适老化): text size in four steps up to 200 %, high
   contrast, wider line spacing, a large cursor, and read-aloud through the browser's own
   speech synthesis (zh-CN), shown only where the browser has a Chinese voice. Settings
   are kept in localStorage; site.js applies them before the first paint. No request
   leaves the site, nothing moves. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "rectify-site:reading";
  var STEPS = ["100%", "125%", "150%", "175%", "200%"];
  var MAX = STEPS.length - 1;
  var TOGGLES = { contrast: "contrast", spacing: "spacious", cursor: "big-cursor" };

  function load() {
    try {
      var s = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return s && typeof s === "object" ? s : {};
    } catch (e) { return {}; }
  }
  function save(s) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(s));
      window.localStorage.removeItem("rectify-site:larger-text");
    } catch (e) { /* storage blocked: the settings hold for this page */ }
  }
  function currentSize() {
    for (var i = 1; i <= MAX; i++) if (root.classList.contains("size-" + i)) return i;
    return 0;
  }

  function wire() {
    var bar = document.querySelector(".reading-tools");
    if (!bar) return;
    var settings = load();
    var tool = function (name) { return bar.querySelector('[data-tool="' + name + '"]'); };
    var value = bar.querySelector(".size-value");

    function sync() {
      var size = currentSize();
      value.textContent = STEPS[size];
      tool("smaller").setAttribute("aria-disabled", size === 0 ? "true" : "false");
      tool("larger").setAttribute("aria-disabled", size === MAX ? "true" : "false");
      Object.keys(TOGGLES).forEach(function (name) {
        var on = root.classList.contains(TOGGLES[name]);
        tool(name).setAttribute("aria-pressed", on ? "true" : "false");
      });
    }
    function setSize(size) {
      size = Math.max(0, Math.min(MAX, size));
      for (var i = 1; i <= MAX; i++) root.classList.toggle("size-" + i, i === size);
      settings.size = size;
      save(settings);
      sync();
    }
    tool("smaller").addEventListener("click", function () { setSize(currentSize() - 1); });
    tool("larger").addEventListener("click", function () { setSize(currentSize() + 1); });
    Object.keys(TOGGLES).forEach(function (name) {
      tool(name).addEventListener("click", function () {
        settings[name] = root.classList.toggle(TOGGLES[name]);
        save(settings);
        sync();
      });
    });
    tool("reset").addEventListener("click", function () {
      stop();
      Object.keys(TOGGLES).forEach(function (name) {
        root.classList.remove(TOGGLES[name]);
        settings[name] = false;
      });
      setSize(0);
    });
    sync();
    wireSpeech(bar, tool, settings);
  }

  // --- read-aloud ---------------------------------------------------------------------
  var synth = window.speechSynthesis;
  var stop = function () {};

  function chineseVoice() {
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return null;
    var voices = synth.getVoices() || [];
    var zh = voices.filter(function (v) { return /^zh([-_]|$)/i.test(v.lang || ""); });
    var cn = zh.filter(function (v) { return /^zh[-_](CN|Hans)/i.test(v.lang); });
    return cn[0] || zh[0] || null;
  }

  /* Text in pieces of a sentence or two: long utterances are cut off by some engines. */
  function pieces(text) {
    var out = [];
    var parts = text.replace(/\s+/g, " ").match(/[^。！？；!?;\n]+[。！？；!?;]*/g) || [];
    var buf = "";
    parts.forEach(function (p) {
      if ((buf + p).length > 120 && buf) { out.push(buf); buf = ""; }
      buf += p;
    });
    if (buf.trim()) out.push(buf);
    return out;
  }

  function wireSpeech(bar, tool, settings) {
    var read = tool("read"), pause = tool("pause"), halt = tool("stop");
    var speaking = false;

    function show() {
      var voice = chineseVoice();
      root.classList.toggle("speech-ok", !!voice);
      if (settings.speech !== !!voice) { settings.speech = !!voice; save(settings); }
      return voice;
    }
    function state(on, paused) {
      speaking = on;
      pause.setAttribute("aria-disabled", on ? "false" : "true");
      halt.setAttribute("aria-disabled", on ? "false" : "true");
      pause.setAttribute("aria-pressed", paused ? "true" : "false");
      pause.textContent = paused ? "继续" : "暂停";
    }
    stop = function () {
      if (synth && speaking) synth.cancel();
      state(false, false);
    };
    state(false, false);
    show();
    if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", show);

    read.addEventListener("click", function () {
      var voice = show();
      if (!voice) return;
      var selected = String(window.getSelection ? window.getSelection() : "").trim();
      var main = document.getElementById("main");
      var text = selected || (main ? main.innerText : "");
      var queue = pieces(text);
      if (!queue.length) return;
      synth.cancel();
      state(true, false);
      queue.forEach(function (piece, i) {
        var u = new window.SpeechSynthesisUtterance(piece);
        u.lang = "zh-CN";
        u.voice = voice;
        u.rate = 0.9;  // a little slower than the default, for older listeners
        if (i === queue.length - 1) u.onend = function () { state(false, false); };
        u.onerror = function () { state(false, false); };
        synth.speak(u);
      });
    });
    pause.addEventListener("click", function () {
      if (!speaking) return;
      if (synth.paused) { synth.resume(); state(true, false); }
      else { synth.pause(); state(true, true); }
    });
    halt.addEventListener("click", function () { stop(); });
    window.addEventListener("pagehide", function () { if (synth && speaking) synth.cancel(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
