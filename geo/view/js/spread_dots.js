// Hotspot dots kept apart at far zooms, so that every hotspot can be seen and clicked.
// `discs` are [x, y, radius] in pixels at the dots' true places. Dots closer than `gap` px
// (edge to edge) join one cluster. A cluster of at most `most` dots is spread: each pair that
// overlaps is pushed apart along the line between them, half each, until none does, so each dot
// moves the least that frees it. A larger cluster is drawn as one count instead (a dot of
// `groupRadius(count)`), placed at its dots' centre and kept apart from the others the same way.
// Returns {places: [x, y] per disc, group: the index in `groups` of a disc drawn as a count or
// -1, groups: [{members, x, y, r}]}.
function spreadDots(discs, gap, most, groupRadius) {
  var n = discs.length, parent = [], i;
  for (i = 0; i < n; i++) { parent.push(i); }
  function find(a) {
    while (parent[a] !== a) { parent[a] = parent[parent[a]]; a = parent[a]; }
    return a;
  }
  var widest = 0;
  discs.forEach(function (d) { widest = Math.max(widest, d[2]); });
  // Pairs of `items` ([x, y, r]) closer than their radii and the gap, found through a grid.
  function closePairs(items, reach) {
    var cells = new Map(), pairs = [];
    items.forEach(function (d, index) {
      var key = Math.floor(d[0] / reach) + ":" + Math.floor(d[1] / reach);
      if (!cells.has(key)) { cells.set(key, []); }
      cells.get(key).push(index);
    });
    items.forEach(function (d, index) {
      var cx = Math.floor(d[0] / reach), cy = Math.floor(d[1] / reach);
      for (var dx = -1; dx <= 1; dx++) {
        for (var dy = -1; dy <= 1; dy++) {
          (cells.get((cx + dx) + ":" + (cy + dy)) || []).forEach(function (other) {
            if (other <= index) { return; }
            var e = items[other], need = d[2] + e[2] + gap;
            var x = e[0] - d[0], y = e[1] - d[1];
            if (x * x + y * y < need * need - 1e-6) { pairs.push([index, other]); }
          });
        }
      }
    });
    return pairs;
  }
  closePairs(discs, 2 * widest + gap).forEach(function (pair) {
    parent[find(pair[0])] = find(pair[1]);
  });
  var clusters = new Map();
  for (i = 0; i < n; i++) {
    var root = find(i);
    if (!clusters.has(root)) { clusters.set(root, []); }
    clusters.get(root).push(i);
  }
  var items = [], owner = [], groups = [], group = [];
  for (i = 0; i < n; i++) { group.push(-1); }
  clusters.forEach(function (members) {
    if (members.length <= most) {
      members.forEach(function (m) {
        owner[m] = items.length;
        items.push([discs[m][0], discs[m][1], discs[m][2]]);
      });
      return;
    }
    var x = 0, y = 0;
    members.forEach(function (m) { x += discs[m][0]; y += discs[m][1]; });
    var g = {members: members, x: x / members.length, y: y / members.length,
             r: groupRadius(members.length)};
    members.forEach(function (m) { owner[m] = items.length; group[m] = groups.length; });
    groups.push(g);
    items.push([g.x, g.y, g.r]);
  });
  var reach = 2 * items.reduce(function (w, d) { return Math.max(w, d[2]); }, 0) + gap;
  for (var round = 0; round < 200; round++) {
    var pairs = closePairs(items, reach);
    if (!pairs.length) { break; }
    pairs.forEach(function (pair) {
      var a = items[pair[0]], b = items[pair[1]];
      var x = b[0] - a[0], y = b[1] - a[1], length = Math.sqrt(x * x + y * y);
      var need = a[2] + b[2] + gap;
      if (length >= need) { return; }
      if (length < 1e-6) {  // the same place: a fixed direction per pair, so the result is stable
        var angle = 2.399963 * (pair[0] + 1) + pair[1];
        x = Math.cos(angle);
        y = Math.sin(angle);
        length = 1;
      }
      var push = (need - length) / 2 + 0.01;
      a[0] -= x / length * push;
      a[1] -= y / length * push;
      b[0] += x / length * push;
      b[1] += y / length * push;
    });
  }
  groups.forEach(function (g, index) {
    var item = items[owner[g.members[0]]];
    g.x = item[0];
    g.y = item[1];
    g.index = index;
  });
  return {
    places: discs.map(function (d, m) { return [items[owner[m]][0], items[owner[m]][1]]; }),
    group: group,
    groups: groups,
  };
}
