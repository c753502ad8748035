/* embedlab's in-page embedding projector (the data and the HTML come from embedlab/projector.py).
 * Plain JavaScript; Plotly comes from the page, or from plotly's CDN outside the book.
 * Vectors arrive as int8 or 12-bit codes per row (only their directions matter), picture
 * coordinates as 12-bit codes with an offset and a step per axis (embedlab/projector.py).
 * Neighbours are computed here from the shipped vectors (cosine in the original space);
 * distortion is the share of a point's K nearest original neighbours that are also among
 * its K nearest in the current picture. */
function embedlabProjector(root, plotlyCdn) {
  "use strict";
  var data = JSON.parse(root.querySelector(".ep-data").textContent);
  var one = function (cls) { return root.querySelector("." + cls); };
  var plot = one("ep-plot"), status = one("ep-status"), list = one("ep-neighbours");
  var distortion = one("ep-distortion"), setSelect = one("ep-set"), layoutSelect = one("ep-layout");
  var colourSelect = one("ep-colour"), search = one("ep-search"), axisInputs = root.querySelectorAll(".ep-ax");
  /* plotly's "Dark24" colours: 24 that read on white, enough for the 21 chatterbot categories */
  var PALETTE = ["#2E91E5", "#E15F99", "#1CA71C", "#FB0D0D", "#DA16FF", "#222A2A", "#B68100", "#750D86",
                 "#EB663B", "#511CFB", "#00A08B", "#FB00D1", "#FC0080", "#B2828D", "#6C7C32", "#778AAE",
                 "#862A16", "#A777F1", "#620042", "#1616A7", "#DA60CA", "#6C4516", "#0D2A63", "#AF0038"];
  var CUSTOM = "Custom axes";
  var TALL = parseInt(plot.style.height, 10) || 560;  /* the height asked for; phones get less */
  var state = {set: null, layout: null, selected: -1, colour: "group", axisTitles: null};

  function bytes(b64) {
    var text = atob(b64), out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  var SIXES = {};
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("").forEach(function (c, i) {
    SIXES[c] = i;
  });
  function q12s(text) {  /* two base64 characters per 12-bit code, high six bits first */
    var out = new Float32Array(text.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = SIXES[text[2 * i]] * 64 + SIXES[text[2 * i + 1]];
    return out;
  }
  function vectorsOf(set) {  /* codes proportional to each row; the rows are normalised below */
    if (set.vectorCodec === "int8") return Float32Array.from(new Int8Array(bytes(set.vectors).buffer));
    var codes = q12s(set.vectors);
    for (var i = 0; i < codes.length; i++) codes[i] -= 2048;
    return codes;
  }
  function coordsOf(layout) {
    var c = q12s(layout.coords), d = layout.dims;
    for (var i = 0; i < c.length; i++) c[i] = layout.offset[i % d] + c[i] * layout.step[i % d];
    return c;
  }

  function prepare(set) {
    set.n = set.labels.length;
    set.vec = vectorsOf(set);  /* unit rows after this loop */
    for (var i = 0; i < set.n; i++) {
      var s = 0, d;
      for (d = 0; d < set.dim; d++) s += set.vec[i * set.dim + d] * set.vec[i * set.dim + d];
      s = Math.sqrt(s);
      for (d = 0; d < set.dim; d++) set.vec[i * set.dim + d] /= s;
    }
    set.nb = [];  /* each point's K nearest by cosine, computed when first needed */
    set.index = new Map(set.labels.map(function (label, i) { return [label, i]; }));
    set.lower = new Map(set.labels.map(function (label, i) { return [label.toLowerCase(), i]; }));
    set.coords = {}; set.dims = {}; set.kept = {};
    set.layouts.forEach(function (layout) {
      set.coords[layout.name] = coordsOf(layout);
      set.dims[layout.name] = layout.dims;
    });
  }

  function cosine(set, i, j) {
    var s = 0, d = set.dim;
    for (var c = 0; c < d; c++) s += set.vec[i * d + c] * set.vec[j * d + c];
    return s;
  }
  /* the k best of n items by score (higher first; ties: lower index first), without sorting all n */
  function topK(n, k, score, skip) {
    var best = [];
    for (var j = 0; j < n; j++) {
      if (j === skip) continue;
      var s = score(j);
      if (best.length === k && s <= best[k - 1].s) continue;
      var at = best.length;
      while (at > 0 && best[at - 1].s < s) at--;
      best.splice(at, 0, {j: j, s: s});
      if (best.length > k) best.pop();
    }
    return best;
  }
  function cosineNeighbours(set, i) {
    var best = topK(set.n, set.k, function (j) { return cosine(set, i, j); }, i);
    set.nb[i] = best.map(function (e) { return e.j; });
    return best;
  }
  function neighboursOf(set, i) {
    if (!set.nb[i]) cosineNeighbours(set, i);
    return set.nb[i];
  }
  function pictureNeighbours(set, name, i) {
    var c = set.coords[name], d = set.dims[name];
    return topK(set.n, set.k, function (j) {
      var s = 0;
      for (var a = 0; a < d; a++) { var diff = c[i * d + a] - c[j * d + a]; s += diff * diff; }
      return -s;
    }, i).map(function (e) { return e.j; });
  }
  function keptShare(set, name, i) {
    var inPicture = new Set(pictureNeighbours(set, name, i)), kept = 0, original = neighboursOf(set, i);
    for (var a = 0; a < set.k; a++) if (inPicture.has(original[a])) kept++;
    return kept / set.k;
  }
  function keptAll(set, name) {
    if (!set.kept[name]) {
      var out = new Float32Array(set.n);
      for (var i = 0; i < set.n; i++) out[i] = keptShare(set, name, i);
      set.kept[name] = out;
    }
    return set.kept[name];
  }

  function colourOf(set, g) {
    return /^other/i.test(set.groupNames[g]) ? "#c7c7c7" : PALETTE[g % PALETTE.length];
  }
  function render() {
    var set = state.set, name = state.layout, c = set.coords[name], d = set.dims[name];
    var kept = state.colour === "distortion" ? keptAll(set, name) : null;
    var traces = set.groupNames.map(function (g, gi) {
      var rows = [];
      for (var i = 0; i < set.n; i++) if (set.groups[i] === gi) rows.push(i);
      var axis = function (a) { return rows.map(function (i) { return c[i * d + a]; }); };
      var marker = {size: d === 3 ? 3 : 6, opacity: 0.8, color: colourOf(set, gi)};
      if (kept) {
        marker = {size: marker.size, opacity: 0.85, color: rows.map(function (i) { return kept[i]; }),
                  cmin: 0, cmax: 1, colorscale: "RdBu", reversescale: true, showscale: gi === 0,
                  colorbar: {title: {text: "kept"}, thickness: 10, len: 0.6}};
      }
      var trace = {type: d === 3 ? "scatter3d" : "scatter", mode: "markers", name: g, uid: "g" + gi,
                   x: axis(0), y: axis(1), text: rows.map(function (i) { return set.labels[i]; }),
                   customdata: rows, marker: marker,
                   hovertemplate: "<b>%{text}</b><extra>" + g.replace(/</g, "&lt;") + "</extra>"};
      if (d === 3) trace.z = axis(2);
      return trace;
    });
    if (state.selected >= 0) {
      var shown = [state.selected].concat(neighboursOf(set, state.selected));
      var pick = function (ax) { return shown.map(function (i) { return c[i * d + ax]; }); };
      var sel = {type: d === 3 ? "scatter3d" : "scatter", mode: "markers+text", name: "selection", uid: "sel",
                 showlegend: false, x: pick(0), y: pick(1), customdata: shown,
                 text: shown.map(function (i) { return set.labels[i]; }), textposition: "top center",
                 hovertemplate: "<b>%{text}</b><extra>selection</extra>",
                 marker: {size: shown.map(function (i, n) { return n === 0 ? 14 : 9; }), color: "rgba(0,0,0,0)",
                          line: {color: "#000", width: 2}, symbol: d === 3 ? "circle-open" : "circle"}};
      if (d === 3) sel.z = pick(2);
      traces.push(sel);
    }
    var titles = name === CUSTOM ? state.axisTitles : [name + " 1", name + " 2", name + " 3"];
    var small = root.clientWidth < 560;
    plot.style.height = (small ? Math.min(TALL, 440) : TALL) + "px";
    var layout = {title: {text: set.name + ": " + name, font: {size: small ? 12 : 15}}, uirevision: name,
                  margin: {l: 40, r: 10, t: 40, b: 10}, hovermode: "closest",
                  legend: {orientation: "h", yanchor: "top", y: -0.15, itemsizing: "constant",
                          font: {size: small ? 10 : 12}}};
    if (d === 3) {
      layout.scene = {xaxis: {title: {text: titles[0]}}, yaxis: {title: {text: titles[1]}},
                      zaxis: {title: {text: titles[2]}}};
    } else {
      layout.xaxis = {title: {text: titles[0]}, zeroline: false};
      layout.yaxis = {title: {text: titles[1]}, zeroline: false};
    }
    return Plotly.react(plot, traces, layout, {responsive: true, displaylogo: false,
                                               modeBarButtonsToRemove: ["toImage"]});
  }

  function say(text) { status.textContent = text; }
  function describeKept() {
    var set = state.set, i = state.selected;
    if (i < 0) { distortion.textContent = ""; return; }
    var kept = Math.round(keptShare(set, state.layout, i) * set.k);
    distortion.textContent = "In this picture (" + state.layout + "), " + kept + " of the " + set.k +
      " nearest neighbours of “" + set.labels[i] + "” in the original space are among its " + set.k +
      " nearest neighbours.";
    distortion.dataset.kept = String(kept);
  }
  function select(i) {
    var set = state.set;
    state.selected = i;
    search.value = set.labels[i];
    say("“" + set.labels[i] + "” (" + set.groupNames[set.groups[i]] + "): its " + set.k +
        " nearest neighbours by " + set.metric + " in the original " + set.dim + " dimensions:");
    list.innerHTML = "";
    cosineNeighbours(set, i).forEach(function (e) {
      var item = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.textContent = set.labels[e.j];
      button.addEventListener("click", function () { select(e.j); });
      item.appendChild(button);
      item.appendChild(document.createTextNode(" " + e.s.toFixed(3)));
      item.dataset.label = set.labels[e.j];
      item.dataset.cosine = e.s.toFixed(4);
      list.appendChild(item);
    });
    describeKept();
    render();
  }

  function editDistance(a, b) {
    var prev = [], cur = [];
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length];
  }
  function suggest(intro, labels) {
    say(intro);
    list.innerHTML = "";
    distortion.textContent = "";
    labels.forEach(function (label) {
      var item = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", function () { select(state.set.index.get(label)); });
      item.appendChild(button);
      list.appendChild(item);
    });
  }
  function find(query) {
    var set = state.set, q = query.trim();
    if (!q) return;
    var i = set.index.has(q) ? set.index.get(q) : set.lower.get(q.toLowerCase());
    if (i !== undefined) { select(i); return; }
    var low = q.toLowerCase();
    var containing = set.labels.filter(function (l) { return l.toLowerCase().indexOf(low) >= 0; });
    if (containing.length === 1) { select(set.index.get(containing[0])); return; }
    var close = set.labels.map(function (l) { return {l: l, d: editDistance(low, l.toLowerCase())}; })
      .sort(function (a, b) { return a.d - b.d; }).slice(0, 5).map(function (e) { return e.l; });
    var shown = containing.length > 1 ? containing.slice(0, 5) : close;
    suggest("“" + q + "” is not in this set of " + set.n.toLocaleString("en") + " points. " +
            (containing.length > 1 ? "Points that contain it:" : "Close spellings:"), shown);
  }

  function unit(set, i) {
    return set.vec.slice(i * set.dim, (i + 1) * set.dim);
  }
  function direction(set, plus, minus) {
    var a = unit(set, plus), b = unit(set, minus), s = 0;
    for (var c = 0; c < set.dim; c++) { a[c] -= b[c]; s += a[c] * a[c]; }
    s = Math.sqrt(s);
    for (c = 0; c < set.dim; c++) a[c] /= s;
    return a;
  }
  function applyAxes() {
    var set = state.set, words = Array.prototype.map.call(axisInputs, function (e) { return e.value.trim(); });
    var missing = words.filter(function (w) { return !set.index.has(w); });
    if (missing.length) {
      say("Custom axes: " + missing.map(function (w) { return "“" + w + "”"; }).join(", ") +
          " not in this set; use words from the set (search shows close spellings).");
      return;
    }
    var ids = words.map(function (w) { return set.index.get(w); });
    if (ids[0] === ids[1] || ids[2] === ids[3]) { say("Custom axes: each axis needs two different words."); return; }
    var u = direction(set, ids[0], ids[1]), v = direction(set, ids[2], ids[3]), c = new Float32Array(2 * set.n);
    for (var i = 0; i < set.n; i++) {
      var x = 0, y = 0, d = set.dim;
      for (var a = 0; a < d; a++) { x += set.vec[i * d + a] * u[a]; y += set.vec[i * d + a] * v[a]; }
      c[2 * i] = x; c[2 * i + 1] = y;
    }
    set.coords[CUSTOM] = c; set.dims[CUSTOM] = 2; delete set.kept[CUSTOM];
    state.axisTitles = [words[1] + " → " + words[0], words[3] + " → " + words[2]];
    if (!Array.prototype.some.call(layoutSelect.options, function (o) { return o.value === CUSTOM; })) {
      layoutSelect.add(new Option(CUSTOM, CUSTOM));
    }
    layoutSelect.value = CUSTOM;
    changeLayout(CUSTOM);
  }
  function changeLayout(name) {
    state.layout = name;
    describeKept();
    return render();
  }
  function useSet(s) {
    state.set = data.sets[s];
    state.selected = -1;
    state.axisTitles = null;
    layoutSelect.innerHTML = "";
    state.set.layouts.forEach(function (l) { layoutSelect.add(new Option(l.name, l.name)); });
    state.layout = state.set.layouts[0].name;
    var axes = state.set.axes || ["", "", "", ""];
    Array.prototype.forEach.call(axisInputs, function (e, i) { e.value = axes[i]; });
    list.innerHTML = ""; distortion.textContent = "";
    say("Type a " + (state.set.dim > 100 ? "phrase" : "word") + " and press Enter, or click a point.");
    return render();
  }

  function start() {
    data.sets.forEach(prepare);
    data.sets.forEach(function (set, i) { setSelect.add(new Option(set.name + " (" + set.n + ")", String(i))); });
    if (data.sets.length < 2) setSelect.parentNode.style.display = "none";
    setSelect.addEventListener("change", function () { useSet(Number(setSelect.value)); });
    layoutSelect.addEventListener("change", function () { changeLayout(layoutSelect.value); });
    colourSelect.addEventListener("change", function () { state.colour = colourSelect.value; render(); });
    search.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); find(search.value); } });
    one("ep-axes-apply").addEventListener("click", applyAxes);
    Array.prototype.forEach.call(axisInputs, function (e) {
      e.addEventListener("keydown", function (ev) { if (ev.key === "Enter") applyAxes(); });
    });
    Promise.resolve(useSet(0)).then(function () {
      plot.on("plotly_click", function (ev) {
        var point = ev.points && ev.points[0];
        if (point && typeof point.customdata === "number") select(point.customdata);
      });
      root.dataset.ready = "1";
    });
  }
  if (window.Plotly) { start(); return; }
  var s = document.getElementById("plotly-js-loader") || document.createElement("script");
  s.addEventListener("load", start);
  if (!s.id) { s.id = "plotly-js-loader"; s.src = plotlyCdn; document.head.appendChild(s); }
}
