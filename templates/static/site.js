/* Runs in <head> before the page paints: marks what the browser can do, restores the
   reader's text size, then wires the larger-text switch. Nothing on the site needs it to
   be read; without it the search box gives way to a link to the categories. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "rectify-site:larger-text";
  root.classList.remove("no-js");
  root.classList.add("js");
  // Pagefind needs WebAssembly and ES modules; in-app browsers may lack either.
  var script = document.createElement("script");
  if (typeof WebAssembly === "object" && "noModule" in script) {
    root.classList.add("search-ok");
  }
  try {
    if (window.localStorage.getItem(KEY) === "1") root.classList.add("larger");
  } catch (e) { /* storage blocked: the switch still works for this page */ }

  function wire() {
    var button = document.querySelector(".text-size");
    if (!button) return;
    var sync = function () {
      var on = root.classList.contains("larger");
      button.setAttribute("aria-pressed", on ? "true" : "false");
    };
    sync();
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = root.classList.toggle("larger");
      try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* ignore */ }
      sync();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
