"""The browser side of nnlib's widgets (JavaScript modules and CSS, run by anywidget).

Kept as Python strings so that they ship with the package however it is
installed. ``format`` below mirrors ``nnlib.widgets.format_number`` exactly:
a readout looks the same whether the browser or Python wrote it.
"""

SLIDER_ESM = r"""
function trim(text) {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}
function exponent(text) {
  const [mantissa, power] = text.split("e");
  return `${mantissa}e${parseInt(power, 10)}`;
}
export function format(value, spec) {
  const m = /^(?:\.(\d+))?(~)?([efgd%])?$/.exec(spec || "");
  if (!m || !Number.isFinite(value)) return String(value);
  const digits = m[1] === undefined ? null : parseInt(m[1], 10);
  const cut = m[2] === "~";
  const kind = m[3] || "g";
  let text;
  if (kind === "d") {
    text = String(Math.round(value));
  } else if (kind === "f") {
    text = value.toFixed(digits === null ? 6 : digits);
    if (cut) text = trim(text);
  } else if (kind === "%") {
    text = (value * 100).toFixed(digits === null ? 0 : digits);
    text = (cut ? trim(text) : text) + "%";
  } else if (kind === "e") {
    const [head, power] = value.toExponential(digits === null ? 6 : digits).split("e");
    text = exponent(`${cut ? trim(head) : head}e${power}`);
  } else {
    const p = Math.max(1, digits === null ? 6 : digits);
    if (value === 0) {
      text = "0";
    } else {
      const rounded = Number(value.toExponential(p - 1));
      const power = Math.floor(Math.log10(Math.abs(rounded)));
      if (power < -4 || power >= Math.max(p, 6)) {
        const [head, tail] = value.toExponential(p - 1).split("e");
        text = exponent(`${trim(head)}e${tail}`);
      } else {
        text = trim(value.toFixed(Math.max(0, p - 1 - power)));
      }
    }
  }
  if (/^-0(\.0*)?%?$/.test(text)) text = text.slice(1);
  return text;
}

let counter = 0;

function render({ model, el }) {
  const id = `nnlib-slider-${Date.now().toString(36)}-${counter++}`;
  el.classList.add("nnlib-slider");
  // Arrow keys, Page Up/Down, Home and End belong to the slider, not to JupyterLab's
  // notebook shortcuts (a range input is not a text field, so they would be taken).
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  const label = document.createElement("label");
  label.className = "nnlib-slider-label";
  label.htmlFor = id;
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  input.className = "nnlib-slider-input";
  input.setAttribute("data-lm-suppress-shortcuts", "true");
  const out = document.createElement("output");
  out.className = "nnlib-slider-readout";
  out.setAttribute("for", id);
  out.setAttribute("aria-hidden", "true"); // the input's aria-valuetext already says it
  el.append(label, input, out);

  const log = () => model.get("scale") === "log";
  const toPosition = (v) => (log() ? Math.log(v) / Math.log(model.get("base")) : v);
  const fromPosition = (p) => (log() ? Math.pow(model.get("base"), p) : p);
  const text = (v) => {
    const shown = format(v, model.get("readout_format"));
    const units = model.get("units");
    return units ? `${shown} ${units}` : shown;
  };
  const showValue = (v) => {
    const t = text(v);
    out.textContent = t;
    input.setAttribute("aria-valuetext", t);
  };

  function sync() {
    const description = model.get("description");
    label.textContent = description;
    const width = model.get("description_width");
    label.style.flex = width && width !== "initial" ? `0 0 ${width}` : "0 0 auto";
    input.setAttribute("aria-label", description || "slider");
    input.min = String(model.get("min"));
    input.max = String(model.get("max"));
    input.step = String(model.get("step"));
    input.value = String(toPosition(model.get("value")));
    input.disabled = model.get("disabled");
    out.hidden = !model.get("readout");
    const tooltip = model.get("tooltip");
    if (tooltip) el.title = tooltip;
    else el.removeAttribute("title");
    showValue(model.get("value"));
  }

  // While the learner drags, send at most one value per 40 ms (the kernel
  // redraws a figure per value); a key press or the end of a drag always sends.
  let timer = null;
  let pending = null;
  const send = () => {
    timer = null;
    if (pending === null) return;
    model.set("value", pending);
    pending = null;
    model.save_changes();
  };
  const read = () => {
    const v = fromPosition(parseFloat(input.value));
    return model.get("scale") === "log" ? v : Number(v);
  };
  input.addEventListener("input", () => {
    const v = read();
    showValue(v);
    if (!model.get("continuous_update")) return;
    pending = v;
    if (timer === null) {
      send();
      timer = setTimeout(send, 40);
    }
  });
  input.addEventListener("change", () => {
    pending = read();
    if (timer !== null) clearTimeout(timer);
    send();
  });

  sync();
  model.on("change", sync);
  return () => {
    model.off("change", sync);
    if (timer !== null) clearTimeout(timer);
  };
}

export default { render };
"""

SLIDER_CSS = r"""
.nnlib-slider {
  display: flex;
  align-items: center;
  gap: 8px;
  min-height: 28px;
  max-width: 100%;
  box-sizing: border-box;
  font-size: var(--jp-widgets-font-size, 13px);
  color: var(--jp-widgets-label-color, var(--jp-ui-font-color1, #000));
}
.nnlib-slider-label {
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.nnlib-slider-input {
  flex: 1 1 auto;
  min-width: 80px;
  margin: 0;
  accent-color: #0072b2;
}
.nnlib-slider-input:focus-visible {
  outline: 2px solid #d55e00;
  outline-offset: 2px;
}
.nnlib-slider-readout {
  flex: 0 0 auto;
  min-width: 4.5em;
  font-variant-numeric: tabular-nums;
}
"""

FIGURE_ESM = r"""
function render({ model, el }) {
  el.classList.add("nnlib-figure");
  const img = document.createElement("img");
  img.style.maxWidth = "100%";
  img.style.height = "auto";
  img.style.display = "block";
  el.append(img);
  let url = null;
  function show() {
    const data = model.get("value");
    if (data && data.byteLength) {
      const next = URL.createObjectURL(new Blob([data], { type: "image/png" }));
      img.src = next;
      if (url !== null) URL.revokeObjectURL(url);
      url = next;
    }
    img.alt = model.get("alt");
    const width = model.get("width");
    img.style.width = width ? `${width}px` : "";
  }
  show();
  model.on("change:value", show);
  model.on("change:alt", show);
  model.on("change:width", show);
  return () => {
    model.off("change:value", show);
    model.off("change:alt", show);
    model.off("change:width", show);
    if (url !== null) URL.revokeObjectURL(url);
  };
}

export default { render };
"""
