// The tooltip of a hotspot from the fields of geo.mapping.tooltip_fields. Names and towns
// arrive HTML-escaped; everything else is a number, a boolean or a fixed word.
var hotspotTooltipFormats = {};  // a number format per number of digits, made once
function hotspotTooltip(p) {
  function n(x, digits) {
    if (x === null) { return "\u2014"; }
    var format = hotspotTooltipFormats[digits] || (hotspotTooltipFormats[digits] =
      new Intl.NumberFormat("en-GB",
                            {minimumFractionDigits: digits, maximumFractionDigits: digits}));
    return format.format(Number(x));
  }
  function change(c) {
    return c === null ? "no baseline" : (c < 0 ? "\u2212" : "+") + n(Math.abs(c), 1) + "%";
  }
  var html = "<div class='tt-name'>" + p.n + "</div>"
    + (p.w ? "<div class='tt-town'>" + p.w + "</div>" : "")
    + "<div>ASB " + n(p.b, 0) + " \u2192 " + n(p.a, 0) + " (" + change(p.c) + ")"
    + (p.tf ? " <span class='tt-warn'>(too few to tell)</span>" : "") + "</div>"
    + "<div>" + (p.v === null ? "no patrol log"
      : n(p.h, 0) + " officer hours \u00b7 " + n(p.v, 0) + " visits") + "</div>";
  if (p.ar === undefined) { return html; }
  var verdict = "against the control trend (primary): " + (p.ar === null ? "not known"
    : "ratio " + n(p.ar, 2) + " (95% " + n(p.al, 2) + "\u2013" + n(p.ah, 2) + ")"
      + (p.bc ? ", beyond chance" : ", not distinguishable"))
    + (p.tf ? " \u00b7 too few reports to tell" : "");
  var ratio = "before/after alone: " + (p.rr === null ? "no rate ratio (no baseline)"
    : "rate ratio " + n(p.rr, 2) + " (95% " + n(p.lo, 2) + "\u2013" + n(p.hi, 2) + ")");
  var dose = p.v === null ? "no patrol log" : p.v ? n(p.hw, 1) + " h/week \u00b7 " + n(p.mv, 0) + " min/visit \u00b7 "
    + Math.round(p.s15 * 100) + "% of visits \u226515 min" : "no patrol visits";
  return html + "<div>" + verdict + "</div><div>" + ratio + "</div><div>" + dose + "</div>"
    + "<div>trend: " + p.tr + "</div>";
}
