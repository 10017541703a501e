// The /perf/ page's live view: every few seconds, fetch the page again, swap its sections in and
// chart the last minutes from the host's running totals (#host-totals). No library, nothing
// loaded from elsewhere: a polyline per series in a small SVG.
(function () {
  "use strict";
  var charts = document.getElementById("charts");
  var refresh = Number(charts.dataset.refresh) * 1000;
  var keep = Math.ceil(300000 / refresh); // five minutes of points
  var colours = ["#1f5f4a", "#2563eb", "#a4161a", "#9a6700", "#6b21a8", "#0f766e"];
  var previous = null;
  var history = { reads: [], failovers: [], errors: [], hits: [] };
  charts.hidden = false;

  function totals(doc) {
    return JSON.parse(doc.getElementById("host-totals").textContent);
  }

  function rates(now, before, seconds) {
    var point = { reads: {}, failovers: {}, errors: {}, hits: {} };
    Object.keys(now.reads).forEach(function (node) {
      point.reads[node] = (now.reads[node] - (before.reads[node] || 0)) / seconds;
    });
    point.failovers["failovers/s"] = (now.failovers - before.failovers) / seconds;
    Object.keys(now.errors).forEach(function (kind) {
      point.errors[kind] = (now.errors[kind] - before.errors[kind]) / seconds;
    });
    Object.keys(now.caches).forEach(function (cache) {
      var was = before.caches[cache] || { lookups: 0, hits: 0 };
      var lookups = now.caches[cache].lookups - was.lookups;
      var hits = now.caches[cache].hits - was.hits;
      if (lookups > 0) { point.hits[cache] = hits / lookups; }
    });
    return point;
  }

  function draw(name, points, fixedMax) {
    var figure = document.getElementById("chart-" + name);
    var series = {};
    points.forEach(function (point, i) {
      Object.keys(point).forEach(function (key) { (series[key] = series[key] || []).push([i, point[key]]); });
    });
    var max = fixedMax || Math.max(1e-9, ...[].concat(...Object.values(series)).map(function (p) { return p[1]; }));
    var svg = figure.querySelector("svg");
    var legend = [];
    svg.innerHTML = "";
    Object.keys(series).sort().forEach(function (key, n) {
      var colour = colours[n % colours.length];
      var line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      // The newest point at the right edge; older ones scroll left.
      line.setAttribute("points", series[key].map(function (p) {
        var x = 300 - (points.length - 1 - p[0]) * 300 / Math.max(1, keep - 1);
        return x.toFixed(1) + "," + (100 - p[1] * 95 / max).toFixed(1);
      }).join(" "));
      line.setAttribute("fill", "none");
      line.setAttribute("stroke", colour);
      line.setAttribute("stroke-width", "1.5");
      line.setAttribute("vector-effect", "non-scaling-stroke");
      svg.appendChild(line);
      var last = series[key][series[key].length - 1][1];
      legend.push('<span style="color:' + colour + '">■</span> ' + key + " " + last.toFixed(fixedMax ? 3 : 1));
    });
    figure.querySelector(".legend").innerHTML = legend.join(" · ") + (fixedMax ? "" : " · top " + max.toFixed(1) + "/s");
  }

  function update(doc, at) {
    var now = totals(doc);
    if (previous) {
      var point = rates(now, previous.totals, (at - previous.at) / 1000);
      Object.keys(history).forEach(function (name) {
        history[name].push(point[name]);
        if (history[name].length > keep) { history[name].shift(); }
        draw(name, history[name], name === "hits" ? 1 : 0);
      });
    }
    previous = { totals: now, at: at };
  }

  function poll() {
    fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        update(doc, Date.now());
        document.getElementById("sections").replaceWith(doc.getElementById("sections"));
      })
      .catch(function (error) { console.warn("perf status poll:", error); }) // the next interval widens
      .finally(function () { window.setTimeout(poll, refresh); });
  }

  update(document, Date.now());
  window.setTimeout(poll, refresh);
})();
