#include "cli/report/report_assets.hpp"

namespace graft::cli::report {

const char* const kStyle = R"css(
:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1320px; padding: 24px 32px 48px; color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       overflow-wrap: anywhere; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); margin: 0 0 8px; }
/* A table wider than the page scrolls in its own box: the page itself never scrolls sideways. */
.table-box { max-width: 100%; overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.number { text-align: right; }
td.group { white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
.chart { border: 1px solid var(--line); border-radius: 6px; padding: 8px 8px 4px; background: #fff; }
.chart h3 { font-size: 14px; margin: 0 0 4px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.chart svg { display: block; width: 100%; height: auto; }
.chart .axis text { font-size: 11px; fill: var(--muted); }
.chart .grid line { stroke: #eaeef2; }
.chart .series polyline { fill: none; stroke-width: 1.8; }
.chart .series polyline:hover { stroke-width: 3.5; }
.chart .marks line { stroke-width: 1.5; stroke-dasharray: 5 4; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0; font-size: 12px; }
.chart .legend svg { display: inline-block; width: 28px; height: 10px; margin-right: 6px; vertical-align: 0; }
#errors { white-space: pre-wrap; color: #b42318; background: #fef3f2; border: 1px solid #fda29b; padding: 8px; }
.empty { color: var(--muted); font-style: italic; }
)css";

const char* const kScript = R"js(
(function () {
  'use strict';
  var problems = [];
  function complain(message) {
    problems.push(message);
    var box = document.getElementById('errors');
    box.textContent = 'The report could not draw everything:\n' + problems.join('\n');
    box.hidden = false;
    document.body.setAttribute('data-errors', String(problems.length));
  }
  window.addEventListener('error', function (event) { complain(event.message || String(event.error)); });

  var SVG = 'http://www.w3.org/2000/svg';
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
                 '#bcbd22', '#17becf'];
  function colour(group) { return PALETTE[group % PALETTE.length]; }
  // LR lines: one colour per group, ink for a line several groups share, and a dash pattern per
  // line so that lines which meet stay told apart.
  var SHARED = '#1f2328';
  var DASHES = ['', '8 4', '2 3', '10 3 2 3', '4 4', '12 6'];

  function element(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  // Short labels: 0.913, 3e-4, 12k.
  function label(value) {
    if (value === 0) return '0';
    var size = Math.abs(value);
    if (size < 1e-3 || size >= 1e5) return value.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
    return String(Number(value.toPrecision(3)));
  }

  // About `count` round tick values covering [low, high]; whole numbers only for `whole` axes
  // (epochs, steps: there is no epoch 1.5).
  function ticks(low, high, count, whole) {
    if (low === high) { low -= Math.abs(low) * 0.1 || 1; high += Math.abs(high) * 0.1 || 1; }
    var raw = (high - low) / count, power = Math.pow(10, Math.floor(Math.log10(raw))), step = power;
    [1, 2, 2.5, 5, 10].some(function (factor) { step = factor * power; return raw <= step; });
    if (whole) step = Math.max(1, Math.round(step));
    var values = [];
    for (var value = Math.floor(low / step) * step; value <= high + step * 1e-9; value += step) values.push(value);
    if (values[values.length - 1] < high) values.push(values[values.length - 1] + step);
    return values;
  }

  // What every chart shares: its box and heading, the "no values" note, the plot's geometry, the
  // grid with tick labels, and lines split at non-finite values (a diverged loss is a gap).
  var PLOT = {width: 600, height: 300, left: 56, right: 12, top: 10, bottom: 36};
  function finite(value) { return value !== null && isFinite(value); }

  function chartBox(parent, metric, title) {
    var box = document.createElement('div');
    box.className = 'chart';
    box.setAttribute('data-metric', metric);
    var heading = document.createElement('h3');
    heading.textContent = title;
    box.appendChild(heading);
    parent.appendChild(box);
    return box;
  }

  function showEmpty(box) {
    var empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = 'no values';
    box.appendChild(empty);
    box.setAttribute('data-drawn', 'true');
  }

  // Maps data to the plot: x(value), y(value) over [x0, x1] x [y0, y1].
  function scales(x0, x1, y0, y1) {
    return {
      x: function (value) { return PLOT.left + (value - x0) / (x1 - x0) * (PLOT.width - PLOT.left - PLOT.right); },
      y: function (value) { return PLOT.top + (1 - (value - y0) / (y1 - y0)) * (PLOT.height - PLOT.top - PLOT.bottom); }
    };
  }

  // Grid lines and tick labels (xLabel(value) for the x ticks), and the x axis's name.
  function drawAxes(svg, scale, xTicks, yTicks, xLabel, xName) {
    var grid = element('g', {'class': 'grid'}, svg), axis = element('g', {'class': 'axis'}, svg);
    yTicks.forEach(function (value) {
      element('line', {x1: PLOT.left, x2: PLOT.width - PLOT.right, y1: scale.y(value), y2: scale.y(value)}, grid);
      element('text', {x: PLOT.left - 6, y: scale.y(value) + 4, 'text-anchor': 'end'}, axis).textContent = label(value);
    });
    xTicks.forEach(function (value) {
      element('line', {x1: scale.x(value), x2: scale.x(value), y1: PLOT.top, y2: PLOT.height - PLOT.bottom}, grid);
      element('text', {x: scale.x(value), y: PLOT.height - PLOT.bottom + 16, 'text-anchor': 'middle'}, axis)
          .textContent = xLabel(value);
    });
    element('text', {x: (PLOT.left + PLOT.width - PLOT.right) / 2, y: PLOT.height - 4, 'text-anchor': 'middle'}, axis)
        .textContent = xName;
  }

  // One polyline per run of finite points, titled `name`; returns the runs' point lists.
  function drawLines(group, scale, points, attributes, name) {
    var pieces = [[]];
    points.forEach(function (p) {
      if (!finite(p[1])) { pieces.push([]); return; }
      pieces[pieces.length - 1].push(scale.x(p[0]).toFixed(1) + ',' + scale.y(p[1]).toFixed(1));
    });
    pieces = pieces.filter(function (piece) { return piece.length > 0; });
    pieces.forEach(function (piece) {
      var line = element('polyline', Object.assign({points: piece.join(' ')}, attributes), group);
      element('title', {}, line).textContent = name;
    });
    return pieces;
  }

  // series: [{name, colour, dash (optional), points: [[x, y], ...]}]. Non-finite values (a diverged
  // loss) are gaps. legend: [[name, colour, dash]...], by default the groups.
  function drawChart(parent, title, series, xName, legend) {
    var box = chartBox(parent, title, title);

    var xs = [], ys = [];
    series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (finite(p[1])) { xs.push(p[0]); ys.push(p[1]); }
      });
    });
    if (xs.length === 0) { showEmpty(box); return; }
    var xTicks = ticks(Math.min.apply(null, xs), Math.max.apply(null, xs), 6, true);
    var yTicks = ticks(Math.min.apply(null, ys), Math.max.apply(null, ys), 5, false);
    var scale = scales(xTicks[0], xTicks[xTicks.length - 1], yTicks[0], yTicks[yTicks.length - 1]);

    var svg = element('svg', {viewBox: '0 0 ' + PLOT.width + ' ' + PLOT.height, role: 'img', 'aria-label': title}, box);
    drawAxes(svg, scale, xTicks, yTicks, label, xName);
    var lines = element('g', {'class': 'series'}, svg);
    series.forEach(function (s) {
      var attributes = s.dash ? {stroke: s.colour, 'stroke-dasharray': s.dash} : {stroke: s.colour};
      drawLines(lines, scale, s.points, attributes, s.name).forEach(function (points) {
        if (points.length === 1) {  // a lone point has no line to show it
          var xy = points[0].split(',');
          element('circle', {cx: xy[0], cy: xy[1], r: 3, fill: s.colour}, lines);
        }
      });
    });
    box.appendChild(legendOf(legend || data.groups.map(function (name, index) { return [name, colour(index)]; })));
    box.setAttribute('data-drawn', 'true');
  }

  var data;

  function runName(run) { return 'run ' + run.id + ' ' + run.trial; }

  // entries: [name, colour] (a swatch) or [name, colour, dash] (a short line drawn so).
  function legendOf(entries) {
    var node = document.createElement('div');
    node.className = 'legend';
    entries.forEach(function (entry) {
      var item = document.createElement('span');
      if (entry.length > 2) {
        var sample = element('svg', {viewBox: '0 0 28 10'}, item);
        element('line', {x1: 0, x2: 28, y1: 5, y2: 5, stroke: entry[1], 'stroke-width': 2,
                         'stroke-dasharray': entry[2] || 'none'}, sample);
      } else {
        var swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = entry[1];
        item.appendChild(swatch);
      }
      item.appendChild(document.createTextNode(entry[0]));
      node.appendChild(item);
    });
    return node;
  }

  // An LR range test (graft lr-find): the smoothed loss against the learning rate on a log axis,
  // the raw loss faint behind it, and fastai's suggestions as dashed vertical lines. The y axis
  // fits the smoothed curve without its last five points, which fastai's plot_lr_find skips too:
  // a diverging tail would flatten the rest. What rises above the top is clipped.
  var SUGGESTIONS = [['valley', 'valley', '#d62728'], ['steep', 'steep', '#2ca02c'],
                     ['minimum', 'minimum/10', '#9467bd']];
  var clips = 0;
  function drawLrFind(parent, run) {
    var title = runName(run) + ': loss vs learning rate (' + run.stopped + ')';
    var box = chartBox(parent, 'lr_find', title);
    box.setAttribute('data-run', String(run.id));

    function curve(values) {
      var points = [];
      for (var i = 0; i < run.lr.length && i < values.length; ++i) {
        var lr = run.lr[i];
        if (lr !== null && lr > 0) points.push([Math.log10(lr), values[i]]);
      }
      return points;
    }
    var smoothed = curve(run.smoothed), raw = curve(run.loss);
    var fitted = smoothed.length > 10 ? smoothed.slice(0, smoothed.length - 5) : smoothed;
    var xs = smoothed.map(function (p) { return p[0]; });
    var ys = fitted.filter(function (p) { return finite(p[1]); }).map(function (p) { return p[1]; });
    if (xs.length === 0 || ys.length === 0) { showEmpty(box); return; }
    var x0 = Math.floor(Math.min.apply(null, xs)), x1 = Math.ceil(Math.max.apply(null, xs));
    if (x1 === x0) x1 = x0 + 1;
    var every = Math.max(1, Math.ceil((x1 - x0) / 10)), xTicks = [];
    for (var decade = x0; decade <= x1; decade += every) xTicks.push(decade);
    var yTicks = ticks(Math.min.apply(null, ys), Math.max.apply(null, ys), 5, false);
    var y1 = yTicks[yTicks.length - 1];
    var scale = scales(x0, x1, yTicks[0], y1), x = scale.x, y = scale.y;
    var top = PLOT.top, bottom = PLOT.height - PLOT.bottom;

    var svg = element('svg', {viewBox: '0 0 ' + PLOT.width + ' ' + PLOT.height, role: 'img', 'aria-label': title}, box);
    var clipId = 'lr-find-clip-' + (clips++);
    var clip = element('clipPath', {id: clipId}, element('defs', {}, svg));
    element('rect', {x: PLOT.left, y: top, width: PLOT.width - PLOT.left - PLOT.right, height: bottom - top}, clip);
    drawAxes(svg, scale, xTicks, yTicks, function (decade) { return label(Math.pow(10, decade)); },
             'learning rate (log scale)');

    var lines = element('g', {'class': 'series', 'clip-path': 'url(#' + clipId + ')'}, svg);
    drawLines(lines, scale, raw, {stroke: '#c0c6cc', style: 'stroke-width: 1'}, 'loss');
    drawLines(lines, scale, smoothed, {stroke: '#1f77b4', style: ''}, 'smoothed loss');

    var marks = element('g', {'class': 'marks'}, svg), entries = [['smoothed loss', '#1f77b4'], ['loss', '#c0c6cc']];
    SUGGESTIONS.forEach(function (suggestion) {
      var value = run.suggestions[suggestion[0]];
      if (value === null || value === undefined || !(value > 0)) return;
      var at = Math.log10(value), name = suggestion[1] + ' ' + label(value);
      var line = element('line', {x1: x(at), x2: x(at), y1: top, y2: bottom, stroke: suggestion[2]}, marks);
      element('title', {}, line).textContent = name;
      // A dot on the curve at the point nearest to the suggestion.
      var nearest = null;
      smoothed.forEach(function (p) {
        if (finite(p[1]) && p[1] <= y1 && (nearest === null || Math.abs(p[0] - at) < Math.abs(nearest[0] - at))) nearest = p;
      });
      if (nearest) element('circle', {cx: x(at), cy: y(nearest[1]), r: 4, fill: suggestion[2]}, marks);
      entries.push([name, suggestion[2]]);
    });
    box.appendChild(legendOf(entries));
    box.setAttribute('data-drawn', 'true');
  }

  try {
    data = JSON.parse(document.getElementById('report-data').textContent);
    // Training runs only (an experiment may have LR range tests only).
    var curves = document.getElementById('curves');
    if (curves) {
      data.curves.forEach(function (key) {
        var series = data.runs.filter(function (run) { return run.epochs[key]; }).map(function (run) {
          return {name: runName(run), colour: colour(run.group), points: run.epochs[key]};
        });
        drawChart(curves, key, series, 'epoch');
      });
    }
    var lr = document.getElementById('lr');
    if (lr) {
      var schedules = data.lr_lines.map(function (line, index) {
        var runs = (line.runs.length === 1 ? 'run ' : 'runs ') + line.runs.join(', ');
        return {name: line.label + ' (' + runs + ')', label: line.label, points: line.points,
                colour: line.groups.length === 1 ? colour(line.groups[0]) : SHARED,
                dash: DASHES[index % DASHES.length]};
      });
      drawChart(lr, 'lr', schedules, 'step', schedules.map(function (s) { return [s.label, s.colour, s.dash]; }));
    }
    var finder = document.getElementById('lr-find');
    if (finder) (data.lr_find || []).forEach(function (run) { drawLrFind(finder, run); });
    document.body.setAttribute('data-charts', String(document.querySelectorAll('.chart[data-drawn="true"]').length));
  } catch (error) {
    complain(error && error.stack ? error.stack : String(error));
  }
})();
)js";

}  // namespace graft::cli::report
