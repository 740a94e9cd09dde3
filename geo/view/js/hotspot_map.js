// The hotspot map of the map page and the wall, in a frame Streamlit keeps across the page's
// reruns (pages/_map_frame.py). After every run Streamlit posts the page's arguments here (a
// "render" message). The outlines come in the first (and again only when they change, or when
// this frame asks for them); every message carries the style table (fill, class and tooltip of
// each hotspot shown), the legend, the selected hotspot and the focus. The map is restyled in
// place, never rebuilt: a change is repainted at once and the view a person chose is kept.
// Two more sets are sent once, like the outlines, and only when this frame says it lacks them:
// the proposed hotspots (proposal_layer.js, shown or hidden by the page) and a playback's
// months (playback.js, stepped through here without the page).
// Text from files arrives HTML-escaped for the places it is drawn as HTML (names, towns,
// tooltip fields); ids and raw town names are only ever compared, never drawn.
(function () {
  "use strict";
  var GAP = 3;  // px between spread dots
  var SPREAD_MOST = 7;  // the most dots spread apart; a closer crowd is drawn as a count
  var MAX_ZOOM = 18;  // the closest a count of hotspots zooms in
  var map = null, options = null, args = {}, legend = null, legendHtml = null;
  var order = [], byId = new Map(), towns = [];
  var polygons, dots, names, leaders, rings, groups;
  var held = null, shownKey = null, focusKey = null, fitTarget = null, moved = false;
  var click = null, lastValue = null, following = null, ringed, fitting = false;
  var proposals = null, proposalsHeld = null, playback = null, playHeld = null;

  function post(type, extra) {
    var message = {isStreamlitMessage: true, type: type};
    Object.keys(extra || {}).forEach(function (k) { message[k] = extra[k]; });
    window.parent.postMessage(message, "*");
  }

  // The value the page reads: the outlines, proposals and months held (null: send them), and
  // the last click.
  function report() {
    var value = {geometry: held, proposals: proposalsHeld, playback: playHeld, click: click};
    var text = JSON.stringify(value);
    if (text !== lastValue) {
      lastValue = text;
      post("streamlit:setComponentValue", {value: value, dataType: "json"});
    }
  }

  function own(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function create(given) {
    options = given;
    document.getElementById("map-style").textContent = options.css;
    map = L.map("map_div", {
      center: [53.1, -1.6], zoom: 9, zoomControl: !options.wall, keyboard: false,
      zoomSnap: 0.25, zoomDelta: 0.5,
    });
    window.map = map;
    map.getContainer().classList.toggle("wall-map", !!options.wall);
    L.control.scale().addTo(map);
    if (options.tiles && !options.wall) {
      L.tileLayer(options.tiles.url, {attribution: options.tiles.attribution,
                                      maxZoom: options.tiles.max_zoom}).addTo(map);
    }
    // Dots above outlines (an outline's speck never takes a dot's click), lines to spread dots'
    // places between them, the selection's rings above all.
    [["leaders", 420], ["dots", 450], ["rings", 460]].forEach(function (pane) {
      map.createPane(pane[0]).style.zIndex = pane[1];
    });
    polygons = L.featureGroup().addTo(map);
    leaders = L.layerGroup().addTo(map);
    dots = L.featureGroup().addTo(map);
    rings = L.layerGroup().addTo(map);
    groups = L.layerGroup().addTo(map);
    names = L.layerGroup().addTo(map);
    var container = map.getContainer();
    ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (name) {
      container.addEventListener(name, function () { moved = true; }, {passive: true});
    });
    map.on("zoomend", function () {
      zoomClasses();
      if (!fitting) { arrange(); }
    });
    map.on("moveend", function () {
      if (!fitting) { placeNames(); }
    });
    map.on("resize", function () {
      if (!moved) { fit(); } else { placeNames(); }
    });
    zoomClasses();
    if (options.wall) { scaleWithFrame(); }
    proposals = createProposals(map, options.proposals);
    playback = createPlayback(map, options.wall, paintMonth);
  }

  function zoomClasses() {
    var near = map.getZoom() >= options.label_zoom;
    map.getContainer().classList.toggle("zoom-near", near);
    map.getContainer().classList.toggle("zoom-far", !near);
  }

  // The wall's map: drawn at the reference height and scaled up whole to a taller frame (a
  // screen, not a pointer, looks at it). Its tiles come from the zoom that matches the screen's
  // pixels, as Leaflet's detectRetina does: scaled up 2×, each tile is drawn 128 map pixels wide
  // from the next zoom's 256-pixel image, one image pixel per screen pixel.
  function scaleWithFrame() {
    var layer = null, offset = null;
    function useTiles(scale) {
      var n = Math.max(0, Math.round(Math.log2(scale)));  // zooms the screen is ahead of the map
      if (!options.tiles || n === offset) { return; }
      if (layer) { map.removeLayer(layer); }
      offset = n;
      layer = L.tileLayer(options.tiles.url, {
        attribution: options.tiles.attribution, tileSize: 256 / Math.pow(2, n), zoomOffset: n,
        maxZoom: options.tiles.max_zoom, maxNativeZoom: options.tiles.max_zoom - n,
      }).addTo(map);
    }
    function scaled() {
      var scale = Math.max(1, window.innerHeight / options.reference_height);
      var el = map.getContainer();
      el.style.setProperty("transform-origin", "0 0");
      el.style.setProperty("transform", scale > 1 ? "scale(" + scale + ")" : "none");
      el.style.setProperty("width", (window.innerWidth / scale) + "px", "important");
      el.style.setProperty("height", (window.innerHeight / scale) + "px", "important");
      map.invalidateSize();
      useTiles(scale);
    }
    window.addEventListener("resize", scaled);
    scaled();
  }

  // The outlines: every hotspot's polygon, dot and name, built once and kept off the map until
  // the style table shows them.
  function load(data, key) {
    [polygons, dots, names, leaders, rings, groups].forEach(function (g) { g.clearLayers(); });
    order = [];
    byId = new Map();
    var q = data.q, weight = options.weight;
    data.hotspots.forEach(function (row) {
      var h = {id: row[0], town: row[5], label: row[4], shown: false, style: null, tip: null,
               grouped: false};
      h.feature = {type: "Feature", geometry: decodeOutline(row[1], q), properties: {key: h.id}};
      h.polygon = L.GeoJSON.geometryToLayer(h.feature, {smoothFactor: 0});
      h.polygon.feature = h.feature;
      h.polygon.setStyle({fillOpacity: 0.85, color: "#222222", weight: weight});
      h.home = L.latLng(row[2][1] / q, row[2][0] / q);
      h.dot = L.circleMarker(h.home, {
        radius: options.dot_radius, fill: true, fillOpacity: 0.95, color: "#222222",
        weight: 1.5, className: "hotspot-dot", pane: "dots",
      });
      h.dot.feature = {type: "Feature", properties: {key: h.id}};
      h.name = L.marker([row[3][0], row[3][1]], {
        icon: L.divIcon({
          html: "<div class='leader'></div><span class='hotspot-label'>" + row[4] + "</span>",
          className: "label", iconSize: [0, 0], iconAnchor: [0, 0],
        }),
        interactive: false, keyboard: false,
      });
      h.polygon.on("mouseover", function () {
        h.polygon.setStyle({weight: weight * 2.5, color: "#000000"});
      });
      h.polygon.on("mouseout", function () {
        h.polygon.setStyle({weight: weight, color: "#222222"});
      });
      [h.polygon, h.dot].forEach(function (layer) {
        layer.on("click", function () { chosen(h); });
      });
      order.push(h);
      byId.set(h.id, h);
    });
    towns = data.towns.map(function (t) {
      return {
        town: t[2],
        shown: false,
        name: L.marker([t[0], t[1]], {
          icon: L.divIcon({
            html: "<div class='leader'></div><span class='town-label'>" + t[3] + "</span>",
            className: "label", iconSize: [0, 0], iconAnchor: [0, 0],
          }),
          interactive: false, keyboard: false,
        }),
      };
    });
    held = key;
    shownKey = null;
    focusKey = null;
  }

  function chosen(h) {
    if (options.wall) { return; }  // a screen looks at the wall; nobody clicks it
    click = {id: h.id, at: Date.now()};
    report();
  }

  // Out of the tab order: Chromium makes each clickable outline a tab stop, 50 and more of them.
  // Keyboard users choose a hotspot in the sidebar's Hotspot list.
  function untab(layer) {
    var el = layer.getElement && layer.getElement();
    if (el) {
      el.setAttribute("tabindex", "-1");
      el.setAttribute("focusable", "false");
    }
  }

  // A hotspot's tooltip, written when shown (thousands of hotspots, one tooltip open): its
  // month's figures while a playback colours it, else its figures for the period.
  function tooltips(h) {
    [h.polygon, h.dot].forEach(function (layer) {
      if (!layer.getTooltip()) {
        layer.bindTooltip(function () {
          return h.month ? monthTooltip(h.label, h.townHtml, h.month[0], h.month[1])
            : hotspotTooltip(h.fields);
        }, {sticky: true, className: "hotspot-tip"});
      } else if (layer.isTooltipOpen()) {
        layer.getTooltip().update();
      }
    });
  }

  // Which hotspots show and how: a style table {id: [fill, class, tooltip fields]}.
  function restyle(styles) {
    var ids = [], shownTowns = new Set();
    order.forEach(function (h) {
      if (!own(styles, h.id)) {
        if (h.shown) {
          polygons.removeLayer(h.polygon);
          dots.removeLayer(h.dot);
          names.removeLayer(h.name);
          h.shown = false;
        }
        return;
      }
      var style = styles[h.id];
      if (!h.shown) {
        polygons.addLayer(h.polygon);
        h.shown = true;
        untab(h.polygon);
      }
      if (!h.style || h.style[0] !== style[0]) {
        h.polygon.setStyle({fillColor: style[0]});
        h.dot.setStyle({fillColor: style[0]});
      }
      var tip = JSON.stringify(style[2]);
      if (tip !== h.tip) {
        h.fields = style[2];
        h.month = null;
        h.tip = tip;
        tooltips(h);
      }
      h.polygon.getElement().setAttribute("data-class", String(style[1]));
      h.style = style;
      h.townHtml = style[2].w;
      ids.push(h.id);
      shownTowns.add(h.town);
    });
    towns.forEach(function (t) {
      var show = shownTowns.has(t.town);
      if (show !== t.shown) {
        if (show) { names.addLayer(t.name); } else { names.removeLayer(t.name); }
        t.shown = show;
      }
    });
    var key = JSON.stringify(ids);
    var changed = key !== shownKey;
    shownKey = key;
    return changed;
  }

  // The hotspots shown, coloured for month `index` of a playback: fill, class and tooltip. Their
  // own style is forgotten, so the page's colours come back when the playback stops.
  function paintMonth(data, index) {
    var cells = data.cells[index], month = data.months[index];
    var colours = args.play_options.colours;
    data.ids.forEach(function (id, i) {
      var h = byId.get(id);
      if (!h || !h.shown) { return; }
      var cell = cells[i];
      var fill = cell[2] >= 0 ? colours[cell[2]] : args.play_options.missing;
      h.polygon.setStyle({fillColor: fill});
      h.dot.setStyle({fillColor: fill});
      h.polygon.getElement().setAttribute("data-class", String(cell[2]));
      h.month = [cell, month];
      tooltips(h);
      h.style = null;
      h.tip = null;
    });
  }

  // The proposals held, loaded when sent, and shown or hidden as the page says; true when the
  // places shown changed.
  function showProposals(next, town) {
    if (next.proposals && next.proposals_key !== proposalsHeld) {
      proposals.load(JSON.parse(next.proposals));
      proposalsHeld = next.proposals_key;
    }
    var wanted = !!next.proposals_key;
    if (wanted && proposalsHeld !== next.proposals_key) { proposalsHeld = null; }
    return proposals.show(wanted && next.proposals_shown && proposalsHeld !== null, town);
  }

  // The playback asked for: its months loaded when sent (and played from the first), its speed
  // kept up to date, or stopped when the page asks for none; true when it started or stopped.
  function play(next) {
    if (!next.play_key) {
      var was = playback.playing();
      playback.stop();
      return was;
    }
    if (next.play && next.play_key !== playHeld) {
      playHeld = next.play_key;
      playback.load(JSON.parse(next.play), next.play_options.seconds);
      return true;
    }
    if (playHeld !== next.play_key) {  // months not held (a new frame): ask for them
      playHeld = null;
      var playing = playback.playing();
      playback.stop();
      return playing;
    }
    playback.speed(next.play_options.seconds);
    return false;
  }

  // The legend box over the map; true when it changed (names are placed clear of it).
  function setLegend(html) {
    if (html === legendHtml) { return false; }
    legendHtml = html;
    if (legend) { legend.remove(); legend = null; }
    if (!html) { return true; }
    var template = document.createElement("template");
    template.innerHTML = html;  // the page's own words and counts
    legend = template.content.firstElementChild;
    map.getContainer().appendChild(legend);
    L.DomEvent.disableClickPropagation(legend);
    L.DomEvent.disableScrollPropagation(legend);
    return true;
  }

  // The hotspots of `key` (a town; "" for all of them) among those shown, with the proposals
  // shown, and the map moved to them at once (no animation: a title naming the town changes in
  // the same frame on the wall).
  function focusOn(key) {
    var members = order.filter(function (h) { return h.shown && (!key || h.town === key); });
    if (!members.length) {
      members = order.filter(function (h) { return h.shown; });
    }
    focusKey = key;
    if (!members.length) { return; }
    fitTarget = {members: members, bounds: L.latLngBounds([])};
    members.forEach(function (h) { fitTarget.bounds.extend(h.polygon.getBounds()); });
    var proposed = proposals.bounds();
    if (proposed.isValid()) { fitTarget.bounds.extend(proposed); }
    moved = false;
    fit();
    map.getContainer().setAttribute("data-focus", key);
  }

  // Fit to the focus clear of legend and controls, with more room where dots drawn beside their
  // places would reach beyond the outlines at that zoom (worked out before the map moves: it is
  // redrawn once, thousands of outlines at a time).
  function fit() {
    if (!fitTarget || !map.getSize().x || !map.getSize().y) { return; }
    var view = clearView(map, fitTarget.bounds, 16);
    var pad = overreach(fitTarget.members, view.zoom);
    fitting = true;
    try {
      fitClear(map, fitTarget.bounds, 16,
               {animate: false, pad: pad.some(function (p) { return p > 1; }) ? pad : null});
    } finally {
      fitting = false;
    }
    arrange();
  }

  // How far (px) the dots of `members` would reach beyond their outlines' box at `zoom`, spread
  // as arrange spreads them: top, right, bottom, left.
  function overreach(members, zoom) {
    if (zoom >= options.label_zoom) { return [0, 0, 0, 0]; }
    var shown = order.filter(function (h) { return h.shown; });
    var laid = spreadDots(shown.map(function (h) {
      var p = map.project(h.home, zoom);
      return [p.x, p.y, options.dot_radius];
    }), GAP, SPREAD_MOST, groupRadius);
    var drawnAt = new Map();
    shown.forEach(function (h, i) {
      var g = laid.group[i] >= 0 ? laid.groups[laid.group[i]] : null;
      drawnAt.set(h, g ? [g.x, g.y, g.r] : [laid.places[i][0], laid.places[i][1],
                                              options.dot_radius]);
    });
    var box = L.bounds([]), drawn = L.bounds([]);
    members.forEach(function (h) {
      var b = h.polygon.getBounds();
      box.extend(map.project(b.getNorthWest(), zoom));
      box.extend(map.project(b.getSouthEast(), zoom));
      var d = drawnAt.get(h), at = L.point(d[0], d[1]), r = d[2];
      drawn.extend(at.subtract([r, r]));
      drawn.extend(at.add([r, r]));
    });
    var k = 14;  // fitClear already keeps a dot's radius clear of the top
    return [
      Math.max(0, box.min.y - drawn.min.y - k), Math.max(0, drawn.max.x - box.max.x),
      Math.max(0, drawn.max.y - box.max.y), Math.max(0, box.min.x - drawn.min.x),
    ];
  }

  function groupRadius(count) {
    return options.dot_radius + 3 + 3 * String(count).length;
  }

  // Dots spread for the zoom shown, the selection ringed and names placed.
  function arrange() {
    if (!map) { return; }
    spread();
    ring();
    placeNames();
  }

  // At far zooms, dots that would cover each other are spread apart (a line back to each one's
  // place) or, in a crowd, drawn as a count that zooms in when clicked.
  function spread() {
    leaders.clearLayers();
    groups.clearLayers();
    var shown = order.filter(function (h) { return h.shown; });
    order.forEach(function (h) {
      if (!h.shown) { dots.removeLayer(h.dot); }
      h.grouped = false;
    });
    var far = map.getZoom() < options.label_zoom;
    var laid = far ? spreadDots(shown.map(function (h) {
      var p = map.latLngToLayerPoint(h.home);
      return [p.x, p.y, options.dot_radius];
    }), GAP, SPREAD_MOST, groupRadius) : null;
    shown.forEach(function (h, i) {
      if (laid && laid.group[i] >= 0) {
        var g = laid.groups[laid.group[i]];
        h.grouped = true;
        h.groupAt = map.layerPointToLatLng([g.x, g.y]);
        h.groupRadius = g.r;
        dots.removeLayer(h.dot);
        return;
      }
      var at = h.home;
      if (laid) {
        var p = laid.places[i], home = map.latLngToLayerPoint(h.home);
        if (Math.abs(p[0] - home.x) + Math.abs(p[1] - home.y) > 1) {
          at = map.layerPointToLatLng(p);
          L.polyline([h.home, at], {
            pane: "leaders", color: "#222222", weight: 1.5, opacity: 0.9, interactive: false,
            className: "dot-leader",
          }).addTo(leaders);
        }
      }
      h.dot.setLatLng(at);
      if (!dots.hasLayer(h.dot)) {
        dots.addLayer(h.dot);
        untab(h.dot);
      }
    });
    if (laid) {
      laid.groups.forEach(function (g) { groups.addLayer(countMarker(g, shown)); });
    }
  }

  // A crowd of hotspots as one count; clicked (or Enter), the map zooms in to them.
  function countMarker(g, shown) {
    var members = g.members.map(function (i) { return shown[i]; });
    var size = 2 * g.r;
    var marker = L.marker(map.layerPointToLatLng([g.x, g.y]), {
      icon: L.divIcon({
        className: "hotspot-group", html: "<span>" + members.length + "</span>",
        iconSize: [size, size], iconAnchor: [g.r, g.r],
      }),
      title: members.length + " hotspots: zoom in to see each", riseOnHover: true,
    });
    marker.on("click", function () {
      moved = true;
      openCrowd(members);
    });
    return marker;
  }

  // A crowd opened: the map zoomed in to where its dots no longer crowd (outlines close up),
  // fitted to all of them if they fit there, else centred on them, clear of legend and controls.
  function openCrowd(members) {
    var zoom = Math.floor(map.getZoom()) + 1;
    for (; zoom < options.label_zoom; zoom++) {
      var discs = members.map(function (h) {
        var p = map.project(h.home, zoom);
        return [p.x, p.y, options.dot_radius];
      });
      if (!spreadDots(discs, GAP, SPREAD_MOST, groupRadius).groups.length) { break; }
    }
    var bounds = L.latLngBounds([]), centre = L.latLngBounds([]);
    members.forEach(function (h) { bounds.extend(h.polygon.getBounds()); });
    centre.extend(bounds.getCenter());
    fitClear(map, bounds, MAX_ZOOM, {animate: false});
    if (map.getZoom() < zoom) { fitClear(map, centre, zoom, {animate: false}); }
  }

  // The selected hotspot: its outline drawn thick for close zooms, its dot ringed for far ones.
  function ring() {
    rings.clearLayers();
    ringed = args.selected;
    var h = typeof ringed === "string" && byId.get(ringed);
    if (!h || !h.shown) { return; }
    [["#ffffff", 9], ["#000000", 4]].forEach(function (line) {
      L.polygon(h.polygon.getLatLngs(), {
        pane: "rings", color: line[0], weight: line[1], fill: false, opacity: 1,
        interactive: false,
      }).addTo(rings);
    });
    var at = h.grouped ? h.groupAt : h.dot.getLatLng();
    var radius = (h.grouped ? h.groupRadius : options.dot_radius) + 7;
    [["#ffffff", 8], ["#000000", 4]].forEach(function (line) {
      L.circleMarker(at, {
        pane: "rings", radius: radius, color: line[0], weight: line[1], fill: false, opacity: 1,
        interactive: false, className: "selected-ring",
      }).addTo(rings);
    });
  }

  // Names placed clear of each other: hotspots' close up, towns' far out (the stylesheet hides
  // the others at that zoom, and their lines are taken away here), and only those near the view
  // (a move places the rest). A hotspot's name is on the map only close up and near the view:
  // thousands of names kept on the map would slow every change and move.
  function placeNames() {
    if (!map) { return; }
    var view = map.getBounds().pad(0.5);
    var near = map.getZoom() >= options.label_zoom;
    var hotspotNames = [];
    order.forEach(function (h) {
      var wanted = near && h.shown && view.contains(h.name.getLatLng());
      if (wanted !== names.hasLayer(h.name)) {
        if (wanted) { names.addLayer(h.name); } else { names.removeLayer(h.name); }
      }
      if (wanted) { hotspotNames.push(h.name); }
    });
    var townNames = towns.filter(function (t) { return t.shown; })
      .map(function (t) { return t.name; });
    (near ? townNames : hotspotNames).forEach(function (marker) {
      var leader = marker.getElement() && marker.getElement().querySelector(".leader");
      if (leader) { leader.style.display = "none"; }
    });
    var placed = near ? hotspotNames : townNames;
    placeLabels(map, placed.filter(function (m) { return view.contains(m.getLatLng()); }));
  }

  // The town the followed element of the page names (the wall's title), or null.
  function followed() {
    if (!args.follow) { return null; }
    try {
      var el = window.parent.document.querySelector(args.follow);
      return el ? el.getAttribute("data-town") : null;
    } catch (error) {
      return null;  // a page of another origin: follow the arguments alone
    }
  }

  // On the wall, the map moves to a town in the same moment as the page's title names it: the
  // title is watched, and the focus changes in the same task as the title's change, before the
  // screen is next painted (the arguments, posted here later, would lag it by a frame or more).
  function follow() {
    if (following || !args.follow) { return; }
    var doc;
    try { doc = window.parent.document; } catch (error) { return; }
    following = new MutationObserver(function () {
      var town = followed();
      if (town !== null && town !== focusKey && held) { focusOn(town); }
    });
    following.observe(doc.body, {subtree: true, childList: true, attributes: true,
                                 attributeFilter: ["data-town"]});
  }

  function render(next) {
    args = next;
    if (!map) {
      create(next.options);
      post("streamlit:setFrameHeight", {height: next.height});
    }
    if (next.geometry && next.geometry_key !== held) {
      load(JSON.parse(next.geometry), next.geometry_key);
    }
    if (held !== next.geometry_key) {  // outlines not held (a new frame): ask for them
      held = null;
      report();
      return;
    }
    var selectedBefore = ringed;
    var changed = restyle(next.styles);
    var played = play(next);
    playback.repaint();
    var newLegend = setLegend(next.legend);
    follow();
    var town = followed();
    var key = town !== null ? town : next.focus;
    var proposed = showProposals(next, key);
    if (key !== focusKey || changed || ((played || proposed) && !moved)) {
      focusOn(key);
    } else if (next.selected !== selectedBefore) {
      ring();
    }
    if (newLegend) { placeNames(); }
    report();
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.type !== "streamlit:render") {
      return;
    }
    render(event.data.args);
  });
  post("streamlit:componentReady", {apiVersion: 1});
})();
