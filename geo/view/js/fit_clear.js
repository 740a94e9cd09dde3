// Fit the map to `bounds` so that no hotspot, and no name under one, lies under the legend, a
// map control or the month of a playback: the padding is measured from them as drawn, and the
// legend's side (right of the hotspots, or below them) is whichever leaves the larger zoom.
// `more`, if given: {pad: [top, right, bottom, left] px of room to add (dots drawn beside their
// places), animate}.
function fitClear(map, bounds, maxZoom, more) {
  more = more || {};
  var room = clearRoom(map, bounds, more.pad);
  map.fitBounds(bounds, {paddingTopLeft: room.topLeft, paddingBottomRight: room.bottomRight,
                         maxZoom: maxZoom, animate: more.animate});
}

// The view fitClear would give, without moving the map: {center, zoom}.
function clearView(map, bounds, maxZoom, pad) {
  var room = clearRoom(map, bounds, pad);
  return map._getBoundsCenterZoom(bounds, {paddingTopLeft: room.topLeft,
                                           paddingBottomRight: room.bottomRight,
                                           maxZoom: maxZoom});
}

// The room (px) fitClear keeps clear at the top left and bottom right: {topLeft, bottomRight}.
function clearRoom(map, bounds, pad) {
  pad = pad || [0, 0, 0, 0];
  var frame = map.getContainer().getBoundingClientRect();
  var doc = map.getContainer().ownerDocument;
  var NAME_ROOM = 26, SIDE_ROOM = 80, GAP = 8, MIN_FREE = 120, SCALE_BAR = 40, DOT = 14;  // px:
  // a name under a dot; half a hotspot name; the least room left for hotspots; the scale bar's
  // height; the largest dot's radius
  var top = GAP + DOT, left = SIDE_ROOM, right = SIDE_ROOM, bottom = NAME_ROOM + SCALE_BAR;
  var legendBox = doc.querySelector(".hotspot-legend");
  if (legendBox && legendBox.parentNode !== map.getContainer()) {
    // Inside the map, so it is placed against the map, not the frame (sized later by the page).
    map.getContainer().appendChild(legendBox);
    L.DomEvent.disableClickPropagation(legendBox);
    L.DomEvent.disableScrollPropagation(legendBox);
  }
  function rect(selector, widest) {
    var el = doc.querySelector(selector);
    if (!el || !el.getClientRects().length) { return null; }
    var r = el.getBoundingClientRect();  // not yet styled (Leaflet's CSS still loading): none
    return r.width && r.width < widest && r.top >= frame.top && r.bottom <= frame.bottom ? r : null;
  }
  var zoom = rect(".leaflet-control-zoom", frame.width / 2);
  if (zoom) { left = Math.max(left, zoom.right - frame.left + GAP); }
  ["leaflet-control-scale", "leaflet-control-attribution"].forEach(function (name) {
    var r = rect("." + name, frame.width / 2);
    if (r) { bottom = Math.max(bottom, frame.bottom - r.top + NAME_ROOM); }
  });
  var k = frame.width / map.getSize().x || 1;  // a map drawn scaled up: page px per map px
  left = Math.max(SIDE_ROOM, left / k);
  bottom = Math.max(NAME_ROOM + SCALE_BAR, bottom / k);
  var banner = rect(".playback-banner", frame.width);  // the month played, named large
  if (banner) { top = Math.max(top, (banner.bottom - frame.top) / k + GAP + DOT); }
  var topLeft = L.point(left + pad[3], top + pad[0]);
  var options = [L.point(right, bottom)];
  var legend = rect(".hotspot-legend", frame.width);
  if (legend) {
    options = [
      L.point(Math.max(right, (frame.right - legend.left) / k + GAP), bottom),
      L.point(right, Math.max(bottom, (frame.bottom - legend.top) / k + NAME_ROOM)),
    ];
  }
  options = options.map(function (p) { return L.point(p.x + pad[1], p.y + pad[2]); });
  var size = map.getSize(), best = null, bestZoom = -Infinity;
  options.forEach(function (bottomRight) {
    var free = size.subtract(topLeft.add(bottomRight));
    if (free.x < MIN_FREE || free.y < MIN_FREE) { return; }
    var z = map.getBoundsZoom(bounds, false, topLeft.add(bottomRight));
    if (z > bestZoom) { best = bottomRight; bestZoom = z; }
  });
  if (best === null) {  // a map too small to keep clear of its controls: plain margins
    topLeft = L.point(GAP, GAP);
    best = L.point(GAP, GAP);
  }
  return {topLeft: topLeft, bottomRight: best};
}
