// Place names beside their points: each name tries places around its point (below, above,
// right, left, the corners, then further out with a leader line back to the point) and takes the
// first that is inside the map and covers no earlier name, the legend, a control or a count of
// hotspots, preferring places that cover no hotspot dot and no outline (its own included), then
// places that cover no dot and no other hotspot's outline. A name with no such place is hidden,
// never drawn cut or overlapping. `markers` are Leaflet markers whose element holds the
// name's <span> and a leader <div>, in priority order.
function placeLabels(map, markers) {
  var container = map.getContainer();
  var frame = container.getBoundingClientRect();
  var k = frame.width / map.getSize().x || 1;  // a map drawn scaled up: page px per map px
  var doc = container.ownerDocument;
  function visible(el) {
    return el.getClientRects().length && getComputedStyle(el).display !== "none";
  }
  function boxes(selector) {
    return Array.prototype.filter.call(doc.querySelectorAll(selector), visible)
      .map(function (el) { return el.getBoundingClientRect(); })
      .filter(function (r) { return r.width > 0; });
  }
  var taken = boxes(".hotspot-legend, .leaflet-control, .hotspot-group");
  var dots = boxes("path.hotspot-dot");
  var outlines = boxes(".leaflet-overlay-pane path.leaflet-interactive");
  function hits(box, list) {
    for (var i = 0; i < list.length; i++) {
      var t = list[i];
      if (box.left < t.right && t.left < box.right && box.top < t.bottom && t.top < box.bottom) {
        return true;
      }
    }
    return false;
  }
  function inside(box) {
    return box.left >= frame.left + 1 && box.right <= frame.right - 1
      && box.top >= frame.top + 1 && box.bottom <= frame.bottom - 1;
  }
  // Each name's size and point are read together after one round of writes, and the names are
  // then placed without reading the page again: one layout for all names, not two each.
  var items = [];
  markers.forEach(function (marker) {
    var el = marker.getElement();
    var span = el && el.querySelector("span"), leader = el && el.querySelector(".leader");
    if (!span) { return; }
    leader.style.display = "none";
    items.push({el: el, span: span, leader: leader});
  });
  items = items.filter(function (item) { return visible(item.span); });
  items.forEach(function (item) {
    item.span.style.visibility = "visible";
    item.span.classList.add("placed");
  });
  items.forEach(function (item) {
    item.size = item.span.getBoundingClientRect();
    item.anchor = item.el.getBoundingClientRect();  // a zero-size icon: the point itself
  });
  items.forEach(function (item) {
    var span = item.span, leader = item.leader, size = item.size, anchor = item.anchor;
    if (size.width === 0) { return; }
    var w = size.width, h = size.height;
    var ax = anchor.left, ay = anchor.top, gap = 0.45 * h + 2;
    if (ax < frame.left || ax > frame.right || ay < frame.top || ay > frame.bottom) {
      span.style.visibility = "hidden";  // its place is off the map: no name at the edge
      return;
    }
    var places = [];  // [left, top] in page px, nearest first
    [1, 2.6, 4.2].forEach(function (reach) {
      var g = gap * reach;
      places.push([ax - w / 2, ay + g], [ax - w / 2, ay - g - h], [ax + g, ay - h / 2],
                  [ax - g - w, ay - h / 2], [ax + 0.7 * g, ay + 0.7 * g],
                  [ax + 0.7 * g, ay - 0.7 * g - h], [ax - 0.7 * g - w, ay + 0.7 * g],
                  [ax - 0.7 * g - w, ay - 0.7 * g - h]);
    });
    function boxAt(place) {
      var left = Math.min(Math.max(place[0], frame.left + 2), frame.right - 2 - w);
      var top = Math.min(Math.max(place[1], frame.top + 2), frame.bottom - 2 - h);
      return {left: left, top: top, right: left + w, bottom: top + h};
    }
    // Pass 0: clear of every dot and outline; 1: of dots and of others' outlines (those not
    // round its point); 2: of names, the legend and controls only.
    var others = outlines.filter(function (o) {
      return !(o.left <= ax && ax <= o.right && o.top <= ay && ay <= o.bottom);
    });
    var avoid = [dots.concat(outlines), dots.concat(others), []];
    var chosen = null, index = -1;
    for (var pass = 0; pass < avoid.length && chosen === null; pass++) {
      for (var i = 0; i < places.length; i++) {
        var box = boxAt(places[i]);
        if (inside(box) && !hits(box, taken) && !hits(box, avoid[pass])) {
          chosen = box;
          index = i;
          break;
        }
      }
    }
    if (chosen === null) {
      span.style.visibility = "hidden";
      return;
    }
    taken.push(chosen);
    span.style.left = (chosen.left - ax) / k + "px";
    span.style.top = (chosen.top - ay) / k + "px";
    if (index >= 8) {  // away from its point: a line from the point to the name's nearest edge
      var tx = Math.min(Math.max(ax, chosen.left), chosen.right) - ax;
      var ty = Math.min(Math.max(ay, chosen.top), chosen.bottom) - ay;
      leader.style.display = "block";
      leader.style.width = Math.sqrt(tx * tx + ty * ty) / k + "px";
      leader.style.transform = "rotate(" + Math.atan2(ty, tx) + "rad)";
    }
  });
}
