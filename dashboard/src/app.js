// The sextant dashboard: experiments, one experiment's plots and trials, one trial, the models.
// Reads the REST API (/api/v1, see dashboard/README.md); in an HTML report (sextant report -o)
// reads window.SEXTANT_REPORT instead and draws the experiment page only.
(function () {
  "use strict";

  const P = window.SextantPlots;
  const REPORT = window.SEXTANT_REPORT || null;
  const POLL_MS = 2000;
  const PAGE_LIMIT = 20000;  // trials per request on the first load
  const MAX_CURVES = 300;
  const ROWS_PER_PAGE = 50;
  const app = document.getElementById("app");
  let pageToken = 0;  // a new route cancels the polling of the previous page
  let timer = null;

  // ---- small helpers ---------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "html") el.innerHTML = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  // replaceChildren() with arrays flattened and null/false children left out.
  function put(el, ...children) {
    el.replaceChildren(...children.flat(2).filter((c) => c !== null && c !== undefined && c !== false));
  }
  const enc = encodeURIComponent;
  function fmt(v) {
    if (v === null || v === undefined || v === "") return "";
    const n = typeof v === "number" ? v : Number(v);
    if (!Number.isFinite(n)) return String(v);
    if (n !== 0 && (Math.abs(n) < 1e-3 || Math.abs(n) >= 1e6)) return n.toExponential(3);
    return String(Number(n.toPrecision(6)));
  }
  function fmtTime(unix) {
    if (!unix) return "";
    const d = new Date(unix * 1000);
    const pad = (x) => String(x).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function fmtDuration(seconds) {
    if (!(seconds >= 0)) return "";
    if (seconds < 1) return (seconds * 1000).toFixed(0) + " ms";
    if (seconds < 60) return seconds.toFixed(1) + " s";
    const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
    if (m < 60) return m + "m " + s + "s";
    return Math.floor(m / 60) + "h " + (m % 60) + "m";
  }
  function badge(state, prefix) { return h("span", { class: "badge " + (prefix || "s-") + state }, state); }
  function banner(text, isError) {
    const b = document.getElementById("banner");
    if (!text) { b.hidden = true; return; }
    b.hidden = false;
    b.className = "banner" + (isError ? " error" : "");
    b.textContent = text;
  }
  function liveStatus(text, live) {
    const el = document.getElementById("live-status");
    el.replaceChildren();
    if (live) el.append(h("span", { class: "live-dot" }));
    if (text) el.append(text);
  }
  function setNav(which) {
    document.querySelectorAll("[data-nav]").forEach((a) =>
      a.classList.toggle("active", a.dataset.nav === which));
  }
  function markReady() { document.body.dataset.ready = String(Number(document.body.dataset.ready || 0) + 1); }

  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const message = body && body.error ? body.error.message : response.status + " " + response.statusText;
      throw new Error(message);
    }
    return body;
  }
  async function getText(path) {
    const response = await fetch(path);
    if (!response.ok) throw new Error(response.status + " " + response.statusText);
    return response.text();
  }

  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = h("a", { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  function csvCell(v) {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  // A JSON value as block YAML (for the rendered trial object).
  function toYaml(v, indent) {
    indent = indent || "";
    const scalar = (x) => {
      if (x === null) return "null";
      if (typeof x === "string") {
        return x === "" || /^[\s\-?:,\[\]{}#&*!|>'"%@`]|: |\s#|^(true|false|null|yes|no|~)$|^[-+.\d]/i.test(x) || x.includes("\n")
          ? JSON.stringify(x) : x;
      }
      return String(x);
    };
    if (Array.isArray(v)) {
      if (!v.length) return "[]";
      return v.map((item) => {
        if (item !== null && typeof item === "object" && Object.keys(item).length) {
          const inner = toYaml(item, indent + "  ");
          return indent + "- " + inner.slice(indent.length + 2);
        }
        return indent + "- " + (item !== null && typeof item === "object" ? (Array.isArray(item) ? "[]" : "{}") : scalar(item));
      }).join("\n");
    }
    if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      if (!keys.length) return "{}";
      return keys.map((k) => {
        const item = v[k];
        if (item !== null && typeof item === "object" && (Array.isArray(item) ? item.length : Object.keys(item).length))
          return indent + scalar(k) + ":\n" + toYaml(item, indent + "  ");
        return indent + scalar(k) + ": " + (item !== null && typeof item === "object" ? (Array.isArray(item) ? "[]" : "{}") : scalar(item));
      }).join("\n");
    }
    return indent + scalar(v);
  }

  function countsView(counts) {
    const order = ["Succeeded", "Running", "Created", "EarlyStopped", "Failed", "MetricsUnavailable", "Killed"];
    return h("span", { class: "counts" }, order.filter((s) => counts[s] > 0).map((s) =>
      h("span", { class: "count", title: s }, h("i", { style: "background:" + P.STATE_COLORS[s] }), counts[s] + " " + s)));
  }
  function bestText(exp) {
    if (!exp.best) return "";
    return exp.best.value !== null ? fmt(exp.best.value) : exp.best.valueText;
  }
  function isActive(exp) { return exp.status === "Running" || exp.status === "Created" || exp.status === "Restarting"; }
  function stopPolling() { if (timer) clearTimeout(timer); timer = null; }
  function poll(token, fn) {
    stopPolling();
    timer = setTimeout(async () => {
      if (token !== pageToken) return;
      try { await fn(); banner(""); } catch (e) {
        banner("Lost the connection to the server (" + e.message + "); showing the last data. Retrying.", false);
      }
      if (token === pageToken) poll(token, fn);
    }, POLL_MS);
  }

  // ---- experiments list ------------------------------------------------------------------
  async function experimentsPage(token) {
    setNav("experiments");
    const data = await getJson("/api/v1/experiments");
    if (token !== pageToken) return;
    const body = h("tbody");
    const render = (list) => {
      put(body, ...list.map((e) => {
        const end = e.completionTime || (isActive(e) ? Date.now() / 1000 : e.updatedAt);
        const budget = e.maxTrialCount ? Math.min(1, (e.trials.total - e.trials.Running - e.trials.Created) / e.maxTrialCount) : null;
        return h("tr", null,
          h("td", null, h("a", { href: "#/experiments/" + enc(e.name) }, h("b", null, e.name))),
          h("td", null, badge(e.status), e.reason ? h("div", { class: "note" }, e.reason) : null),
          h("td", null, e.algorithm, e.earlyStopping ? h("div", { class: "note" }, "+ " + e.earlyStopping) : null),
          h("td", null, e.objective.type + " " + e.objective.metric),
          h("td", { class: "num" }, e.best ? h("a", { href: "#/trials/" + enc(e.best.trial), title: e.best.trial }, bestText(e)) : h("span", { class: "muted" }, "—")),
          h("td", null, countsView(e.trials), budget !== null ? h("div", { class: "progress", title: Math.round(budget * 100) + "% of maxTrialCount" }, h("div", { style: "width:" + (budget * 100).toFixed(1) + "%" })) : null),
          h("td", { class: "num" }, e.trials.total + (e.maxTrialCount ? " / " + e.maxTrialCount : "")),
          h("td", null, fmtTime(e.createdAt)),
          h("td", null, fmtDuration(end - (e.startTime || e.createdAt))));
      }));
    };
    render(data.experiments);
    put(app,
      h("div", { class: "page-head" }, h("div", { class: "title" }, h("h1", null, "Experiments"),
        h("div", { class: "muted" }, data.experiments.length + " in this database"))),
      h("div", { class: "card", style: "margin-top:16px" },
        data.experiments.length ? h("div", { class: "table-scroll" }, h("table", { class: "data", id: "experiments-table" },
          h("thead", null, h("tr", null, ["Name", "Status", "Algorithm", "Objective", "Best", "Trials by state", "Trials", "Created", "Duration"].map((c) => h("th", null, c)))),
          body))
          : h("div", { class: "empty" }, "No experiments yet. Run one with ", h("code", null, "sextant run -f experiment.yaml"), ".")));
    const live = data.experiments.some(isActive);
    liveStatus(live ? "live: updating every " + POLL_MS / 1000 + " s" : "", live);
    markReady();
    if (live) poll(token, async () => { const d = await getJson("/api/v1/experiments"); if (token === pageToken) render(d.experiments); });
  }

  // ---- experiment page -------------------------------------------------------------------
  function completedPrefix(trials) {
    let prefix = 0;
    for (const t of trials) {
      if (t.seq !== prefix + 1 || t.state === "Running" || t.state === "Created") break;
      prefix = t.seq;
    }
    return prefix;
  }

  async function loadTrials(name, after, into) {
    for (;;) {
      const page = await getJson("/api/v1/experiments/" + enc(name) + "/trials?after=" + after + "&limit=" + PAGE_LIMIT);
      for (const t of page.trials) into.set(t.seq, t);
      after = page.next;
      if (!page.more) return;
    }
  }
  async function loadSeries(name, metric, after, into) {
    for (;;) {
      const page = await getJson("/api/v1/experiments/" + enc(name) + "/observations?metric=" + enc(metric) + "&after=" + after + "&limit=" + PAGE_LIMIT);
      for (const s of page.series) into.set(s.trial, s);
      after = page.next;
      if (!page.more) return;
    }
  }

  async function experimentPage(token, name) {
    setNav("experiments");
    const st = {
      name, exp: null, trials: new Map(), series: new Map(), importance: null,
      filter: { states: null, top: 100 }, logY: false, contour: { x: null, y: null },
      table: { sort: "seq", dir: 1, text: "", page: 0 }, importanceKey: "",
    };
    window.sextant.experiment = st;
    if (REPORT) {
      st.exp = REPORT.experiment;
      for (const t of REPORT.trials) st.trials.set(t.seq, t);
      for (const s of REPORT.observations) st.series.set(s.trial, s);
      st.importance = REPORT.importance;
    } else {
      st.exp = await getJson("/api/v1/experiments/" + enc(name));
      await Promise.all([loadTrials(name, 0, st.trials), loadSeries(name, st.exp.objective.metric, 0, st.series)]);
    }
    if (token !== pageToken) return;
    const exp = st.exp;
    st.filter.states = new Set(P.STATE_ORDER);
    const params = exp.parameters;
    st.contour.x = params[0] ? params[0].name : null;
    st.contour.y = params[1] ? params[1].name : null;

    const el = {};
    const plotCard = (id, title, tools, caption, cls) => h("section", { class: "card " + (cls || "") },
      h("div", { class: "card-head" }, h("h2", null, title), h("div", { class: "tools" }, tools || [])),
      el[id] = h("div", { class: "plot" + (cls === "wide tallplot" ? " tall" : ""), id: "plot-" + id }),
      caption !== null && caption !== undefined ? (el[id + "Caption"] = h("div", { class: "caption" }, caption)) : null);

    // Filter bar: one filter (states, top k%) for every plot, the table and the importance.
    const stateBoxes = h("span", { style: "display:inline-flex;gap:12px;flex-wrap:wrap" });
    const topRange = h("input", { type: "range", min: 1, max: 100, value: 100, id: "filter-top-range" });
    const topNumber = h("input", { type: "number", min: 1, max: 100, value: 100, id: "filter-top" });
    const shown = h("span", { class: "shown", id: "filter-shown" });
    const setTop = (v) => {
      const n = Math.max(1, Math.min(100, Math.round(Number(v) || 100)));
      st.filter.top = n; topRange.value = n; topNumber.value = n; refresh();
    };
    topRange.addEventListener("input", () => setTop(topRange.value));
    topNumber.addEventListener("change", () => setTop(topNumber.value));
    topNumber.addEventListener("input", () => { if (topNumber.value !== "") setTop(topNumber.value); });

    const logBox = h("input", { type: "checkbox", id: "log-y" });
    logBox.addEventListener("change", () => { st.logY = logBox.checked; drawPlots(); });
    const selX = h("select", { id: "contour-x" }), selY = h("select", { id: "contour-y" });
    for (const p of params) { selX.append(h("option", { value: p.name }, p.name)); selY.append(h("option", { value: p.name }, p.name)); }
    if (st.contour.x) selX.value = st.contour.x;
    if (st.contour.y) selY.value = st.contour.y;
    const onContour = () => { st.contour.x = selX.value; st.contour.y = selY.value; P.contour(el.contour, ctx(), st.contour.x, st.contour.y); };
    selX.addEventListener("change", onContour);
    selY.addEventListener("change", onContour);

    const header = h("div", { class: "page-head", id: "experiment-head" });
    const tableCard = h("section", { class: "card wide", id: "trials-card" });
    put(app,
      header,
      h("div", { class: "filterbar", id: "filterbar" }, h("span", { class: "label" }, "Filter"), stateBoxes,
        h("label", null, "top", topRange, topNumber, "%"), shown),
      h("div", { class: "grid" },
        plotCard("history", "Optimization history", [h("label", null, logBox, "log scale")], null),
        plotCard("importance", "Parameter importance", [h("span", { class: "method" }, "PED-ANOVA")], ""),
        plotCard("parcoords", "Parallel coordinates", null, "Log parameters on log10 axes; drag along an axis to select a range.", "wide"),
        plotCard("slices", "Slices", null, null, "wide"),
        plotCard("contour", "Contour", [h("label", null, "x ", selX), h("label", null, "y ", selY)], null),
        plotCard("curves", "Intermediate values", null, ""),
        plotCard("timeline", "Timeline", null, null, "wide"),
        tableCard));

    function renderHeader() {
      const e = st.exp;
      const end = e.completionTime || (isActive(e) ? Date.now() / 1000 : e.updatedAt);
      const best = e.best;
      put(header,
        h("div", { class: "title" },
          h("h1", null, e.name, " ", badge(e.status)),
          h("div", { class: "muted" }, e.reason ? e.reason + (e.message ? ": " + e.message : "") : ""),
          h("div", { class: "facts" },
            h("div", { class: "fact" }, h("div", { class: "k" }, "objective"), h("div", { class: "v" }, e.objective.type + " " + e.objective.metric + (e.objective.goal !== null ? " (goal " + fmt(e.objective.goal) + ")" : ""))),
            h("div", { class: "fact" }, h("div", { class: "k" }, "algorithm"), h("div", { class: "v" }, e.algorithm + (e.earlyStopping ? " + " + e.earlyStopping : ""))),
            h("div", { class: "fact" }, h("div", { class: "k" }, "trials"), h("div", { class: "v" }, e.trials.total + (e.maxTrialCount ? " / " + e.maxTrialCount : "") + ", " + e.parallelTrialCount + " in parallel")),
            h("div", { class: "fact" }, h("div", { class: "k" }, "started"), h("div", { class: "v" }, fmtTime(e.startTime || e.createdAt))),
            h("div", { class: "fact" }, h("div", { class: "k" }, "duration"), h("div", { class: "v" }, fmtDuration(end - (e.startTime || e.createdAt))))),
          h("div", { style: "margin-top:10px" }, countsView(e.trials))),
        h("div", { class: "best-box", id: "best-box" },
          h("div", { class: "fact" }, h("div", { class: "k" }, "best " + e.objective.metric)),
          best ? [h("div", { class: "value" }, bestText(e)),
            h("div", null, REPORT ? best.trial : h("a", { href: "#/trials/" + enc(best.trial) }, best.trial)),
            h("div", { class: "params" }, Object.entries(best.parameters).map(([k, v]) => k + "=" + v).join("  "))]
            : h("div", { class: "muted" }, "no trial has reported " + e.objective.metric + " yet")));
    }

    function renderStateBoxes() {
      const present = P.STATE_ORDER.filter((s) => st.exp.trials[s] > 0);
      put(stateBoxes, ...present.map((s) => {
        const box = h("input", { type: "checkbox", "data-state": s, checked: st.filter.states.has(s) });
        box.addEventListener("change", () => { if (box.checked) st.filter.states.add(s); else st.filter.states.delete(s); refresh(); });
        return h("label", null, box, h("span", { class: "badge s-" + s }, s + " " + st.exp.trials[s]));
      }));
    }

    // The one filter: states, then the best k% (by the objective) of what is left.
    function filtered() {
      let list = Array.from(st.trials.values()).filter((t) => st.filter.states.has(t.state));
      if (st.filter.top < 100) {
        const scored = list.filter((t) => t.objective !== null)
          .sort((a, b) => (exp.objective.type === "maximize" ? b.objective - a.objective : a.objective - b.objective));
        const keep = Math.max(1, Math.ceil(scored.length * st.filter.top / 100));
        list = scored.slice(0, keep).sort((a, b) => a.seq - b.seq);
      }
      return list;
    }
    let current = [];
    function shownText() {
      return current.length + " of " + st.trials.size + " trials shown" + (current.length > P.MAX_DRAWN
        ? "; plots draw " + P.MAX_DRAWN + " (the best fifth and an even sample of the rest)" : "");
    }
    function ctx() {
      return { trials: current, params, metric: exp.objective.metric, maximize: exp.objective.type === "maximize",
        logY: st.logY, series: st.series,
        // Where an unfinished trial's bar ends: now while the experiment runs; otherwise its
        // last update (a stopped run's "Running" trials do not stretch to today).
        now: isActive(st.exp) ? (REPORT ? REPORT.generatedAt : Date.now() / 1000)
          : (st.exp.completionTime || st.exp.updatedAt) };
    }
    function drawPlots() {
      const c = ctx();
      P.history(el.history, c);
      P.parallel(el.parcoords, c);
      P.slices(el.slices, c);
      P.contour(el.contour, c, st.contour.x, st.contour.y);
      const drawn = Math.min(MAX_CURVES, c.trials.filter((t) => st.series.has(t.name)).length);
      const available = c.trials.filter((t) => st.series.has(t.name)).length;
      P.curves(el.curves, c, MAX_CURVES);
      el.curvesCaption.textContent = (available > drawn ? "The " + drawn + " most recent of " + available + " trials. " : "") +
        "Early-stopped trials are dotted, with an X where they were stopped.";
      P.timeline(el.timeline, c);
    }
    async function refreshImportance() {
      const states = Array.from(st.filter.states).filter((s) => s !== "Running" && s !== "Created");
      const key = states.join(",") + "|" + st.filter.top + "|" + exp.trials.total + "|" + (exp.trials.Running || 0);
      if (key === st.importanceKey) return;
      st.importanceKey = key;
      if (!REPORT) {
        try {
          st.importance = await getJson("/api/v1/experiments/" + enc(name) + "/importance?states=" + enc(states.join(",")) + "&top=" + st.filter.top);
        } catch (e) { st.importance = { importances: [], note: e.message, method: "PED-ANOVA" }; }
      }
      if (token !== pageToken) return;
      const imp = st.importance;
      P.importance(el.importance, imp);
      el.importanceCaption.textContent = imp.description ? imp.description + " Computed over " + imp.trialsUsed + " trials" +
        (REPORT ? " (all completed trials)." : (st.filter.top < 100 ? ", the top " + st.filter.top + "%." : ".")) : (imp.note || "");
    }
    function refresh() {
      current = filtered();
      shown.textContent = shownText();
      drawPlots();
      st.table.page = 0;
      renderTable();
      refreshImportance();
    }

    function renderTable() {
      const cols = [
        { key: "seq", label: "#", num: true, get: (t) => t.seq },
        { key: "name", label: "trial", get: (t) => t.name },
        { key: "state", label: "state", get: (t) => t.state },
        { key: "objective", label: exp.objective.metric, num: true, get: (t) => t.objective },
        ...params.map((p, i) => ({ key: "p" + i, label: p.name, num: !p.list, get: (t) => (p.list ? t.values[i] : P.paramValue(p, t.values[i])), text: (t) => t.values[i] })),
        { key: "duration", label: "duration", num: true, get: (t) => (t.startedAt ? (t.completedAt || Date.now() / 1000) - t.startedAt : null) },
        { key: "message", label: "message", get: (t) => (t.state === "Succeeded" || t.state === "Running" ? "" : t.message) },
      ];
      const text = st.table.text.toLowerCase();
      let rows = current;
      if (text) rows = rows.filter((t) => (t.name + " " + t.state + " " + t.values.join(" ") + " " + t.message).toLowerCase().includes(text));
      const col = cols.find((c) => c.key === st.table.sort) || cols[0];
      rows = rows.slice().sort((a, b) => {
        const x = col.get(a), y = col.get(b);
        if (x === y) return a.seq - b.seq;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : 1) * st.table.dir;
      });
      const pages = Math.max(1, Math.ceil(rows.length / ROWS_PER_PAGE));
      st.table.page = Math.min(st.table.page, pages - 1);
      const pageRows = rows.slice(st.table.page * ROWS_PER_PAGE, (st.table.page + 1) * ROWS_PER_PAGE);
      const search = h("input", { type: "text", placeholder: "search trials", value: st.table.text, id: "table-search" });
      search.addEventListener("input", () => { st.table.text = search.value; st.table.page = 0; renderTable(); const s = document.getElementById("table-search"); s.focus(); s.setSelectionRange(s.value.length, s.value.length); });
      const exportRows = (kind) => {
        const names = cols.map((c) => c.label);
        if (kind === "csv") {
          const lines = [names.map(csvCell).join(",")].concat(rows.map((t) => cols.map((c) => csvCell(c.text ? c.text(t) : c.get(t))).join(",")));
          download(name + "-trials.csv", "text/csv", lines.join("\n") + "\n");
        } else {
          download(name + "-trials.json", "application/json", JSON.stringify(rows.map((t) => {
            const o = { name: t.name, seq: t.seq, state: t.state, objective: t.objective, parameters: {} };
            params.forEach((p, i) => { o.parameters[p.name] = t.values[i]; });
            o.metrics = t.metrics; o.startedAt = t.startedAt; o.completedAt = t.completedAt; o.message = t.message;
            return o;
          }), null, 2));
        }
      };
      put(tableCard,
        h("div", { class: "card-head" }, h("h2", null, "Trials"),
          h("div", { class: "tools" }, search,
            h("button", { onclick: () => exportRows("csv"), id: "export-csv" }, "CSV"),
            h("button", { onclick: () => exportRows("json"), id: "export-json" }, "JSON"))),
        h("div", { class: "table-scroll" }, h("table", { class: "data", id: "trials-table" },
          h("thead", null, h("tr", null, cols.map((c) => h("th", {
            class: "sortable", "data-key": c.key,
            onclick: () => { if (st.table.sort === c.key) st.table.dir = -st.table.dir; else { st.table.sort = c.key; st.table.dir = 1; } renderTable(); },
          }, c.label + (st.table.sort === c.key ? (st.table.dir > 0 ? " ▲" : " ▼") : ""))))),
          h("tbody", null, pageRows.map((t) => h("tr", null, cols.map((c) => {
            if (c.key === "name") return h("td", null, REPORT ? t.name : h("a", { href: "#/trials/" + enc(t.name) }, t.name));
            if (c.key === "state") return h("td", null, badge(t.state));
            if (c.key === "duration") return h("td", { class: "num" }, fmtDuration(c.get(t)));
            if (c.key === "message") return h("td", { class: "msg", title: c.get(t) }, c.get(t));
            const v = c.text ? c.text(t) : c.get(t);
            return h("td", { class: c.num ? "num" : "" }, c.num ? fmt(v) : v);
          })))))),
        h("div", { class: "pager" },
          h("button", { disabled: st.table.page === 0, onclick: () => { st.table.page--; renderTable(); } }, "‹ prev"),
          "page " + (st.table.page + 1) + " of " + pages + " (" + rows.length + " rows)",
          h("button", { disabled: st.table.page >= pages - 1, onclick: () => { st.table.page++; renderTable(); } }, "next ›")));
    }

    renderHeader();
    renderStateBoxes();
    refresh();
    const live = !REPORT && isActive(exp);
    liveStatus(REPORT ? "report generated " + fmtTime(REPORT.generatedAt) : live ? "live: updating every " + POLL_MS / 1000 + " s" : "", live);
    markReady();
    if (!live) return;
    poll(token, async () => {
      const prefix = completedPrefix(Array.from(st.trials.values()).sort((a, b) => a.seq - b.seq));
      const [e] = await Promise.all([getJson("/api/v1/experiments/" + enc(name)),
        loadTrials(name, prefix, st.trials), loadSeries(name, exp.objective.metric, prefix, st.series)]);
      if (token !== pageToken) return;
      const known = new Set(P.STATE_ORDER.filter((s) => st.exp.trials[s] > 0));
      st.exp = e;
      Object.assign(exp, e);
      for (const s of P.STATE_ORDER) if (e.trials[s] > 0 && !known.has(s)) st.filter.states.add(s);
      renderHeader();
      renderStateBoxes();
      current = filtered();
      shown.textContent = shownText();
      drawPlots();
      renderTable();
      refreshImportance();
      if (!isActive(e)) { liveStatus("", false); stopPolling(); pageToken++; }
    });
  }

  // ---- trial page ------------------------------------------------------------------------
  async function trialPage(token, name) {
    setNav("experiments");
    const base = "/api/v1/trials/" + enc(name);
    const load = () => Promise.all([getJson(base), getJson(base + "/observations"), getJson(base + "/events"),
      getText(base + "/log?tail=65536"), getJson(base + "/object").catch((e) => ({ error: e.message }))]);
    let [d, obs, ev, log, obj] = await load();
    if (token !== pageToken) return;
    const curve = h("div", { class: "plot", id: "plot-trial-curves" });
    const logPre = h("pre", { class: "block", id: "trial-log" });
    const head = h("div", { class: "page-head" });
    const left = h("div", { style: "display:grid;gap:16px;align-content:start" });
    const eventsCard = h("section", { class: "card" });
    const objectPre = h("pre", { class: "block", id: "trial-object" });
    function render() {
      const t = d.trial;
      const end = t.completedAt || (t.startedAt ? Date.now() / 1000 : 0);
      put(head, h("div", { class: "title" },
        h("div", { class: "muted" }, h("a", { href: "#/experiments/" + enc(d.experiment) }, d.experiment), " / trial #" + t.seq),
        h("h1", null, t.name, " ", badge(t.state)),
        h("div", { class: "muted" }, t.reason + (t.message ? ": " + t.message : "")),
        h("div", { class: "facts" },
          h("div", { class: "fact" }, h("div", { class: "k" }, d.objective.metric), h("div", { class: "v" }, t.objective !== null ? fmt(t.objective) : (t.objectiveText || "—"))),
          h("div", { class: "fact" }, h("div", { class: "k" }, "created"), h("div", { class: "v" }, fmtTime(t.createdAt))),
          h("div", { class: "fact" }, h("div", { class: "k" }, "started"), h("div", { class: "v" }, fmtTime(t.startedAt) || "—")),
          h("div", { class: "fact" }, h("div", { class: "k" }, "completed"), h("div", { class: "v" }, fmtTime(t.completedAt) || "—")),
          h("div", { class: "fact" }, h("div", { class: "k" }, "duration"), h("div", { class: "v" }, t.startedAt ? fmtDuration(end - t.startedAt) : "—")))));
      put(left,
        h("section", { class: "card" }, h("h2", null, "Parameters"),
          h("table", { class: "data", id: "trial-parameters" }, h("tbody", null, d.parameters.map((p, i) =>
            h("tr", null, h("td", null, p.name), h("td", { class: "num" }, t.values[i]), h("td", { class: "note" }, p.type + (p.log ? ", log" : ""))))))),
        h("section", { class: "card" }, h("h2", null, "Metrics"),
          h("table", { class: "data", id: "trial-metrics" },
            h("thead", null, h("tr", null, ["metric", "strategy", "value", "min", "max", "latest"].map((c) => h("th", null, c)))),
            h("tbody", null, d.metrics.map((m) => h("tr", null, h("td", null, m.name, m.objective ? h("span", { class: "note" }, " (objective)") : null),
              h("td", null, m.strategy), h("td", { class: "num" }, h("b", null, fmt(m.value))), h("td", { class: "num" }, fmt(m.min)),
              h("td", { class: "num" }, fmt(m.max)), h("td", { class: "num" }, fmt(m.latest))))))),
        d.kubernetes ? h("section", { class: "card", id: "trial-kubernetes" }, h("h2", null, "Kubernetes object"),
          h("div", { class: "kv" }, h("span", { class: "k" }, "kind"), h("span", null, d.kubernetes.apiVersion + " " + d.kubernetes.kind),
            h("span", { class: "k" }, "name"), h("span", { class: "mono" }, d.kubernetes.name),
            h("span", { class: "k" }, "namespace"), h("span", { class: "mono" }, d.kubernetes.namespace))) : null,
        d.artifact ? h("section", { class: "card" }, h("h2", null, "Artifact"), h("div", { class: "mono" }, d.artifact)) : null);
      put(eventsCard, h("h2", null, "State changes"),
        ev.events.length ? h("table", { class: "data", id: "trial-events" },
          h("thead", null, h("tr", null, ["time", "event", "reason / message"].map((c) => h("th", null, c)))),
          h("tbody", null, ev.events.map((e) => h("tr", null, h("td", { class: "num" }, fmtTime(e.time)),
            h("td", null, P.STATE_COLORS[e.type] ? badge(e.type) : e.type), h("td", null, e.message)))))
          : h("div", { class: "empty" }, "No events recorded"));
      logPre.textContent = log || "(empty log)";
      objectPre.textContent = obj.error ? obj.error : toYaml(obj.object);
      P.trialCurves(curve, obs.series, d.objective.metric);
    }
    put(app, head,
      h("div", { class: "grid" },
        left,
        h("div", { style: "display:grid;gap:16px;align-content:start" },
          h("section", { class: "card" }, h("h2", null, "Learning curve"), curve), eventsCard),
        h("section", { class: "card wide" }, h("div", { class: "card-head" }, h("h2", null, "Log"), h("div", { class: "tools" }, "last 64 KiB")), logPre),
        h("section", { class: "card wide" }, h("div", { class: "card-head" }, h("h2", null, "Trial object"), h("div", { class: "tools" }, "what the runner creates, with Katib's substitution")), objectPre)));
    render();
    const live = () => d.trial.state === "Running" || d.trial.state === "Created";
    liveStatus(live() ? "live: updating every " + POLL_MS / 1000 + " s" : "", live());
    markReady();
    if (live()) poll(token, async () => {
      [d, obs, ev, log, obj] = await load();
      if (token !== pageToken) return;
      render();
      if (!live()) { liveStatus("", false); stopPolling(); }
    });
  }

  // ---- models ----------------------------------------------------------------------------
  async function modelsPage(token) {
    setNav("models");
    const data = await getJson("/api/v1/models");
    if (token !== pageToken) return;
    const cards = data.models.map((m) => h("section", { class: "card", style: "margin-top:16px" },
      h("div", { class: "card-head" }, h("h2", null, m.name), h("div", { class: "tools" }, (m.versions || []).length + " versions")),
      h("div", { class: "table-scroll" }, h("table", { class: "data", id: "models-table-" + m.name },
        h("thead", null, h("tr", null, ["version", "stage", "experiment", "trial", "format", "artifact", "target", "metrics", "created"].map((c) => h("th", null, c)))),
        h("tbody", null, (m.versions || []).slice().reverse().map((v) => h("tr", null,
          h("td", { class: "num" }, "v" + v.version),
          h("td", null, v.stage ? badge(v.stage, "stage-") : ""),
          h("td", null, v.experiment ? h("a", { href: "#/experiments/" + enc(v.experiment) }, v.experiment) : ""),
          h("td", null, v.trial ? h("a", { href: "#/trials/" + enc(v.trial) }, v.trial) : ""),
          h("td", null, v.format || ""),
          h("td", { class: "mono" }, v.artifact || v.location || ""),
          h("td", null, v.target || ""),
          h("td", { class: "mono" }, v.metrics && typeof v.metrics === "object" ? Object.entries(v.metrics).map(([k, x]) => k + "=" + fmt(x)).join(" ") : ""),
          h("td", null, fmtTime(v.created_at)))))))));
    put(app,
      h("div", { class: "page-head" }, h("div", { class: "title" }, h("h1", null, "Models"),
        h("div", { class: "muted" }, "Registered models and their versions (sextant promote)"))),
      cards.length ? cards : h("div", { class: "card empty", style: "margin-top:16px", id: "models-empty" },
        data.note || "No models yet. Promote the best trial of an experiment with ", h("code", null, "sextant promote EXPERIMENT"), "."));
    markReady();
  }

  // ---- router ----------------------------------------------------------------------------
  async function route() {
    const token = ++pageToken;
    stopPolling();
    banner("");
    liveStatus("", false);
    const hash = decodeURIComponent(location.hash.replace(/^#/, "")) || "/";
    const parts = hash.split("/").filter(Boolean);
    try {
      if (REPORT) {
        document.querySelector(".topbar nav").hidden = true;
        await experimentPage(token, REPORT.experiment.name);
      } else if (parts[0] === "experiments" && parts[1]) await experimentPage(token, parts.slice(1).join("/"));
      else if (parts[0] === "trials" && parts[1]) await trialPage(token, parts.slice(1).join("/"));
      else if (parts[0] === "models") await modelsPage(token);
      else await experimentsPage(token);
    } catch (e) {
      if (token !== pageToken) return;
      put(app, h("div", { class: "card empty" }, "Could not load this page: " + e.message));
      banner(e.message, true);
      markReady();
    }
  }
  window.sextant = { route, toYaml };
  window.addEventListener("hashchange", route);
  route();
})();
