// Browser tests of the dashboard in headless Chromium (Debian's), driven by playwright-core:
// every page loads without console errors, plots hold the right number of points for a seeded
// experiment, the filter changes them, the HTML report renders offline, and each page's
// screenshot is not blank. Exits 77 (CTest: Skipped) when chromium or playwright-core is absent.
//
//   node dashboard_test.mjs --sextant BIN --seed BIN --node-modules DIR --out DIR
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const SKIP = 77;
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const started = Date.now();
let failures = 0;
function check(ok, what) {
  console.log((ok ? "ok   " : "FAIL ") + what);
  if (!ok) failures++;
}
function skip(why) {
  console.log("SKIP: " + why);
  process.exit(SKIP);
}

const chromium = ["chromium", "chromium-browser", "google-chrome"]
  .map((name) => spawnSync("sh", ["-c", "command -v " + name]).stdout.toString().trim())
  .find((p) => p);
if (!chromium) skip("no chromium on this machine (make deps installs Debian's chromium)");
let playwright;
try {
  playwright = createRequire(path.resolve(args["node-modules"], "noop.js"))("playwright-core");
} catch (e) {
  skip("playwright-core is not installed in " + args["node-modules"] + " (npm was not available at build time)");
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sextant-browser-"));
const outDir = args.out;
fs.mkdirSync(outDir, { recursive: true });
const db = path.join(work, "demo.db");
function seedExperiment(extra) {
  const r = spawnSync(args.seed, ["--db", db, ...extra]);
  if (r.status !== 0) { console.log(r.stderr.toString()); process.exit(1); }
  return JSON.parse(r.stdout.toString());
}
// A finished experiment, then the one the tests look at: running, with a registered model.
seedExperiment(["--name", "baseline", "--trials", "20", "--steps", "6", "--running", "0", "--seed", "3"]);
const seed = seedExperiment(["--name", "demo", "--trials", "60", "--steps", "10", "--running", "2", "--model", "digits"]);
console.log("seeded: " + JSON.stringify(seed));

// The dashboard server, on a port it picks; its first stdout line is the URL.
const server = spawn(args.sextant, ["--db", db, "dashboard", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
let serverErr = "";
server.stderr.on("data", (d) => { serverErr += d; });
const url = await new Promise((resolve, reject) => {
  let out = "";
  const timer = setTimeout(() => reject(new Error("sextant dashboard printed no URL in 10 s: " + serverErr)), 10000);
  server.stdout.on("data", (d) => {
    out += d;
    if (out.includes("\n")) { clearTimeout(timer); resolve(out.split("\n")[0].trim()); }
  });
  server.on("exit", (code) => { clearTimeout(timer); reject(new Error("sextant dashboard exited " + code + ": " + serverErr)); });
}).catch((e) => {
  if (/not in this build/.test(String(e))) skip("the dashboard is not in this build: " + serverErr.trim());
  throw e;
});
console.log("dashboard at " + url);

const browser = await playwright.chromium.launch({
  executablePath: chromium,
  // Software WebGL (parallel coordinates need WebGL) without a GPU.
  args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--disable-gpu-sandbox"],
  timeout: 20000,
});
const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
const consoleErrors = [];
const page = await context.newPage();
page.setDefaultTimeout(20000);
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
page.on("pageerror", (e) => consoleErrors.push("page error: " + e.message));

async function ready(previous) {
  await page.waitForFunction((n) => Number(document.body.dataset.ready || 0) > n, previous);
  // Plotly draws synchronously on react(); one frame for the layout to settle.
  await page.waitForTimeout(150);
}
const readyCount = () => page.evaluate(() => Number(document.body.dataset.ready || 0));

// Distinct colours of a screenshot, counted in a canvas (a blank page has one or two).
async function distinctColours(png) {
  const scratch = await context.newPage();
  const n = await scratch.evaluate(async (b64) => {
    const img = new Image();
    img.src = "data:image/png;base64," + b64;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width; c.height = img.height;
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  }, png.toString("base64"));
  await scratch.close();
  return n;
}
async function shoot(name) {
  const file = path.join(outDir, name + ".png");
  const png = await page.screenshot({ path: file, fullPage: true });
  const colours = await distinctColours(png);
  check(colours > 50, name + ": screenshot is not blank (" + colours + " distinct colours, " + file + ")");
}
function noErrors(what) {
  check(consoleErrors.length === 0, what + ": no console errors" + (consoleErrors.length ? ": " + consoleErrors.join(" | ") : ""));
  consoleErrors.length = 0;
}
const historyPoints = () => page.evaluate(() => document.getElementById("plot-history").data
  .filter((t) => t.meta && t.meta.role === "points").reduce((n, t) => n + t.x.length, 0));

try {
  // Experiments list.
  await page.goto(url);
  await ready(0);
  const rows = await page.$$eval("#experiments-table tbody tr", (r) => r.map((x) => x.textContent));
  check(rows.length === 2 && rows[0].includes("demo") && rows[0].includes("Running") &&
    rows[1].includes("baseline") && rows[1].includes("Succeeded"), "experiments: demo (Running) and baseline (Succeeded)");
  await shoot("experiments");
  noErrors("experiments");

  // Experiment page.
  let n = await readyCount();
  await page.goto(url + "#/experiments/demo");
  await ready(n);
  const plotted = seed.plotted;
  check(await historyPoints() === plotted, "history: " + plotted + " points (trials with an objective)");
  const par = await page.evaluate(() => {
    const d = document.getElementById("plot-parcoords").data[0];
    return { dims: d.dimensions.length, values: d.dimensions[0].values.length, last: d.dimensions[d.dimensions.length - 1].label };
  });
  check(par.dims === 5 && par.values === plotted && par.last === "loss", "parallel coordinates: 4 parameters + loss, " + plotted + " lines");
  const slices = await page.evaluate(() => document.getElementById("plot-slices").data.map((t) => t.x.length));
  check(slices.length === 4 && slices.every((k) => k === plotted), "slices: 4 panels of " + plotted + " points");
  const logAxis = await page.evaluate(() => document.getElementById("plot-slices").layout.xaxis.type);
  check(logAxis === "log", "slices: lr (logUniform) on a log axis");
  const contour = await page.evaluate(() => document.getElementById("plot-contour").data.map((t) => t.type));
  check(contour[0] === "contour" && contour.length === 2, "contour: a contour and the trials");
  await page.waitForFunction(() => (document.getElementById("plot-importance").data || []).length === 1);
  const imp = await page.evaluate(() => document.getElementById("plot-importance").data[0].y);
  check(imp.length === 4 && imp[imp.length - 1] === "lr", "importance: 4 bars, lr first (" + imp.join(",") + ")");
  const caption = await page.textContent("#trials-card") && await page.evaluate(() => document.body.textContent.includes("PED-ANOVA"));
  check(caption, "importance: the method (PED-ANOVA) is stated");
  const stopped = await page.evaluate(() => {
    const t = document.getElementById("plot-curves").data.find((x) => x.name === "stopped here");
    return t ? t.x.length : 0;
  });
  check(stopped === seed.states.EarlyStopped, "learning curves: " + seed.states.EarlyStopped + " early-stopped trials marked");
  const timeline = await page.evaluate(() => document.getElementById("plot-timeline").data.reduce((k, t) => k + t.x.length / 3, 0));
  check(timeline === seed.trials, "timeline: one bar per started trial (" + seed.trials + ")");
  const tableRows = await page.$$eval("#trials-table tbody tr", (r) => r.length);
  check(tableRows === 50, "trial table: first page of 50 rows");
  await shoot("experiment");
  noErrors("experiment");

  // The filter applies to every plot: drop EarlyStopped, then keep the top 10%.
  await page.click("input[data-state=EarlyStopped]");
  await page.waitForTimeout(200);
  const withoutStopped = plotted - seed.stoppedWithObjective;
  check(await historyPoints() === withoutStopped, "filter: without EarlyStopped, history has " + withoutStopped + " points");
  const slicesAfter = await page.evaluate(() => document.getElementById("plot-slices").data[0].x.length);
  check(slicesAfter === withoutStopped, "filter: slices follow (" + slicesAfter + ")");
  await page.fill("#filter-top", "10");
  await page.press("#filter-top", "Enter");
  await page.waitForTimeout(200);
  const top = Math.ceil(withoutStopped * 0.1);
  check(await historyPoints() === top, "filter: top 10% leaves " + top + " points");
  const parTop = await page.evaluate(() => document.getElementById("plot-parcoords").data[0].dimensions[0].values.length);
  check(parTop === top, "filter: parallel coordinates follow (" + parTop + ")");
  const tableTop = await page.$$eval("#trials-table tbody tr", (r) => r.length);
  check(tableTop === top, "filter: the table follows (" + tableTop + " rows)");
  // Sorting by the objective puts the best first.
  await page.click("#trials-table th[data-key=objective]");
  const firstTwo = await page.$$eval("#trials-table tbody tr td:nth-child(4)", (c) => c.slice(0, 2).map((x) => Number(x.textContent)));
  check(firstTwo.length === 2 && firstTwo[0] <= firstTwo[1], "table: sorted by loss ascending");
  noErrors("filter");

  // Trial page of the best trial.
  const best = await page.evaluate(async () => (await (await fetch("/api/v1/experiments/demo")).json()).best.trial);
  n = await readyCount();
  await page.goto(url + "#/trials/" + best);
  await ready(n);
  const params = await page.$$eval("#trial-parameters tr", (r) => r.length);
  check(params === 4, "trial: 4 parameters");
  const metrics = await page.$$eval("#trial-metrics tbody tr", (r) => r.map((x) => x.textContent));
  check(metrics.length === 2 && metrics[0].includes("min"), "trial: loss (min) and accuracy");
  const curves = await page.evaluate(() => document.getElementById("plot-trial-curves").data.map((t) => t.x.length));
  check(curves.length === 2 && curves.every((k) => k === seed.steps), "trial: learning curve of " + seed.steps + " steps per metric");
  const object = await page.textContent("#trial-object");
  check(object.includes("kind: Job") && object.includes(best), "trial: the rendered Job, named after the trial");
  const events = await page.$$eval("#trial-events tbody tr", (r) => r.length);
  check(events === 2, "trial: two state changes (Running, Succeeded)");
  await shoot("trial");
  noErrors("trial");

  // Models (none in this database).
  n = await readyCount();
  await page.goto(url + "#/models");
  await ready(n);
  if (seed.modelVersions === 2) {
    const versions = await page.$$eval("#models-table-digits tbody tr", (r) => r.map((x) => x.textContent));
    check(versions.length === 2 && versions[0].includes("production") && versions[0].includes(best),
      "models: digits with 2 versions, the best trial in production");
  } else {
    check(await page.isVisible("#models-empty"), "models: no registry tables; the empty state explains sextant promote");
  }
  await shoot("models");
  noErrors("models");

  // The HTML report, opened from a file, with no server and no network.
  const report = path.join(work, "report.html");
  const made = spawnSync(args.sextant, ["--db", db, "report", "demo", "-o", report]);
  check(made.status === 0, "report: written (" + made.stderr.toString().trim() + ")");
  const requests = [];
  page.on("request", (r) => { if (!/^(file|data|blob):/.test(r.url())) requests.push(r.url()); });
  await page.goto("file://" + report);
  await ready(0);
  check(await historyPoints() === plotted, "report: history has " + plotted + " points");
  check(requests.length === 0, "report: no network requests" + (requests.length ? ": " + requests.join(", ") : ""));
  await shoot("report");
  noErrors("report");
} catch (e) {
  check(false, "unexpected: " + (e.stack || e));
} finally {
  await browser.close().catch(() => {});
  server.kill("SIGTERM");
  fs.rmSync(work, { recursive: true, force: true });
}
console.log((failures ? failures + " failed" : "all passed") + " in " + ((Date.now() - started) / 1000).toFixed(1) + " s");
process.exit(failures ? 1 : 0);
