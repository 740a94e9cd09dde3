// Month-by-month playback of the hotspot map (geo/view/playback.py): every month's colours
// arrive at once, and a timer steps through them here, so no step reruns the page or rebuilds
// the map. Each month shows for the same time, the last included; then it starts again. The
// month is named large over the map; on the map page a button pauses and resumes it.
// `paint(data, index)` colours the hotspots for a month; month names and notes arrive escaped.
function createPlayback(map, wall, paint) {
  var data = null, index = 0, tick = 0, timer = null, seconds = 0, paused = false;
  var container = map.getContainer(), banner = null, button = null;

  var Banner = L.Control.extend({
    options: {position: "topright"},
    onAdd: function () {
      var div = L.DomUtil.create("div", "playback-banner");
      div.setAttribute("role", "status");
      div.innerHTML = "<div class='pb-month'></div><div class='pb-against'></div>"
        + "<div class='pb-note'></div>";
      if (!wall) {
        button = L.DomUtil.create("button", "pb-pause", div);
        button.type = "button";
        button.addEventListener("click", function () { pause(!paused); });
      }
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    },
  });

  function show() {
    var month = data.months[index];
    var el = banner.getContainer();
    el.querySelector(".pb-month").innerHTML = month[0];
    el.querySelector(".pb-against").innerHTML = "ASB against " + month[1] + " \u00b7 month "
      + (index + 1) + " of " + data.months.length;
    var note = el.querySelector(".pb-note");
    note.innerHTML = month[2];
    note.style.display = month[2] ? "" : "none";
    el.setAttribute("data-status", month[3]);
    container.setAttribute("data-play-month", String(index));
    container.setAttribute("data-play-step", String(tick));
    paint(data, index);
  }

  function step() {
    index = (index + 1) % data.months.length;
    tick += 1;
    show();
  }

  function schedule() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    if (data && !paused) { timer = setInterval(step, seconds * 1000); }
    if (button) {
      button.textContent = paused ? "Play" : "Pause";
      button.setAttribute("aria-label", (paused ? "Play" : "Pause") + " the months");
    }
  }

  function pause(on) {
    paused = on;
    container.setAttribute("data-play-paused", String(paused));
    schedule();
  }

  // New months to play, from the first, every `every` seconds.
  function load(next, every) {
    data = next;
    index = 0;
    tick = 0;
    seconds = every;
    if (!banner) { banner = new Banner().addTo(map); }
    show();
    schedule();
  }

  // The same months at another speed (the month shown is kept).
  function speed(every) {
    if (every !== seconds) {
      seconds = every;
      schedule();
    }
  }

  function stop() {
    data = null;
    if (timer !== null) { clearInterval(timer); timer = null; }
    if (banner) { banner.remove(); banner = null; button = null; }
    ["data-play-month", "data-play-step", "data-play-paused"].forEach(function (name) {
      container.removeAttribute(name);
    });
  }

  return {
    load: load,
    speed: speed,
    stop: stop,
    playing: function () { return data !== null; },
    repaint: function () { if (data) { paint(data, index); } },
  };
}

// The tooltip of a hotspot in a month of the playback: its name and town (escaped), its ASB that
// month against the same month a year before, or why that is not known.
function monthTooltip(name, town, cell, month) {
  var head = "<div class='tt-name'>" + name + "</div>"
    + (town ? "<div class='tt-town'>" + town + "</div>" : "");
  if (cell[2] === -2) { return head + "<div>" + month[0] + ": not yet started</div>"; }
  if (cell[0] === null) { return head + "<div>" + month[0] + ": not known. " + month[2] + "</div>"; }
  var change = cell[1] > 0 ? (cell[0] - cell[1]) / cell[1] * 100 : null;
  var said = change === null ? "no change can be said"
    : (change < 0 ? "\u2212" : change > 0 ? "+" : "") + Math.abs(Math.round(change)) + "%";
  return head + "<div>" + month[0] + ": ASB " + cell[0] + ", against "
    + (cell[1] === 0 ? "none" : cell[1]) + " in " + month[1] + " (" + said + ")</div>";
}
