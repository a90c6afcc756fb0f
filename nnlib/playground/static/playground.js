// The nnlib playground, drawn in the browser from numbers the kernel sends.
//
// The kernel (nnlib/playground/widget.py) owns the network and does all the
// mathematics; this file only draws what arrives (traits "frame", "grids",
// "points", "settings", "meta") and sends the learner's actions back as
// messages ({type: "step" | "set" | "reset" | "set_weight" | ...}).
//
// Play: ask for the next epochs only once the previous answer has been drawn,
// so there is never more than one request waiting in the kernel.

const BLUE = [0, 114, 178]; // Okabe-Ito blue: positive weights, class 1, output +1
const ORANGE = [230, 159, 0]; // Okabe-Ito orange: negative weights, class 0, output -1
const WHITE = [247, 247, 247];
const BLUE_CSS = "#0072B2";
const ORANGE_CSS = "#E69F00";
const VERMILLION = "#D55E00";
const RATES = [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const NET_W = 440; // the network drawing, in CSS pixels
const NET_H = 292;
const NODE = 26; // a neuron's heatmap square
const ROW = 36; // vertical distance between neurons
const SURF = 240; // the output picture

// ------------------------------------------------------------------ helpers

function h(tag, attrs = {}, children = []) {
  const svg = ["svg", "path", "line", "rect", "g", "title", "text"].includes(tag);
  const e = svg
    ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of [].concat(children)) if (c) e.append(c);
  return e;
}

/** A number as a person reads it: 0.32, 12.5, 0.0041, 1.2e-5; "–" for none. */
function fmt(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const a = Math.abs(v);
  let s;
  if (a === 0) s = "0";
  else if (a >= 1000) s = v.toFixed(0);
  else if (a >= 1) s = v.toPrecision(digits);
  else if (a >= 0.001) s = v.toFixed(Math.min(6, digits + Math.max(0, -Math.floor(Math.log10(a)) - 1)));
  else s = v.toExponential(1);
  return s.replace("-", "−");
}

/** [-1, 1] → orange … white … blue (nan: grey). */
function colour(v) {
  if (v === null || Number.isNaN(v)) return [200, 200, 200];
  const t = Math.max(-1, Math.min(1, v));
  const end = t >= 0 ? BLUE : ORANGE;
  const a = Math.abs(t);
  return [0, 1, 2].map((k) => Math.round(WHITE[k] + (end[k] - WHITE[k]) * a));
}

function paint(canvas, data, offset, res) {
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(res, res);
  for (let k = 0; k < res * res; k++) {
    const [r, g, b] = colour(data[offset + k]);
    img.data[4 * k] = r;
    img.data[4 * k + 1] = g;
    img.data[4 * k + 2] = b;
    img.data[4 * k + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function floats(view) {
  // The bytes may sit at any offset in their buffer: copy them to an aligned one.
  if (!view || !view.byteLength) return new Float32Array(0);
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
  return new Float32Array(bytes.buffer);
}

function select(label, options, control, onchange) {
  const s = h("select", { "aria-label": label, onchange: () => onchange(s.value) });
  for (const [value, text] of options) s.append(h("option", { value, text }));
  return h("label", { class: "nnpg-field", "data-control": control }, [
    h("span", { text: label }),
    s,
  ]);
}

function range(label, min, max, step, control, show, onchange) {
  const out = h("output", {});
  const r = h("input", {
    type: "range", min, max, step, "aria-label": label,
    oninput: () => { out.textContent = show(Number(r.value)); },
    onchange: () => onchange(Number(r.value)),
  });
  // The keys are handled here: a host page (JupyterLab) may swallow a range's arrow keys.
  r.addEventListener("keydown", (e) => {
    const st = Number(step);
    const moves = { ArrowRight: st, ArrowUp: st, ArrowLeft: -st, ArrowDown: -st,
      PageUp: 2 * st, PageDown: -2 * st, Home: -Infinity, End: Infinity };
    if (!(e.key in moves)) return;
    e.preventDefault();
    e.stopPropagation();
    const v = Math.min(max, Math.max(min, Number(r.value) + moves[e.key]));
    if (v === Number(r.value)) return;
    r.value = v;
    out.textContent = show(v);
    onchange(v);
  });
  const field = h("div", { class: "nnpg-field nnpg-range", "data-control": control }, [
    h("span", {}, [label + " ", out]),
    r,
  ]);
  field.set = (v) => { r.value = v; out.textContent = show(Number(v)); };
  return field;
}

let uidCount = 0;
/** A page-wide unique id, for <label for=...>. */
function uid(name) {
  uidCount += 1;
  return `nnpg-${name}-${uidCount}`;
}

// ------------------------------------------------------------------- widget

function render({ model, el }) {
  const meta = model.get("meta");
  const R = meta.R;
  const S = meta.surface_res;
  const N = meta.neuron_res;
  const labels = meta.feature_labels;
  let playing = false;
  let inFlight = false;
  let seq = 0;
  let sentAt = 0;
  let drawn = 0;
  let perFrame = 1;
  let selected = null; // "w:layer:i:j" (a weight) or "b:layer:i" (a bias)
  // dL/dw shown as ticks on one layer (the hovered one, else the selected weight's), ticks on
  // "all" layers, as the links' "colour" instead of the weights, or "none".
  let gradMode = "layer";
  let hoverLayer = null; // the weight layer under the mouse, if any
  let netKey = "";
  let links = [];
  let nodes = []; // nodes[layer][i] = canvas (layer 0: every feature)
  let rate = { t: 0, epoch: 0, value: null };

  const send = (msg) => { seq += 1; model.send({ ...msg, seq }); };
  const set = (changes) => send({ type: "set", changes });

  // ----- top bar
  const playBtn = h("button", {
    class: "nnpg-play", "aria-label": "play", title: "train continuously (space)",
    onclick: () => (playing ? stop() : start()), text: "▶",
  });
  const stepBtn = h("button", {
    "aria-label": "step one epoch", title: "train one epoch", text: "step",
    onclick: () => { stop(); send({ type: "step", n: 1 }); },
  });
  const resetBtn = h("button", {
    "aria-label": "reset the network", title: "new first weights, epoch 0", text: "↺",
    onclick: () => { stop(); send({ type: "reset" }); },
  });
  const epochOut = h("output", { class: "nnpg-epoch", "aria-label": "epoch", text: "0" });
  const speedOut = h("span", { class: "nnpg-speed" });
  const lrSel = select("learning rate", RATES.map((r) => [r, r]), "learning_rate",
    (v) => set({ learning_rate: Number(v) }));
  const actSel = select("activation", meta.activations.map((a) => [a, a === "relu" ? "ReLU" : a]),
    "activation", (v) => set({ activation: v }));
  const probSel = select("problem", [["classification", "classification"], ["regression", "regression"]],
    "problem", (v) => set({ problem: v }));
  const bar = h("div", { class: "nnpg-bar" }, [
    h("span", { "data-control": "reset" }, resetBtn),
    h("span", { "data-control": "play" }, playBtn),
    h("span", { "data-control": "step" }, stepBtn),
    h("span", { class: "nnpg-epochbox" }, [h("span", { text: "epoch " }), epochOut, speedOut]),
    lrSel, actSel, probSel,
  ]);

  // ----- data column
  const dataBtns = h("div", { class: "nnpg-datasets", role: "group", "aria-label": "data set" });
  const noise = range("noise", 0, 50, 5, "noise", (v) => v + "%", (v) => set({ noise: v / 100 }));
  const ratio = range("training data", 10, 90, 10, "train_ratio", (v) => v + "%",
    (v) => set({ train_ratio: v / 100 }));
  const batch = range("batch size", 1, 30, 1, "batch_size", (v) => String(v),
    (v) => set({ batch_size: v }));
  let drawLabel = 1;
  const classBtns = [1, 0].map((c) => h("button", {
    class: "nnpg-class", "aria-pressed": c === 1 ? "true" : "false",
    onclick: () => { drawLabel = c; classBtns.forEach((b, k) => b.setAttribute("aria-pressed", String([1, 0][k] === c))); },
  }));
  const custom = h("div", { class: "nnpg-custom" }, [
    h("div", { class: "nnpg-hint", text: "Click the output picture to add a point (shift-click: the other one)." }),
    h("div", { class: "nnpg-row" }, classBtns),
    h("button", { "aria-label": "remove every drawn point", text: "clear points",
      onclick: () => { stop(); send({ type: "clear_points" }); } }),
  ]);
  const dataCol = h("section", { class: "nnpg-col nnpg-data", "aria-label": "data" }, [
    h("h4", { text: "Data" }),
    h("div", { "data-control": "dataset" }, dataBtns),
    noise, ratio, batch, custom,
  ]);

  // ----- network column
  const svg = h("svg", { class: "nnpg-links", width: NET_W, height: NET_H, role: "img",
    "aria-label": "the network: features on the left, output on the right" });
  const nodeLayer = h("div", { class: "nnpg-nodes" });
  const selPath = h("path", { class: "nnpg-selpath", d: "M0,0" });
  const layerHead = h("div", { class: "nnpg-layerhead" });
  const stats = h("div", { class: "nnpg-stats", "aria-label": "per-layer gradient norm and activation statistics" });
  const layerCount = h("output", {});
  const layersBox = h("div", { class: "nnpg-row nnpg-layers", "data-control": "layers" }, [
    h("button", { "aria-label": "add a hidden layer", text: "+", onclick: () => changeLayers(+1) }),
    h("button", { "aria-label": "remove a hidden layer", text: "−", onclick: () => changeLayers(-1) }),
    layerCount,
  ]);
  const linkSel = h("select", { id: uid("weight"), "aria-label": "weight to edit", onchange: () => choose(linkSel.value),
    title: "choose a connection (or a bias) with the arrow keys; it is outlined on the diagram" });
  const valueIn = h("input", { type: "number", step: "0.1", id: uid("value"), "aria-label": "weight value",
    title: "type a value and press Enter, or nudge it with the up and down arrow keys",
    onchange: () => editValue() });
  const gradOut = h("output", { id: uid("grad"), "aria-label": "gradient of the selected weight" });
  const gradSel = select("show dL/dw", [["layer", "bars on one layer"],
    ["all", "bars on every layer"], ["colour", "as the links' colour"], ["none", "not at all"]],
    "weights", (v) => { gradMode = v; updateNetwork(model.get("frame")); });
  const gradKey = h("span", { class: "nnpg-gradkey" });
  const editor = h("div", { class: "nnpg-editor", "data-control": "weights" }, [
    h("label", { for: linkSel.id }, "weight"), linkSel,
    h("label", { for: valueIn.id }, "="), valueIn,
    h("span", {}, [h("span", { text: "dL/dw " }), gradOut]),
  ]);
  const gradRow = h("div", { class: "nnpg-editor nnpg-gradrow", "data-control": "weights" },
    [gradSel, gradKey]);
  const netBox = h("div", { class: "nnpg-net-area" }, [svg, nodeLayer]);
  const netCol = h("section", { class: "nnpg-col nnpg-net", "aria-label": "network" }, [
    h("div", { class: "nnpg-nethead" }, [h("h4", { text: "Network" }), layersBox]),
    layerHead, netBox, stats, editor, gradRow,
  ]);

  // ----- output column
  const lossOut = h("div", { class: "nnpg-loss", role: "status" });
  const chart = h("canvas", { class: "nnpg-chart", width: 2 * SURF, height: 2 * 56, role: "img",
    "aria-label": "loss curves" });
  const surface = h("canvas", { class: "nnpg-surface", width: 2 * SURF, height: 2 * SURF,
    role: "img", "aria-label": "the network's output over the input square, with the data" });
  const small = h("canvas", { width: S, height: S });
  const showTest = h("input", { type: "checkbox", "aria-label": "show test data", onchange: () => drawSurface() });
  const discretize = h("input", { type: "checkbox", "aria-label": "discretize output",
    onchange: () => set({ discretize: discretize.checked }) });
  const legend = h("div", { class: "nnpg-legend" });
  const outCol = h("section", { class: "nnpg-col nnpg-out", "aria-label": "output" }, [
    h("h4", { text: "Output" }),
    lossOut, chart,
    h("div", { class: "nnpg-surfbox" }, [
      h("span", { class: "nnpg-ax nnpg-ax2", text: "x₂" }),
      surface,
      h("div", { class: "nnpg-ticks" }, [h("span", { text: "−3" }), h("span", { text: "x₁" }), h("span", { text: "3" })]),
    ]),
    legend,
    h("div", { class: "nnpg-row" }, [
      h("label", {}, [showTest, " show test data"]),
      h("label", { "data-control": "discretize" }, [discretize, " discretize"]),
    ]),
  ]);

  // ----- advanced (folded)
  const optSel = select("optimiser", [["sgd", "SGD"], ["momentum", "momentum 0.9"], ["adam", "Adam"]],
    "optimizer", (v) => set({ optimizer: v }));
  const regSel = select("regularisation", [["none", "none"], ["L1", "L1"], ["L2", "L2"]],
    "regularization", (v) => set({ regularization: v }));
  const regRateSel = select("regularisation rate", REG_RATES.map((r) => [r, r]),
    "regularization_rate", (v) => set({ regularization_rate: Number(v) }));
  const nPoints = range("points", 50, 500, 50, "n_points", (v) => String(v), (v) => set({ n_points: v }));
  const seedIn = h("input", { type: "number", min: 0, step: 1, "aria-label": "seed",
    onchange: () => set({ seed: Math.max(0, Math.round(Number(seedIn.value))) }) });
  const perFrameSel = select("epochs per frame", [1, 2, 5, 10, 20].map((v) => [v, v]), "play",
    (v) => { perFrame = Number(v); });
  const codeBox = h("pre", { class: "nnpg-code", hidden: true, tabindex: 0, "aria-label": "code" });
  const codeBtn = h("button", { text: "show the code", "aria-label": "show this network as nnlib code",
    onclick: () => { if (codeBox.hidden) send({ type: "code" }); else codeBox.hidden = true; } });
  const advanced = h("details", { class: "nnpg-adv", "data-control": "advanced",
    ...(model.get("advanced_open") ? { open: true } : {}) }, [
    h("summary", { text: "advanced: optimiser, regularisation, data size, seed, code" }),
    h("div", { class: "nnpg-row" }, [
      optSel, regSel, regRateSel, nPoints,
      h("label", { class: "nnpg-field", "data-control": "seed" }, [h("span", { text: "seed" }), seedIn]),
      perFrameSel,
      h("span", { "data-control": "code" }, codeBtn),
    ]),
    codeBox,
  ]);
  const status = h("div", { class: "nnpg-status", role: "status", "aria-live": "polite" });
  // The weight list moves with the arrow keys, not JupyterLab's cell selection.
  linkSel.addEventListener("keydown", (e) => {
    if (e.key.startsWith("Arrow") || e.key === "Home" || e.key === "End") e.stopPropagation();
  });
  // Up and down nudge the weight by 0.1 (shift: by 1) and redraw at once.
  valueIn.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
    e.preventDefault();
    e.stopPropagation();
    const d = (e.key === "ArrowUp" ? 1 : -1) * (e.shiftKey ? 1 : 0.1);
    const v = Math.round(((Number(valueIn.value) || 0) + d) * 1e4) / 1e4;
    valueIn.value = v;
    editValue();
  });
  // Enter commits a typed number (JupyterLab would otherwise take Enter for itself).
  for (const input of [seedIn, valueIn]) {
    input.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      e.stopPropagation();
      input.dispatchEvent(new Event("change"));
    });
  }

  const root = h("div", { class: "nnpg", tabindex: -1 }, [
    bar,
    h("div", { class: "nnpg-main" }, [dataCol, netCol, outCol]),
    advanced,
    status,
  ]);
  root.addEventListener("keydown", (e) => {
    if (e.key === " " && e.target === root) { e.preventDefault(); playing ? stop() : start(); }
  });
  el.append(root);

  // ----- play

  function start() {
    playing = true;
    playBtn.textContent = "❚❚";
    playBtn.setAttribute("aria-label", "pause");
    rate = { t: performance.now(), epoch: model.get("frame").epoch, value: null };
    pump();
  }
  function stop() {
    playing = false;
    playBtn.textContent = "▶";
    playBtn.setAttribute("aria-label", "play");
    speedOut.textContent = "";
  }
  function pump() {
    if (!playing || inFlight) return;
    inFlight = true;
    sentAt = performance.now();
    send({ type: "step", n: perFrame });
  }
  const watchdog = setInterval(() => {
    if (inFlight && performance.now() - sentAt > 5000) { inFlight = false; pump(); }
  }, 1000);

  // ----- settings → controls

  function changeLayers(d) {
    const hidden = [...model.get("settings").hidden];
    if (d > 0 && hidden.length < meta.limits.layers[1]) hidden.push(hidden.length ? hidden[hidden.length - 1] : 2);
    else if (d < 0 && hidden.length > 0) hidden.pop();
    else return;
    stop();
    set({ hidden });
  }
  function changeNeurons(layer, d) {
    const hidden = [...model.get("settings").hidden];
    const n = hidden[layer] + d;
    if (n < meta.limits.neurons[0] || n > meta.limits.neurons[1]) return;
    hidden[layer] = n;
    stop();
    set({ hidden });
  }
  function toggleFeature(f) {
    const feats = model.get("settings").features;
    const next = feats.includes(f) ? feats.filter((x) => x !== f) : [...feats, f];
    if (!next.length) { status.textContent = "Keep at least one feature."; return; }
    stop();
    set({ features: next });
  }

  function syncSettings() {
    const c = model.get("settings");
    const pick = (field, v) => {
      const s = field.querySelector("select");
      if (![...s.options].some((o) => Number(o.value) === v || o.value === String(v))) {
        s.append(h("option", { value: v, text: v }));
      }
      s.value = [...s.options].find((o) => Number(o.value) === v || o.value === String(v)).value;
    };
    pick(lrSel, c.learning_rate);
    pick(regRateSel, c.regularization_rate);
    actSel.querySelector("select").value = c.activation;
    probSel.querySelector("select").value = c.problem;
    optSel.querySelector("select").value = c.optimizer;
    regSel.querySelector("select").value = c.regularization;
    noise.set(Math.round(c.noise * 100));
    ratio.set(Math.round(c.train_ratio * 100));
    batch.set(c.batch_size);
    nPoints.set(c.n_points);
    seedIn.value = c.seed;
    discretize.checked = c.discretize;
    dataBtns.replaceChildren(...meta.datasets[c.problem].map((d) => h("button", {
      "aria-pressed": String(d === c.dataset), "aria-label": "data set " + d, text: d,
      onclick: () => { stop(); set({ dataset: d }); },
    })));
    custom.hidden = c.dataset !== "custom";
    const reg = c.problem === "regression";
    classBtns[0].textContent = reg ? "● +1" : "● class 1";
    classBtns[1].textContent = reg ? "■ −1" : "■ class 0";
    classBtns[0].setAttribute("aria-label", reg ? "draw value +1" : "draw class 1");
    classBtns[1].setAttribute("aria-label", reg ? "draw value −1" : "draw class 0");
    layerCount.textContent = `${c.hidden.length} hidden layer${c.hidden.length === 1 ? "" : "s"}`;
    legend.replaceChildren(
      h("span", { class: "nnpg-scale" }),
      h("span", { text: reg ? "output −1 … 0 … +1" : "p(class 1): 0 … ½ … 1" }),
      h("span", { class: "nnpg-key", text: reg ? "" : "■ class 0  ● class 1; hollow: test" }),
    );
    for (const e of root.querySelectorAll("[data-control]")) {
      e.hidden = c.hidden_controls.includes(e.dataset.control) ||
        (e.dataset.control === "dataset" && false);
    }
    custom.hidden = custom.hidden || c.hidden_controls.includes("dataset");
  }

  // ----- the network drawing

  function columns(sizes) {
    const n = sizes.length;
    const x0 = 48;
    const x1 = NET_W - NODE - 8;
    return sizes.map((_, k) => x0 + (k * (x1 - x0)) / Math.max(1, n - 1));
  }
  function rowY(count, i) {
    const top = (NET_H - count * ROW) / 2;
    return top + i * ROW + (ROW - NODE) / 2;
  }

  function buildNetwork(frame) {
    const c = model.get("settings");
    const sizes = frame.layer_sizes;
    const feats = frame.features;
    const all = meta.features;
    const xs = columns(sizes);
    nodeLayer.replaceChildren();
    svg.replaceChildren(selPath);
    layerHead.replaceChildren();
    stats.replaceChildren();
    nodes = sizes.map(() => []);
    links = [];
    // node positions: features keep their row among all seven, so toggling one does not move the rest
    const pos = sizes.map((count, k) => {
      if (k === 0) return feats.map((f) => [xs[0], rowY(all.length, all.indexOf(f))]);
      return Array.from({ length: count }, (_, i) => [xs[k], rowY(count, i)]);
    });
    all.forEach((f, r) => {
      const on = feats.includes(f);
      const cv = h("canvas", { width: N, height: N });
      paint(cv, meta.feature_grids[all.indexOf(f)], 0, N);
      const b = h("button", {
        class: "nnpg-feat" + (on ? "" : " nnpg-off"), "aria-pressed": String(on),
        "aria-label": `feature ${labels[f]}`, title: `feature ${labels[f]}: click to turn ${on ? "off" : "on"}`,
        style: `left:${xs[0] - 44}px;top:${rowY(all.length, r)}px`,
        onclick: () => toggleFeature(f),
      }, [h("span", { text: labels[f] }), cv]);
      if (c.hidden_controls.includes("features")) b.disabled = true;
      nodeLayer.append(b);
      if (on) nodes[0].push(cv);
    });
    for (let k = 1; k < sizes.length; k++) {
      for (let i = 0; i < sizes[k]; i++) {
        const cv = h("canvas", { width: N, height: N, class: "nnpg-node",
          style: `left:${pos[k][i][0]}px;top:${pos[k][i][1]}px` });
        cv.addEventListener("click", () => choose(`b:${k - 1}:${i}`));
        nodeLayer.append(cv);
        nodes[k].push(cv);
      }
      if (k < sizes.length - 1) {
        const layer = k - 1;
        layerHead.append(h("div", { class: "nnpg-neurons", "data-control": "neurons",
          style: `left:${xs[k] + NODE / 2 - 30}px` }, [
          h("button", { text: "+", "aria-label": `add a neuron to hidden layer ${k}`, onclick: () => changeNeurons(layer, +1) }),
          h("button", { text: "−", "aria-label": `remove a neuron from hidden layer ${k}`, onclick: () => changeNeurons(layer, -1) }),
          h("div", { text: xs.length > 1 && xs[1] - xs[0] < 66 ? String(sizes[k])
            : `${sizes[k]} neuron${sizes[k] === 1 ? "" : "s"}` }),
        ]));
      }
      const w = Math.min(64, xs[1] - xs[0] - 2);
      stats.append(h("div", { class: "nnpg-stat", style: `left:${xs[k] + NODE / 2 - w / 2}px;width:${w}px` }));
    }
    stats.prepend(h("div", { class: "nnpg-stat nnpg-stathead", style: "left:0px",
      text: "‖∇W‖\nmean\nstd\ndead" }));
    // links, from the right edge of neuron j to the left edge of neuron i
    const options = [];
    const ticks = [];
    for (let l = 0; l < sizes.length - 1; l++) {
      for (let i = 0; i < sizes[l + 1]; i++) {
        for (let j = 0; j < sizes[l]; j++) {
          const [ax, ay] = pos[l][j];
          const [bx, by] = pos[l + 1][i];
          const x1 = ax + NODE, y1 = ay + NODE / 2, x2 = bx, y2 = by + NODE / 2;
          const mx = (x1 + x2) / 2;
          const d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
          const key = `w:${l}:${i}:${j}`;
          const title = h("title");
          const path = h("path", { d, class: "nnpg-link" });
          const hit = h("path", { d, class: "nnpg-hit" }, title);
          hit.addEventListener("click", () => choose(key));
          hit.addEventListener("mouseenter", () => { hoverLayer = l; updateTicks(); });
          // dL/dw as a bar chart at the left edge of each neuron: one horizontal bar per
          // incoming weight (top: from the first neuron before), growing leftwards with
          // |dL/dw|, so that even 8 × 8 weights between close columns stay apart.
          const ty = pos[l + 1][i][1] + ((j + 0.5) * NODE) / sizes[l];
          const tick = h("line", { class: "nnpg-tick", x1: x2 - 1, x2: x2 - 1, y1: ty, y2: ty,
            "stroke-width": Math.min(2.5, NODE / sizes[l] - 0.8).toFixed(2) });
          svg.append(path, hit);
          ticks.push(tick);
          links.push({ l, i, j, key, d, path, tick, title, end: x2 - 1, room: Math.min(16, x2 - x1 - 6) });
          options.push([key, `${name(l, j)} → ${name(l + 1, i)}`]);
        }
      }
      for (let i = 0; i < sizes[l + 1]; i++) options.push([`b:${l}:${i}`, `bias of ${name(l + 1, i)}`]);
    }
    svg.append(...ticks); // above every link
    linkSel.replaceChildren(...options.map(([v, t]) => h("option", { value: v, text: t })));
    if (!selected || !options.some(([v]) => v === selected)) selected = options[0][0];
    linkSel.value = selected;
    svg.addEventListener("mouseleave", () => { hoverLayer = null; updateTicks(); });

    function name(layer, i) {
      if (layer === 0) return labels[feats[i]];
      if (layer === sizes.length - 1) return "output";
      return `h${layer}.${i + 1}`;
    }
  }

  function choose(key) {
    selected = key;
    linkSel.value = key;
    updateEditor(model.get("frame"));
    highlight();
    updateTicks();
  }
  /** Outline the selected connection (or the neuron whose bias is selected). */
  function highlight() {
    const { kind, layer, i } = parseKey(selected || "");
    let on = null;
    for (const L of links) {
      const sel = L.key === selected;
      L.path.classList.toggle("nnpg-sel", sel);
      if (sel) on = L;
    }
    selPath.setAttribute("d", on ? on.d : "M0,0");
    selPath.setAttribute("stroke-width", on ? Number(on.path.getAttribute("stroke-width") || 1) + 5 : 0);
    nodes.forEach((col, k) => col.forEach((cv, n) => {
      cv.classList.toggle("nnpg-sel", kind === "b" && k === layer + 1 && n === i);
    }));
  }
  /** Show the dL/dw ticks of one layer (hovered, else the selected weight's), all, or none. */
  function updateTicks() {
    const layer = hoverLayer ?? parseKey(selected || "w:0").layer;
    const frame = model.get("frame");
    const shown = (L) => gradMode === "all" || (gradMode === "layer" && L.l === layer);
    // While the mouse is on a layer, the others step back.
    for (const L of links) L.path.classList.toggle("nnpg-faded", hoverLayer !== null && L.l !== hoverLayer);
    let gmax = 0;
    for (const L of links) if (shown(L)) gmax = Math.max(gmax, Math.abs(frame.grads?.[L.l]?.[L.i]?.[L.j] ?? 0));
    for (const L of links) {
      const g = frame.grads?.[L.l]?.[L.i]?.[L.j];
      const len = shown(L) && gmax > 0 ? 1 + ((L.room - 1) * Math.abs(g ?? 0)) / gmax : 0;
      L.tick.setAttribute("x1", (L.end - len).toFixed(1));
      L.tick.setAttribute("visibility", len > 0 ? "visible" : "hidden");
    }
    const where = gradMode === "all" ? "every layer" : `weight layer ${layer + 1}`;
    if (gradMode === "colour") {
      let top = 0;
      for (const L of links) top = Math.max(top, Math.abs(frame.grads?.[L.l]?.[L.i]?.[L.j] ?? 0));
      gradKey.textContent = `links: −dL/dw, the way a step moves each weight (blue up, ` +
        `orange down); thickest |dL/dw| ${fmt(top, 2)}`;
    } else {
      gradKey.textContent = gradMode === "none" ? "" :
        `bars left of each neuron: |dL/dw| of its inputs on ${where}, longest ${fmt(gmax, 2)}` +
        (gradMode === "layer" ? " (hover a layer, or choose a weight, to see another)" : "");
    }
  }
  function parseKey(key) {
    const [kind, ...rest] = key.split(":");
    const [layer, i, j] = rest.map(Number);
    return { kind, layer, i, j };
  }
  function updateEditor(frame) {
    if (!selected) return;
    const { kind, layer, i, j } = parseKey(selected);
    const value = kind === "w" ? frame.weights[layer]?.[i]?.[j] : frame.biases[layer]?.[i];
    const grad = kind === "w" ? frame.grads[layer]?.[i]?.[j] : frame.bias_grads[layer]?.[i];
    if (document.activeElement !== valueIn) valueIn.value = value === null || value === undefined ? "" : Number(value.toFixed(4));
    gradOut.textContent = fmt(grad);
  }
  function editValue() {
    const v = Number(valueIn.value);
    if (!Number.isFinite(v) || !selected) return;
    const { kind, layer, i, j } = parseKey(selected);
    if (kind === "w") send({ type: "set_weight", layer, i, j, value: v });
    else send({ type: "set_bias", layer, i, value: v });
  }

  function updateNetwork(frame, grid) {
    let gmax = 0;
    for (const L of links) gmax = Math.max(gmax, Math.abs(frame.grads[L.l][L.i][L.j] ?? 0));
    for (const L of links) {
      const w = frame.weights[L.l][L.i][L.j];
      const g = frame.grads[L.l][L.i][L.j];
      // Weights: blue positive, orange (dashed) negative, thicker when larger. Gradients: the
      // direction a step moves the weight (-dL/dw), thicker in proportion to |dL/dw|.
      const v = gradMode === "colour" ? -(g ?? 0) : w;
      const a = Math.abs(v ?? 0);
      const width = gradMode === "colour" ? 0.4 + (6 * a) / (gmax || 1) : 0.6 + (5 * a) / (a + 1);
      L.path.setAttribute("stroke", v >= 0 ? BLUE_CSS : ORANGE_CSS);
      L.path.setAttribute("stroke-width", width.toFixed(2));
      L.path.setAttribute("stroke-dasharray", v >= 0 ? "none" : "5 3");
      L.title.textContent = `weight ${fmt(w)}, dL/dw ${fmt(g)} (click to edit)`;
    }
    highlight();
    updateTicks();
    if (!grid) return;
    let off = S * S;
    for (let k = 1; k < nodes.length; k++) {
      nodes[k].forEach((cv, i) => {
        paint(cv, grid, off, N);
        off += N * N;
        cv.title = `${k === nodes.length - 1 ? "output" : `h${k}.${i + 1}`}: bias ${fmt(frame.biases[k - 1][i])}`;
      });
    }
    const cells = stats.querySelectorAll(".nnpg-stat:not(.nnpg-stathead)");
    frame.stats.forEach((s, k) => {
      if (!cells[k]) return;
      const dead = model.get("settings").activation === "relu" || s.dead > 0 ? `${Math.round(100 * s.dead)}%` : "–";
      cells[k].replaceChildren(
        h("span", { class: "nnpg-gbar", style: `width:${Math.min(100, Math.max(2, 100 + 20 * Math.log10((s.grad_norm ?? 0) + 1e-12) - 40))}%` }),
        h("div", { text: `${fmt(s.grad_norm, 2)}\n${fmt(s.mean, 2)}\n${fmt(s.std, 2)}\n${dead}` }),
      );
    });
    updateEditor(frame);
  }

  // ----- the output picture and the loss curve

  function drawSurface() {
    const grid = floats(model.get("grids"));
    if (grid.length >= S * S) paint(small, grid, 0, S);
    const ctx = surface.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, surface.width, surface.height);
    const pts = model.get("points");
    const reg = model.get("settings").problem === "regression";
    const px = (x) => ((x + R) / (2 * R)) * surface.width;
    const py = (y) => ((R - y) / (2 * R)) * surface.height;
    const drawSet = (set, test) => {
      for (const [x, y, v] of set) {
        const val = reg ? v : v === 1 ? 1 : -1;
        const [r, g, b] = reg ? colour(v) : val > 0 ? BLUE : ORANGE;
        ctx.fillStyle = test ? "rgba(255,255,255,0.9)" : `rgb(${r},${g},${b})`;
        ctx.strokeStyle = test ? `rgb(${r},${g},${b})` : "#222";
        ctx.lineWidth = test ? 3 : 1.2;
        ctx.beginPath();
        if (val > 0) ctx.arc(px(x), py(y), 5, 0, 2 * Math.PI);
        else ctx.rect(px(x) - 4.5, py(y) - 4.5, 9, 9);
        ctx.fill();
        ctx.stroke();
      }
    };
    drawSet(pts.train || [], false);
    if (showTest.checked) drawSet(pts.test || [], true);
  }

  function drawChart(frame) {
    const ctx = chart.getContext("2d");
    const W = chart.width, H = chart.height;
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = "#fafafa";
    ctx.fillRect(0, 0, W, H);
    const tr = frame.history.train, te = frame.history.test;
    const vals = tr.concat(te).filter((v) => v !== null && Number.isFinite(v));
    const top = vals.length ? Math.max(...vals) : 1;
    const line = (ys, css, dash) => {
      if (ys.length < 1) return;
      ctx.strokeStyle = css;
      ctx.lineWidth = 3;
      ctx.setLineDash(dash);
      ctx.beginPath();
      let started = false;
      ys.forEach((v, k) => {
        if (v === null) return;
        const x = ys.length === 1 ? 0 : (k / (ys.length - 1)) * (W - 4) + 2;
        const y = H - 4 - (Math.min(v, top) / (top || 1)) * (H - 10);
        if (started) ctx.lineTo(x, y); else ctx.moveTo(x, y);
        started = true;
      });
      ctx.stroke();
    };
    line(te, VERMILLION, [10, 6]);
    line(tr, BLUE_CSS, []);
    ctx.setLineDash([]);
    ctx.fillStyle = "#555";
    ctx.font = "18px sans-serif";
    ctx.fillText(`loss (top ${fmt(top, 2)})`, 6, 20);
    ctx.textAlign = "right";
    ctx.fillText(`epochs 0 … ${frame.epoch} →`, W - 6, H - 8);
    ctx.textAlign = "left";
  }

  // ----- one frame

  function draw() {
    const frame = model.get("frame");
    if (!frame || !frame.layer_sizes) return;
    if (frame.seq >= seq) inFlight = false;
    const msg = model.get("status");
    if (msg && playing) stop();
    // Ask for the next epochs first, so that the kernel trains while this frame is drawn.
    if (playing) pump();
    const grid = floats(model.get("grids"));
    const key = JSON.stringify([frame.layer_sizes, frame.features, model.get("settings").hidden_controls]);
    if (key !== netKey) { netKey = key; buildNetwork(frame); }
    epochOut.textContent = String(frame.epoch).padStart(6, "0").replace(/(\d{3})$/, ",$1");
    const acc = frame.train_accuracy === null ? "" :
      ` · accuracy ${Math.round(100 * frame.train_accuracy)}% / ${frame.test_accuracy === null ? "–" : Math.round(100 * frame.test_accuracy) + "%"}`;
    lossOut.replaceChildren(
      h("span", { class: "nnpg-train", text: `— training loss ${fmt(frame.train_loss)}` }),
      h("span", { class: "nnpg-test", text: ` - - test loss ${fmt(frame.test_loss)}` }),
      h("span", { text: acc }),
    );
    updateNetwork(frame, grid);
    drawSurface();
    drawChart(frame);
    status.textContent = msg;
    if (playing) {
      const now = performance.now();
      if (now - rate.t > 1000) {
        rate.value = ((frame.epoch - rate.epoch) * 1000) / (now - rate.t);
        rate = { t: now, epoch: frame.epoch, value: rate.value };
      }
      if (rate.value !== null) speedOut.textContent = ` ${rate.value.toFixed(0)} epochs/s`;
    }
    drawn += 1;
    root.dataset.drawn = String(drawn);
    root.dataset.epoch = String(frame.epoch);
    root.dataset.loss = String(frame.train_loss);
    const pts = model.get("points");
    root.dataset.points = String((pts.train || []).length + (pts.test || []).length);
  }

  surface.addEventListener("click", (e) => {
    if (model.get("settings").dataset !== "custom") {
      status.textContent = "Choose the data set “custom” to draw points.";
      return;
    }
    const rect = surface.getBoundingClientRect();
    const x1 = ((e.clientX - rect.left) / rect.width) * 2 * R - R;
    const x2 = R - ((e.clientY - rect.top) / rect.height) * 2 * R;
    const reg = model.get("settings").problem === "regression";
    const c = e.shiftKey ? 1 - drawLabel : drawLabel;
    stop();
    send({ type: "add_point", x1, x2, label: reg ? (c === 1 ? 1 : -1) : c });
  });

  model.on("change:settings", syncSettings);
  model.on("change:frame", draw);
  model.on("change:points", drawSurface);
  model.on("change:code", () => { codeBox.textContent = model.get("code"); codeBox.hidden = false; });
  syncSettings();
  draw();
  return () => { playing = false; clearInterval(watchdog); };
}

export default { render };
