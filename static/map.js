/* Maps of operations: every element with class "map" and a data-points-url.
 *
 * The points come from /map.json with the page's own query (the timeline's
 * filters): rows of [id, place, location_precision, kind, date, date_precision],
 * with each place's [name, lon, lat] given once.
 * Operations at the same place gather in a numbered cluster that opens (spreads
 * out) on a click; above WIDE_CLUSTERS_ABOVE points, nearby places gather too.
 * Tiles may fail to load (offline): the circles are drawn all the same.
 */
(function () {
  "use strict";

  var WIDE_CLUSTERS_ABOVE = 500;
  // Wider, paler, dashed circles for places known less precisely.
  var STYLES = {
    exact: { radius: 5, weight: 1, fillOpacity: 0.9 },
    near: { radius: 7, weight: 2, fillOpacity: 0.6 },
    district: { radius: 10, weight: 2, fillOpacity: 0.35, dashArray: "4 3" },
    province: { radius: 13, weight: 2, fillOpacity: 0.25, dashArray: "4 3" },
    region: { radius: 16, weight: 2, fillOpacity: 0.2, dashArray: "4 3" },
    country: { radius: 20, weight: 2, fillOpacity: 0.15, dashArray: "2 4" }
  };

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // "2019", "Feb 2022" or "6 Oct 2022": a local date as precisely as it is known.
  function localDate(iso, precision) {
    var parts = iso.split("-");
    var month = MONTHS[parseInt(parts[1], 10) - 1];
    if (precision === "year") return parts[0];
    if (precision === "month") return month + " " + parts[0];
    return parseInt(parts[2], 10) + " " + month + " " + parts[0];
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function popupContent(point, notes) {
    var box = element("div", "", "map-popup");
    var facts = point.kind + ", " + point.date;
    var title = element("a", facts, "map-popup-title");
    title.href = "/operations/" + point.id + "/";
    box.appendChild(title);
    box.appendChild(element("p", point.where + " (" + (notes[point.precision] || point.precision) + ")"));
    var targets = element("ul", "", "map-popup-targets");
    box.appendChild(targets);
    // Titles and targets come from the API only when a popup opens: the map's
    // own data stays small enough for 100,000 operations.
    fetch("/api/v1/operations/" + point.id + "/", { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (operation) {
        if (!operation) return;
        title.textContent = operation.title;
        box.insertBefore(element("p", facts), box.children[1]);
        operation.targets.forEach(function (target) {
          targets.appendChild(element("li", target.name + ": " + target.outcome.replace(/_/g, " ")));
        });
      })
      .catch(function () { /* the link still leads to the page */ });
    return box;
  }

  function filterToViewControl(map, form) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var button = element("button", "Filter to this view", "map-filter-button");
      button.type = "button";
      L.DomEvent.disableClickPropagation(button);
      button.addEventListener("click", function () {
        var bounds = map.getBounds();
        var clamp = function (value, limit) { return Math.max(-limit, Math.min(limit, value)); };
        form.elements.bbox.value = [
          clamp(bounds.getWest(), 180), clamp(bounds.getSouth(), 90),
          clamp(bounds.getEast(), 180), clamp(bounds.getNorth(), 90)
        ].map(function (value) { return value.toFixed(4); }).join(",");
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
      return button;
    };
    control.addTo(map);
  }

  function draw(container, data) {
    var map = L.map(container, { scrollWheelZoom: false, worldCopyJump: true });
    L.tileLayer(container.dataset.tileUrl, {
      attribution: container.dataset.tileAttribution, maxZoom: 18
    }).addTo(map);

    var points = data.points.map(function (row) {
      var place = data.places[row[1]];
      return {
        id: row[0], lon: place[1], lat: place[2], precision: row[2],
        kind: data.kinds[row[3]] || row[3], date: localDate(row[4], row[5]),
        where: row[2] === "near" ? data.near.replace("{place}", place[0]) : place[0]
      };
    });
    var layer = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      // Few points: only those drawn on top of each other gather.
      maxClusterRadius: points.length > WIDE_CLUSTERS_ABOVE ? 80 : 12
    });
    var markers = points.map(function (point) {
      var style = STYLES[point.precision] || STYLES.exact;
      var marker = L.circleMarker([point.lat, point.lon], Object.assign(
        { color: "#7a1f24", fillColor: "#c0392b", className: "op-marker op-" + point.precision },
        style));
      marker.bindPopup(function () { return popupContent(point, data.location_notes); });
      return marker;
    });
    layer.addLayers(markers);
    layer.addTo(map);

    // Fitted to the places, not to every point: 235 places hold 100,000 operations.
    var bounds = L.latLngBounds(Object.keys(data.places).map(function (key) {
      return [data.places[key][2], data.places[key][1]];
    }));
    if (container.dataset.lat && container.dataset.lon) {
      var here = [parseFloat(container.dataset.lat), parseFloat(container.dataset.lon)];
      L.marker(here, { title: "The place" }).addTo(map);
      bounds.extend(here);
    }
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 9 });
    } else {
      map.setView([34.5, 40], 5);
    }
    var form = document.getElementById("filter-form");
    if (form && form.elements.bbox) filterToViewControl(map, form);

    container.dataset.markerCount = String(points.length);
    var note = document.createElement("p");
    note.className = "map-note";
    note.textContent = points.length === 1
      ? "1 located operation" : points.length.toLocaleString("en") + " located operations";
    container.parentNode.insertBefore(note, container.nextSibling);
  }

  function start(container) {
    if (!window.L) return;
    fetch(container.dataset.pointsUrl, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("map points: " + response.status);
        return response.json();
      })
      .then(function (data) { draw(container, data); })
      .catch(function () {
        container.classList.add("map-failed");
        container.textContent = "The map could not be loaded.";
      });
  }

  document.querySelectorAll(".map[data-points-url]").forEach(start);
})();
