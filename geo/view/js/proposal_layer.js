// The "Proposed hotspots" layer of the hotspot map (geo/view/proposal_layer.py): places `geo
// propose` suggests, as dashed outlines (and, at far zooms, dashed rings where the outlines would
// be specks), with each place's figures on hover. Built once per set of proposals and kept off
// the map until shown. Names, towns and words arrive HTML-escaped; the rest are numbers.
function createProposals(map, style) {
  var places = [], group = L.featureGroup(), shownCount = -1;
  [["proposals", 415], ["proposal-dots", 440]].forEach(function (pane) {
    map.createPane(pane[0]).style.zIndex = pane[1];
  });

  function untab(layer) {  // keyboard users read the proposals in the table under the map
    var el = layer.getElement && layer.getElement();
    if (el) {
      el.setAttribute("tabindex", "-1");
      el.setAttribute("focusable", "false");
    }
  }

  function load(data) {
    group.clearLayers();
    places = data.places.map(function (row) {
      var q = data.q, tip = proposalTooltip(row[4]);
      var outline = L.GeoJSON.geometryToLayer(
        {type: "Feature", geometry: decodeOutline(row[1], q), properties: {}},
        {smoothFactor: 0});
      outline.setStyle({
        pane: "proposals", color: style.colour, weight: style.weight, dashArray: style.dash,
        fill: true, fillColor: style.colour, fillOpacity: 0.08, className: "proposal-outline",
      });
      var dot = L.circleMarker(L.latLng(row[2][1] / q, row[2][0] / q), {
        pane: "proposal-dots", radius: style.radius, color: style.colour, weight: 2.5,
        dashArray: "4 3", fill: true, fillColor: "#ffffff", fillOpacity: 0.35,
        className: "proposal-dot",
      });
      [outline, dot].forEach(function (layer) {
        layer.bindTooltip(tip, {sticky: true, className: "hotspot-tip proposal-tip"});
      });
      return {id: row[0], town: row[3], outline: outline, dot: dot, shown: false};
    });
    shownCount = -1;
  }

  // Show the places of `town` ("" for all of them) when `on`, else none; true when it changed.
  function show(on, town) {
    var count = 0;
    places.forEach(function (p) {
      var visible = on && (!town || p.town === town);
      if (visible !== p.shown) {
        [p.outline, p.dot].forEach(function (layer) {
          if (visible) { group.addLayer(layer); untab(layer); } else { group.removeLayer(layer); }
        });
        p.shown = visible;
      }
      count += visible ? 1 : 0;
    });
    if (on && !map.hasLayer(group)) { group.addTo(map); }
    if (!on && map.hasLayer(group)) { map.removeLayer(group); }
    places.forEach(function (p) { if (p.shown) { untab(p.outline); untab(p.dot); } });
    map.getContainer().setAttribute("data-proposals", String(count));
    var changed = count !== shownCount;
    shownCount = count;
    return changed;
  }

  // The box of the places shown (not valid when none is).
  function bounds() {
    var box = L.latLngBounds([]);
    places.forEach(function (p) { if (p.shown) { box.extend(p.outline.getBounds()); } });
    return box;
  }

  return {load: load, show: show, bounds: bounds};
}

// The tooltip of a proposal from the fields of geo.view.proposal_layer.proposal_tip.
function proposalTooltip(p) {
  function n(x, digits) {
    return x === null ? "\u2014" : Number(x).toLocaleString("en-GB",
      {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }
  return "<div class='tt-kind'>Proposed hotspot " + p.id + "</div>"
    + "<div class='tt-name'>" + p.n + "</div>"
    + (p.w ? "<div class='tt-town'>" + p.w + "</div>" : "")
    + "<div>" + n(p.i, 0) + " reports of " + p.t + " in " + p.p + ": " + n(p.s, 2)
    + "% of the period's</div>"
    + "<div>hot in " + p.mh + " of " + p.m + " months</div>"
    + "<div>Gi* z " + n(p.z, 1) + " \u00b7 " + n(p.d, 0) + " reports per km\u00b2 \u00b7 "
    + n(p.a, 4) + " km\u00b2</div>";
}
