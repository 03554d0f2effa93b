// The catalogue's filters sit in a <details> ("Filter"): folded on a phone, so that the results come first,
// and open beside the results on a wide screen. Without JavaScript the <details> works on its own (and
// minga.css shows its content on wide screens where the browser supports ::details-content). This script
// opens it on wide screens in other browsers, and keeps the visitor's choice when htmx swaps the results
// (the <details> is part of what is swapped, so it would otherwise fold again after every tick).
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 48.01rem)");
  var chosen = null;  // true/false once the visitor has opened or folded the filters
  function apply() {
    document.querySelectorAll("details.filters-toggle").forEach(function (details) {
      details.open = chosen === null ? wide.matches : chosen;
      details.addEventListener("toggle", function () { chosen = details.open; });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", apply); } else { apply(); }
  document.addEventListener("htmx:afterSwap", apply);
}());
