// Renders every element with data-vega-spec="<id of a json_script>" using the vendored vega-embed.
// Actions (export, open in editor) are off: the editor is a remote site and Minga makes no outside requests.
// Expressions are evaluated by vega-interpreter (ast: true) rather than compiled with Function(): the
// Content-Security-Policy allows no eval, and no inline style.
(function () {
  "use strict";
  function render() {
    if (typeof vegaEmbed !== "function" || typeof vegaInterpreter !== "object") { return; }
    // vega-embed and its tooltip would add <style> elements of their own: their rules are in minga.css.
    var options = {
      actions: false, renderer: "svg", ast: true, expr: vegaInterpreter.expressionInterpreter,
      defaultStyle: false, tooltip: { disableDefaultStyle: true }
    };
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source) { return; }
      vegaEmbed(element, JSON.parse(source.textContent), options)
        .then(function () { element.setAttribute("data-rendered", "true"); })
        .catch(function (error) { element.setAttribute("data-error", String(error)); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", render); } else { render(); }
}());
