/* Runs in <head> before the page paints (a blocking script: the CSP allows no inline one):
   marks what the browser can do and applies the reader's settings from the tool bar
   (阅读辅助: text size, high contrast, line spacing, large cursor), so that no page ever
   flashes in the default look. toolbar.js wires the controls once the page is parsed.
   Nothing on the site needs either to be read. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");
  // Pagefind needs WebAssembly and ES modules; in-app browsers may lack either.
  var script = document.createElement("script");
  if (typeof WebAssembly === "object" && "noModule" in script) {
    root.classList.add("search-ok");
  }
  var settings = {};
  try {
    settings = JSON.parse(window.localStorage.getItem("rectify-site:reading") || "{}") || {};
    // the earlier 大字号 switch: one step up
    if (settings.size === undefined && window.localStorage.getItem("rectify-site:larger-text") === "1") {
      settings.size = 1;
    }
  } catch (e) { /* storage blocked or garbled: the default look */ }
  var size = Math.floor(Number(settings.size));
  if (size >= 1 && size <= 4) root.classList.add("size-" + size);
  if (settings.contrast === true) root.classList.add("contrast");
  if (settings.spacing === true) root.classList.add("spacious");
  if (settings.cursor === true) root.classList.add("big-cursor");
  if (settings.speech === true) root.classList.add("speech-ok");  // a voice, last time
})();
