// Renders every element with data-vega-spec="<id of a json_script>" using the vendored vega-embed.
// Actions (export, open in editor) are off: the editor is a remote site and Minga makes no outside requests.
(function () {
  "use strict";
  function render() {
    if (typeof vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source) { return; }
      vegaEmbed(element, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
        .then(function () { element.setAttribute("data-rendered", "true"); })
        .catch(function (error) { element.setAttribute("data-error", String(error)); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", render); } else { render(); }
}());
