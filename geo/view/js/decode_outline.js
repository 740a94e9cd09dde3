// Decode a hotspot outline written by geo/outline_codec.py: rings of integer steps in units of
// 1/q degree, back to a GeoJSON Polygon or MultiPolygon.
function decodeOutline(g, q) {
  function ring(flat) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < flat.length; i += 2) {
      x += flat[i];
      y += flat[i + 1];
      out.push([x / q, y / q]);
    }
    out.push(out[0]);
    return out;
  }
  if (g.t === "M") {
    return {type: "MultiPolygon", coordinates: g.c.map(function (p) { return p.map(ring); })};
  }
  return {type: "Polygon", coordinates: g.c.map(ring)};
}
