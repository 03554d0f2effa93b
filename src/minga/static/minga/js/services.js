/* The service directory in the browser: "near me" fills the point from the browser's position; the map
   (Leaflet, loaded only when there are results) shows the services found over the vendored boundaries,
   and map tiles only when the operator configured a tile address; the referral sheet's print button.
   Without JavaScript the form, the list and the sheet work as they are. */
(function () {
  "use strict";

  var near = document.getElementById("near-me");
  if (near && navigator.geolocation) {
    near.hidden = false;
    near.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("service-lat").value = position.coords.latitude.toFixed(5);
        document.getElementById("service-lon").value = position.coords.longitude.toFixed(5);
        var radius = document.getElementById("service-radius");
        if (!radius.value) { radius.value = "25"; }
        near.form.submit();
      });
    });
  }

  var printButton = document.getElementById("print-sheet");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  var box = document.getElementById("service-map");
  if (!box) { return; }

  function load(tag, attributes, done) {
    var element = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { element[name] = attributes[name]; });
    if (done) { element.addEventListener("load", done); }
    document.head.appendChild(element);
  }

  function draw() {
    box.hidden = false;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", box.dataset.label);
    var map = L.map(box, { scrollWheelZoom: false });
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
    }
    var points = [];
    document.querySelectorAll(".service-hit").forEach(function (item) {
      var at = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)];
      points.push(at);
      var link = document.createElement("a");
      link.href = item.dataset.url;
      link.textContent = item.dataset.name;
      L.circleMarker(at, { radius: 7, color: "#1d3f6b", fillOpacity: 0.8 }).bindPopup(link).addTo(map);
    });
    map.fitBounds(points, { maxZoom: 12, padding: [20, 20] });
    (box.dataset.boundaries || "").split(" ").filter(Boolean).forEach(function (address) {
      fetch(address).then(function (response) { return response.json(); }).then(function (topology) {
        var name = Object.keys(topology.objects)[0];
        L.geoJSON(topojson.feature(topology, topology.objects[name]), {
          style: { color: "#7a8494", weight: 1, fill: false }, interactive: false
        }).addTo(map);
      });
    });
  }

  load("link", { rel: "stylesheet", href: box.dataset.leafletCss });
  load("script", { src: box.dataset.topojson }, function () {
    load("script", { src: box.dataset.leaflet }, draw);
  });
}());
