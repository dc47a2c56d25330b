// The experiment plots (plotly.js): history, parallel coordinates, slices, contour, importance,
// learning curves, timeline. Each takes the filtered trials and draws into one element.
(function () {
  "use strict";

  const STATE_COLORS = {
    Succeeded: "#2b7bb9", EarlyStopped: "#e8871e", Failed: "#d64545",
    MetricsUnavailable: "#a45ec7", Killed: "#7f8794", Running: "#2ca25f", Created: "#b0b7c3",
  };
  const STATE_ORDER = ["Succeeded", "EarlyStopped", "Running", "Created", "Failed",
    "MetricsUnavailable", "Killed"];
  // Above this many points a trace is drawn with WebGL. Plots draw at most MAX_DRAWN trials,
  // and SVG draws 5,000 markers faster than a WebGL context starts on a machine without a GPU.
  const GL_THRESHOLD = 20000;
  const CONFIG = { displaylogo: false, responsive: true,
    modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  const FONT = { family: "system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif",
    size: 12, color: "#1d2330" };

  function baseLayout(extra) {
    return Object.assign({
      font: FONT, margin: { l: 56, r: 16, t: 10, b: 44 }, paper_bgcolor: "#fff",
      plot_bgcolor: "#fff", hovermode: "closest", showlegend: true,
      legend: { orientation: "h", y: -0.18, x: 0 },
    }, extra || {});
  }
  function axis(title, extra) {
    return Object.assign({ title: { text: title, standoff: 6 }, gridcolor: "#edf0f5",
      zerolinecolor: "#d9dee8", automargin: true }, extra || {});
  }
  function scatterType(n) { return n > GL_THRESHOLD ? "scattergl" : "scatter"; }
  function draw(el, traces, layout) { return Plotly.react(el, traces, layout, CONFIG); }
  function empty(el, text) {
    return Plotly.react(el, [], baseLayout({
      xaxis: { visible: false }, yaxis: { visible: false }, showlegend: false,
      annotations: [{ text: text, showarrow: false, font: { size: 14, color: "#6b7385" },
        xref: "paper", yref: "paper", x: 0.5, y: 0.5 }],
    }), CONFIG);
  }

  // At most this many trials are drawn per plot: the best fifth of them always, and an even
  // sample (by trial number) of the rest. Statistics (best so far, the contour's grid) use all.
  const MAX_DRAWN = 5000;
  function drawable(trials, ctx, max) {
    max = max || MAX_DRAWN;
    if (trials.length <= max) return trials;
    const scored = trials.filter((t) => t.objective !== null)
      .sort((a, b) => (ctx.maximize ? b.objective - a.objective : a.objective - b.objective));
    const keep = new Set(scored.slice(0, Math.floor(max / 5)));
    const rest = trials.filter((t) => !keep.has(t));
    const stride = rest.length / (max - keep.size);
    for (let k = 0; keep.size < max && Math.floor(k * stride) < rest.length; k++) keep.add(rest[Math.floor(k * stride)]);
    return trials.filter((t) => keep.has(t));
  }

  // A parameter value on its plot axis: numbers for numeric ranges, the list index for
  // categorical and discrete parameters (drawn with their labels as tick text).
  function paramValue(p, text) {
    if (text === "" || text === undefined || text === null) return null;
    if (p.list) { const i = p.list.indexOf(text); return i < 0 ? null : i; }
    const v = Number(text);
    return Number.isFinite(v) ? v : null;
  }
  function categoryTicks(p) {
    return { tickvals: p.list.map((_, i) => i), ticktext: p.list.slice(), range: [-0.5, p.list.length - 0.5] };
  }
  function hoverOf(t, params) {
    const parts = params.map((p, i) => p.name + "=" + t.values[i]);
    return t.name + "<br>" + t.state + "<br>" + parts.join("<br>");
  }

  // Optimization history: one marker trace per state, and the best value so far.
  function history(el, ctx) {
    const all = ctx.trials.filter((t) => t.objective !== null);
    if (!all.length) return empty(el, "No trial has reported " + ctx.metric + " yet");
    const trials = drawable(all, ctx);
    const traces = [];
    for (const state of STATE_ORDER) {
      const mine = trials.filter((t) => t.state === state);
      if (!mine.length) continue;
      traces.push({
        type: scatterType(trials.length), mode: "markers", name: state,
        x: mine.map((t) => t.seq), y: mine.map((t) => t.objective),
        text: mine.map((t) => hoverOf(t, ctx.params)), hoverinfo: "text+y",
        marker: { color: STATE_COLORS[state], size: trials.length > 2000 ? 4 : 7, opacity: 0.8 },
        meta: { role: "points" },
      });
    }
    // The best-so-far line over every trial, kept to the points where it changes.
    const sorted = all.slice().sort((a, b) => a.seq - b.seq);
    const bx = [], by = [];
    let best = null;
    for (const t of sorted) {
      if (best === null || (ctx.maximize ? t.objective > best : t.objective < best)) {
        best = t.objective; bx.push(t.seq); by.push(best);
      }
    }
    bx.push(sorted[sorted.length - 1].seq); by.push(best);
    traces.push({ type: scatterType(trials.length), mode: "lines", name: "best so far", x: bx,
      y: by, line: { color: "#1d2330", width: 2, shape: "hv" }, hoverinfo: "y",
      meta: { role: "best" } });
    const positive = all.every((t) => t.objective > 0);
    return draw(el, traces, baseLayout({
      xaxis: axis("trial"),
      yaxis: axis(ctx.metric, { type: ctx.logY && positive ? "log" : "linear" }),
    }));
  }

  // Parallel coordinates: one axis per parameter (log10 for log parameters, labelled with the
  // original values), and the objective last; lines coloured by the objective.
  function parallel(el, ctx) {
    const trials = drawable(ctx.trials.filter((t) => t.objective !== null), ctx);
    if (trials.length < 2) return empty(el, "Needs two trials with " + ctx.metric);
    const dims = ctx.params.map((p, i) => {
      const raw = trials.map((t) => paramValue(p, t.values[i]));
      if (p.list) {
        return Object.assign(categoryTicks(p), { label: p.name, values: raw, range: [0, p.list.length - 1] });
      }
      if (p.log) {
        const lo = Math.floor(Math.log10(p.min)), hi = Math.ceil(Math.log10(p.max));
        const ticks = [];
        for (let e = lo; e <= hi; e++) ticks.push(e);
        return { label: p.name + " (log)", values: raw.map((v) => (v > 0 ? Math.log10(v) : null)),
          range: [Math.log10(p.min), Math.log10(p.max)], tickvals: ticks,
          ticktext: ticks.map((e) => "1e" + e) };
      }
      return { label: p.name, values: raw, range: [p.min, p.max] };
    });
    const ys = trials.map((t) => t.objective);
    dims.push({ label: ctx.metric, values: ys });
    return draw(el, [{
      type: "parcoords", dimensions: dims,
      line: { color: ys, colorscale: "Viridis", reversescale: !ctx.maximize, showscale: true,
        colorbar: { title: { text: ctx.metric }, thickness: 12 } },
      labelfont: { size: 12 }, tickfont: { size: 10.5 },
    }], baseLayout({ margin: { l: 60, r: 70, t: 36, b: 24 }, showlegend: false }));
  }

  // Slices: the objective against each parameter, one panel each, coloured by trial number.
  function slices(el, ctx) {
    // Half as many per panel: one panel per parameter.
    const trials = drawable(ctx.trials.filter((t) => t.objective !== null), ctx, MAX_DRAWN / 2);
    if (!trials.length) return empty(el, "No trial has reported " + ctx.metric + " yet");
    const n = ctx.params.length;
    const traces = [];
    const layout = baseLayout({ showlegend: false, grid: { rows: 1, columns: n, pattern: "independent", xgap: 0.06 },
      margin: { l: 56, r: 10, t: 10, b: 48 } });
    const seqs = trials.map((t) => t.seq);
    ctx.params.forEach((p, i) => {
      const suffix = i === 0 ? "" : String(i + 1);
      traces.push({
        type: scatterType(trials.length), mode: "markers", xaxis: "x" + suffix, yaxis: "y" + suffix,
        x: trials.map((t) => paramValue(p, t.values[i])), y: trials.map((t) => t.objective),
        text: trials.map((t) => hoverOf(t, ctx.params)), hoverinfo: "text+y", name: p.name,
        marker: { size: trials.length > 2000 ? 3 : 6, opacity: 0.75, color: seqs,
          colorscale: "Blues", cmin: 0, showscale: false },
      });
      layout["xaxis" + suffix] = axis(p.name, p.list ? categoryTicks(p) : { type: p.log ? "log" : "linear" });
      layout["yaxis" + suffix] = axis(i === 0 ? ctx.metric : "", { showticklabels: i === 0,
        type: ctx.logY && trials.every((t) => t.objective > 0) ? "log" : "linear" });
      if (i > 0) layout["yaxis" + suffix].matches = "y";
    });
    return draw(el, traces, layout);
  }

  // Contour of the objective over two parameters: mean objective per cell of a 24x24 grid,
  // empty cells filled by inverse-distance weighting, with the trials drawn on top.
  function contour(el, ctx, xName, yName) {
    const trials = ctx.trials.filter((t) => t.objective !== null);
    const xi = ctx.params.findIndex((p) => p.name === xName);
    const yi = ctx.params.findIndex((p) => p.name === yName);
    if (xi < 0 || yi < 0 || xi === yi) return empty(el, "Choose two different parameters");
    if (trials.length < 3) return empty(el, "Needs three trials with " + ctx.metric);
    const px = ctx.params[xi], py = ctx.params[yi];
    const G = 24;
    const toUnit = (p, v) => {
      if (v === null) return null;
      if (p.list) return p.list.length > 1 ? v / (p.list.length - 1) : 0.5;
      const lo = p.log ? Math.log10(p.min) : p.min, hi = p.log ? Math.log10(p.max) : p.max;
      const x = p.log ? Math.log10(v) : v;
      return hi > lo ? Math.min(1, Math.max(0, (x - lo) / (hi - lo))) : 0.5;
    };
    const fromUnit = (p, u) => {
      if (p.list) return u * (p.list.length - 1);
      if (p.log) return Math.pow(10, Math.log10(p.min) + u * (Math.log10(p.max) - Math.log10(p.min)));
      return p.min + u * (p.max - p.min);
    };
    const sum = new Float64Array(G * G), cnt = new Float64Array(G * G);
    const pts = [];
    for (const t of trials) {
      const ux = toUnit(px, paramValue(px, t.values[xi])), uy = toUnit(py, paramValue(py, t.values[yi]));
      if (ux === null || uy === null) continue;
      const cx = Math.min(G - 1, Math.floor(ux * G)), cy = Math.min(G - 1, Math.floor(uy * G));
      sum[cy * G + cx] += t.objective; cnt[cy * G + cx] += 1;
      pts.push(t);
    }
    const filled = [];
    for (let c = 0; c < G * G; c++) if (cnt[c]) filled.push(c);
    const z = [];
    for (let cy = 0; cy < G; cy++) {
      const row = [];
      for (let cx = 0; cx < G; cx++) {
        const c = cy * G + cx;
        if (cnt[c]) { row.push(sum[c] / cnt[c]); continue; }
        let wsum = 0, vsum = 0;
        for (const f of filled) {
          const dx = (f % G) - cx, dy = Math.floor(f / G) - cy;
          const w = 1 / Math.pow(dx * dx + dy * dy, 1.5);
          wsum += w; vsum += w * sum[f] / cnt[f];
        }
        row.push(vsum / wsum);
      }
      z.push(row);
    }
    const centers = [];
    for (let k = 0; k < G; k++) centers.push((k + 0.5) / G);
    const shownPts = pts.length > MAX_DRAWN ? drawable(pts, ctx) : pts;
    const traces = [{
      type: "contour", x: centers.map((u) => fromUnit(px, u)), y: centers.map((u) => fromUnit(py, u)),
      z: z, colorscale: "Viridis", reversescale: !ctx.maximize, ncontours: 18, hoverinfo: "z",
      colorbar: { title: { text: ctx.metric }, thickness: 12 }, line: { width: 0.5, color: "rgba(255,255,255,.4)" },
    }, {
      type: scatterType(shownPts.length), mode: "markers", name: "trials",
      x: shownPts.map((t) => paramValue(px, t.values[xi])), y: shownPts.map((t) => paramValue(py, t.values[yi])),
      text: shownPts.map((t) => hoverOf(t, ctx.params)), hoverinfo: "text",
      marker: { size: shownPts.length > 2000 ? 3 : 6, color: "rgba(255,255,255,.85)",
        line: { color: "#1d2330", width: 0.8 } },
    }];
    return draw(el, traces, baseLayout({ showlegend: false,
      xaxis: axis(px.name, px.list ? categoryTicks(px) : { type: px.log ? "log" : "linear" }),
      yaxis: axis(py.name, py.list ? categoryTicks(py) : { type: py.log ? "log" : "linear" }),
    }));
  }

  // Importance: horizontal bars, largest on top, as returned by the engine.
  function importance(el, result) {
    const items = (result && result.importances) || [];
    if (!items.length || items.every((i) => i.importance === 0))
      return empty(el, (result && result.note) || "Not enough trials yet");
    const rows = items.slice().reverse();
    return draw(el, [{
      type: "bar", orientation: "h", x: rows.map((r) => r.importance), y: rows.map((r) => r.parameter),
      text: rows.map((r) => (100 * r.importance).toFixed(1) + "%"), textposition: "auto",
      marker: { color: "#3358d4" }, hoverinfo: "x+y",
    }], baseLayout({ showlegend: false, margin: { l: 90, r: 16, t: 10, b: 40 },
      xaxis: axis("share of importance (" + result.method + ")", { range: [0, 1], tickformat: ".0%" }),
      yaxis: axis("", { automargin: true, ticksuffix: "  " }) }));
  }

  // Learning curves: the objective's intermediate values; early-stopped trials dashed, with an
  // X where they stopped. Curves are merged into a few traces (null between trials) so that
  // hundreds of them stay fast.
  function curves(el, ctx, maxCurves) {
    const withSeries = ctx.trials.filter((t) => ctx.series.has(t.name));
    if (!withSeries.length) return empty(el, "No intermediate values of " + ctx.metric + " yet");
    const shown = withSeries.slice().sort((a, b) => b.seq - a.seq).slice(0, maxCurves);
    const groups = { Running: [], EarlyStopped: [], other: [] };
    for (const t of shown) (groups[t.state] || groups.other).push(t);
    const traces = [];
    const style = {
      other: { name: "finished", line: { color: "rgba(43,123,185,.45)", width: 1.2 } },
      Running: { name: "running", line: { color: "#2ca25f", width: 2 } },
      EarlyStopped: { name: "early stopped", line: { color: "rgba(232,135,30,.85)", width: 1.4, dash: "dot" } },
    };
    let total = 0;
    for (const key of ["other", "EarlyStopped", "Running"]) {
      const x = [], y = [], text = [];
      for (const t of groups[key]) {
        const s = ctx.series.get(t.name);
        for (let k = 0; k < s.steps.length; k++) { x.push(s.steps[k]); y.push(s.values[k]); text.push(t.name); }
        x.push(null); y.push(null); text.push("");
      }
      total += x.length;
      if (!groups[key].length) continue;
      traces.push(Object.assign({ type: "scatter", mode: "lines", x, y, text, hoverinfo: "text+x+y" }, style[key]));
    }
    const stopped = groups.EarlyStopped;
    if (stopped.length) {
      traces.push({ type: "scatter", mode: "markers", name: "stopped here",
        x: stopped.map((t) => { const s = ctx.series.get(t.name); return s.steps[s.steps.length - 1]; }),
        y: stopped.map((t) => { const s = ctx.series.get(t.name); return s.values[s.values.length - 1]; }),
        text: stopped.map((t) => t.name + ": " + t.message), hoverinfo: "text",
        marker: { symbol: "x", size: 9, color: "#e8871e", line: { width: 1.5, color: "#a65a00" } } });
    }
    if (total > 200000) traces.forEach((t) => { if (t.mode === "lines") t.type = "scattergl"; });
    const positive = shown.every((t) => ctx.series.get(t.name).values.every((v) => v === null || v > 0));
    return draw(el, traces, baseLayout({ xaxis: axis("step"),
      yaxis: axis(ctx.metric, { type: ctx.logY && positive ? "log" : "linear" }) }));
  }

  // Timeline: a bar from start to end per trial (line segments per state, so that 50,000
  // trials draw at once).
  function timeline(el, ctx) {
    const trials = drawable(ctx.trials.filter((t) => t.startedAt > 0), ctx);
    if (!trials.length) return empty(el, "No trial has started yet");
    const now = ctx.now;
    const traces = [];
    for (const state of STATE_ORDER) {
      const mine = trials.filter((t) => t.state === state);
      if (!mine.length) continue;
      const x = [], y = [], text = [];
      for (const t of mine) {
        const end = t.completedAt > 0 ? t.completedAt : Math.max(now, t.startedAt);
        x.push(t.startedAt * 1000, end * 1000, null);
        y.push(t.seq, t.seq, null);
        text.push(t.name, t.name, "");
      }
      traces.push({ type: scatterType(trials.length * 3), mode: "lines",
        name: state, x, y, text, hoverinfo: "text+x",
        line: { color: STATE_COLORS[state], width: trials.length > 400 ? 2 : 5 } });
    }
    return draw(el, traces, baseLayout({ xaxis: axis("time", { type: "date" }),
      yaxis: axis("trial", { autorange: "reversed" }) }));
  }

  // A trial's own curves: every metric against the step (additional metrics on a second axis).
  function trialCurves(el, series, objectiveMetric) {
    if (!series.length) return empty(el, "No intermediate values reported");
    const traces = series.map((s) => ({
      type: "scatter", mode: "lines+markers", name: s.metric, x: s.steps, y: s.values,
      yaxis: s.metric === objectiveMetric ? "y" : "y2",
      line: { width: 2 }, marker: { size: 5 },
    }));
    const other = series.some((s) => s.metric !== objectiveMetric);
    return draw(el, traces, baseLayout({ xaxis: axis("step"), yaxis: axis(objectiveMetric),
      yaxis2: other ? axis("other metrics", { overlaying: "y", side: "right", showgrid: false }) : undefined }));
  }

  window.SextantPlots = { MAX_DRAWN, STATE_COLORS, STATE_ORDER, history, parallel, slices, contour,
    importance, curves, timeline, trialCurves, paramValue };
})();
