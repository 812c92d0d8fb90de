#include "report_assets.hpp"

namespace graft::cli::report {

const char* const kStyle = R"css(
:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1320px; padding: 24px 32px 48px; color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); margin: 0 0 8px; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
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
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0; font-size: 12px; }
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

  // series: [{name, colour, points: [[x, y], ...]}]. Non-finite values (a diverged loss) are gaps.
  function drawChart(parent, title, series, xName) {
    var box = document.createElement('div');
    box.className = 'chart';
    box.setAttribute('data-metric', title);
    var heading = document.createElement('h3');
    heading.textContent = title;
    box.appendChild(heading);
    parent.appendChild(box);

    var xs = [], ys = [];
    series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (p[1] !== null && isFinite(p[1])) { xs.push(p[0]); ys.push(p[1]); }
      });
    });
    if (xs.length === 0) {
      var empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = 'no values';
      box.appendChild(empty);
      box.setAttribute('data-drawn', 'true');
      return;
    }
    var width = 600, height = 300, left = 56, right = 12, top = 10, bottom = 36;
    var xTicks = ticks(Math.min.apply(null, xs), Math.max.apply(null, xs), 6, true);
    var yTicks = ticks(Math.min.apply(null, ys), Math.max.apply(null, ys), 5, false);
    var x0 = xTicks[0], x1 = xTicks[xTicks.length - 1], y0 = yTicks[0], y1 = yTicks[yTicks.length - 1];
    function x(value) { return left + (value - x0) / (x1 - x0) * (width - left - right); }
    function y(value) { return top + (1 - (value - y0) / (y1 - y0)) * (height - top - bottom); }

    var svg = element('svg', {viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': title}, box);
    var grid = element('g', {'class': 'grid'}, svg), axis = element('g', {'class': 'axis'}, svg);
    yTicks.forEach(function (value) {
      element('line', {x1: left, x2: width - right, y1: y(value), y2: y(value)}, grid);
      element('text', {x: left - 6, y: y(value) + 4, 'text-anchor': 'end'}, axis).textContent = label(value);
    });
    xTicks.forEach(function (value) {
      element('line', {x1: x(value), x2: x(value), y1: top, y2: height - bottom}, grid);
      element('text', {x: x(value), y: height - bottom + 16, 'text-anchor': 'middle'}, axis).textContent = label(value);
    });
    element('text', {x: (left + width - right) / 2, y: height - 4, 'text-anchor': 'middle'}, axis).textContent = xName;

    var lines = element('g', {'class': 'series'}, svg);
    series.forEach(function (s) {
      var runs = [[]];  // split at gaps
      s.points.forEach(function (p) {
        if (p[1] === null || !isFinite(p[1])) { runs.push([]); return; }
        runs[runs.length - 1].push(x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1));
      });
      runs.forEach(function (points) {
        if (points.length === 0) return;
        var line = element('polyline', {points: points.join(' '), stroke: s.colour}, lines);
        element('title', {}, line).textContent = s.name;
        if (points.length === 1) {
          var xy = points[0].split(',');
          element('circle', {cx: xy[0], cy: xy[1], r: 3, fill: s.colour}, lines);
        }
      });
    });
    box.appendChild(legend());
    box.setAttribute('data-drawn', 'true');
  }

  var data;
  function legend() {
    var node = document.createElement('div');
    node.className = 'legend';
    data.groups.forEach(function (name, index) {
      var item = document.createElement('span');
      var swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colour(index);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(name));
      node.appendChild(item);
    });
    return node;
  }

  function runName(run) { return 'run ' + run.id + ' ' + run.trial; }

  try {
    data = JSON.parse(document.getElementById('report-data').textContent);
    var curves = document.getElementById('curves');
    data.curves.forEach(function (key) {
      var series = data.runs.filter(function (run) { return run.epochs[key]; }).map(function (run) {
        return {name: runName(run), colour: colour(run.group), points: run.epochs[key]};
      });
      drawChart(curves, key, series, 'epoch');
    });
    var schedules = data.runs.map(function (run) {
      return {name: runName(run), colour: colour(run.group), points: run.lr};
    });
    drawChart(document.getElementById('lr'), 'lr', schedules, 'step');
    document.body.setAttribute('data-charts', String(document.querySelectorAll('.chart[data-drawn="true"]').length));
  } catch (error) {
    complain(error && error.stack ? error.stack : String(error));
  }
})();
)js";

}  // namespace graft::cli::report
