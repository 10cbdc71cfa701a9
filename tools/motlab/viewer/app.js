// motlab viewer: search a trained run (or two, side by side), draw the retrieved motions as
// animated stick figures from their 3D joints, and read the runs' metrics and training curves.
"use strict";
const state = { info: null, motions: new Map(), timers: [] };

function element(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.appendChild(c);
  return e;
}

async function json(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

async function motion(id) {
  if (!state.motions.has(id)) state.motions.set(id, json("/api/motion?id=" + encodeURIComponent(id)));
  return state.motions.get(id);
}

// Orthographic view from a fixed diagonal, y up; the whole motion's extent fits the canvas.
function draw(canvas, data) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width = canvas.clientWidth * 2, h = canvas.height = canvas.clientHeight * 2;
  const yaw = Math.PI / 5, cos = Math.cos(yaw), sin = Math.sin(yaw);
  const project = p => [p[0] * cos - p[2] * sin, p[1]];
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const frame of data.joints) for (const p of frame) {
    const [x, y] = project(p);
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const scale = 0.9 * Math.min(w / (maxX - minX + 1e-6), h / (maxY - minY + 1e-6));
  const ox = (w - scale * (maxX + minX)) / 2, oy = (h + scale * (maxY + minY)) / 2;
  let t = 0;
  const frame = () => {
    const joints = data.joints[t % data.joints.length];
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = "#ccc"; ctx.beginPath(); ctx.moveTo(0, oy - scale * minY); ctx.lineTo(w, oy - scale * minY); ctx.stroke();
    const colours = ["#c44", "#44c", "#333", "#c84", "#48c"];
    state.info.chains.forEach((chain, c) => {
      ctx.strokeStyle = colours[c % colours.length]; ctx.lineWidth = 5; ctx.beginPath();
      chain.forEach((j, n) => {
        const [x, y] = project(joints[j]);
        const px = ox + scale * x, py = oy - scale * y;
        if (n === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      });
      ctx.stroke();
    });
    canvas.dataset.drawn = "1";
    t += 1;
  };
  frame();
  state.timers.push(setInterval(frame, 1000 / data.fps));
}

function card(hit, gtId) {
  const canvas = element("canvas", { "data-id": hit.id });
  const duration = (hit.frames / state.info.fps).toFixed(1);
  const c = element("div", { class: "card" + (hit.id === gtId ? " gt-hit" : ""), "data-id": hit.id }, [
    canvas,
    element("div", { class: "head" }, [
      element("b", { text: hit.rank + ". " + hit.id }),
      element("span", { text: hit.score.toFixed(3) + " · " + duration + " s" })]),
    element("div", { class: "caps", text: hit.captions.join(" / ") })]);
  c.addEventListener("click", () => similar(hit.id));
  motion(hit.id).then(data => draw(canvas, data)).catch(e => { c.title = e.message; });
  return c;
}

function show(title, columns) {
  for (const timer of state.timers) clearInterval(timer);
  state.timers = [];
  const results = document.getElementById("results");
  results.replaceChildren();
  document.getElementById("status").textContent = title;
  columns.forEach((column, r) => {
    const gt = column.ground_truth;
    results.appendChild(element("div", { class: "column", "data-run": r }, [
      element("h2", { text: state.info.runs[r].name }),
      element("div", { class: "gt", text: gt ? "ground truth " + gt.id + " (test): rank " + gt.rank : "" }),
      element("div", { class: "cards" }, column.hits.map(hit => card(hit, gt ? gt.id : null)))]));
  });
}

async function search(query) {
  const k = document.getElementById("k").value || 8;
  document.getElementById("status").textContent = "searching ...";
  try {
    const body = await json("/api/search?q=" + encodeURIComponent(query) + "&k=" + k);
    show("text → motion: " + query, body.runs);
    history.replaceState(null, "", "/?q=" + encodeURIComponent(query));
  } catch (e) { document.getElementById("status").textContent = e.message; }
}

async function similar(id) {
  const k = document.getElementById("k").value || 8;
  try {
    const body = await json("/api/similar?id=" + encodeURIComponent(id) + "&k=" + k);
    show("motion → motion: " + id, body.runs);
  } catch (e) { document.getElementById("status").textContent = e.message; }
}

// A run's metrics table and training curves (loss and validation R-sum per epoch).
function runPanel(run) {
  const rows = ["R01", "R05", "R10", "MedR"];
  const table = element("table", {}, [element("tr", {}, [element("th", { text: "" }),
    ...rows.map(m => element("th", { text: m }))])]);
  for (const block of ["all", "threshold", "dissimilar", "small_batches", "long15", "long20"])
    for (const dir of ["t2m", "m2t"]) {
      if (!((block + "/" + dir + "/R10") in run.metrics)) continue;
      table.appendChild(element("tr", {}, [element("td", { text: block + " " + dir }),
        ...rows.map(m => element("td", { text: Number(run.metrics[block + "/" + dir + "/" + m]).toFixed(2) }))]));
    }
  const panel = element("div", { class: "run" }, [element("h3", { text: run.name }), table]);
  for (const key of ["train/loss", "val/rsum"]) {
    const points = run.curves.filter(r => r[key] !== undefined && r.epoch !== undefined);
    if (points.length < 2) continue;
    const xs = points.map(p => p.epoch), ys = points.map(p => p[key]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const path = points.map((p, i) => (i ? "L" : "M") + (30 + 250 * (p.epoch - x0) / (x1 - x0 || 1)).toFixed(1)
      + "," + (90 - 70 * (p[key] - y0) / (y1 - y0 || 1)).toFixed(1)).join(" ");
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "300"); svg.setAttribute("height", "110");
    svg.innerHTML = `<text x="30" y="12" font-size="11">${key} (epochs ${x0}-${x1}: ${y0.toFixed(2)}..${y1.toFixed(2)})</text>`
      + `<path d="${path}" fill="none" stroke="#267" stroke-width="2"/>`;
    panel.appendChild(svg);
  }
  return panel;
}

async function main() {
  state.info = await json("/api/info");
  document.getElementById("runs").replaceChildren(...state.info.runs.map(runPanel));
  document.getElementById("search").addEventListener("submit", event => {
    event.preventDefault();
    const query = document.getElementById("query").value.trim();
    if (query) search(query);
  });
  const q = new URLSearchParams(location.search).get("q");
  if (q) { document.getElementById("query").value = q; search(q); }
  else document.getElementById("status").textContent =
    state.info.runs.map(r => r.name + ": " + r.motions + " motions").join(" · ");
}
main();
