// What is selected (view, layer, head, focused query and key, step, threshold, ...), and the
// lookups every panel shares. ax.set changes the state and redraws what depends on it.
"use strict";
AXLib.modules.push(function state(ax) {
  const meta = ax.meta, P = meta.percentDecimals, FULL = 100 * Math.pow(10, P);
  ax.FULL = FULL; // a whole row, in tenths of a percent
  ax.state = { view: 0, layer: 0, head: 0, qi: 0, kj: 0, step: 0, threshold: 5, stretch: false, scale: "theme",
    selection: null, compare: [], sizeBy: "received", particles: !AXLib.reducedMotion(), order: "layers" };
  ax.pct = (tenths) => AXLib.fmt(tenths, P) + " %";

  // Each view's weights as one dense array [layer][head][row][column] (hidden cells 0), and its
  // mask as one byte per cell: the page stores only the visible cells.
  for (const view of meta.views) {
    const n = view.rowTokens.length, m = view.colTokens.length;
    view.visible = new Uint8Array(n * m).fill(1);
    if (view.mask) view.mask.forEach((row, i) => { for (let j = 0; j < m; j++) view.visible[i * m + j] = row[j] === "1"; });
    const cells = view.visible.reduce((a, b) => a + b, 0), stored = ax.arrays[view.fields.pct];
    const dense = (view.dense = new Int16Array(view.layers * view.heads * n * m));
    const where = [];
    for (let c = 0; c < n * m; c++) if (view.visible[c]) where.push(c);
    for (let h = 0; h < view.layers * view.heads; h++) {
      const into = h * n * m, from = h * cells;
      for (let c = 0; c < cells; c++) dense[into + where[c]] = stored[from + c];
    }
    view.detailCache = new Map();
  }

  ax.view = () => meta.views[ax.state.view];
  // Layer and head as the current view has them: switching to rollout (one "head") and back keeps the head.
  ax.layer = () => Math.max(0, Math.min(ax.view().layers - 1, ax.state.layer));
  ax.head = () => Math.max(0, Math.min(ax.view().heads - 1, ax.state.head));
  ax.n = () => ax.view().rowTokens.length;
  ax.m = () => ax.view().colTokens.length;
  ax.isHidden = (i, j, view = ax.view()) => !view.visible[i * view.colTokens.length + j];

  // The weights of one head (tenths of a percent, rows × columns).
  ax.weightBlock = function (layer, head, view = ax.view()) {
    const size = view.rowTokens.length * view.colTokens.length, index = layer * view.heads + head;
    return view.dense.subarray(index * size, (index + 1) * size);
  };
  ax.weight = (i, j) => ax.weightBlock(ax.layer(), ax.head())[i * ax.m() + j];

  // Per-token numbers of the current head: q and the output by query row, k and v by key row.
  ax.value = function (name, i, d) {
    const view = ax.view(), array = ax.arrays[view.fields[name]], head = ax.layer() * view.heads + ax.head();
    const rows = name === "k" || name === "v" ? ax.m() : ax.n();
    return array[(head * rows + i) * view.terms + d];
  };

  // The keys whose worked numbers a row keeps: every visible key, or the row's `keys` strongest
  // (ties to the earlier key), in column order: the same rule as compact.detail_selection.
  ax.keptKeys = function (block, i, m, visible, keys) {
    const shown = [];
    for (let j = 0; j < m; j++) if (visible[i * m + j]) shown.push(j);
    if (keys === null || shown.length <= keys) return shown;
    return shown.sort((a, b) => block[i * m + b] - block[i * m + a] || a - b).slice(0, keys).sort((a, b) => a - b);
  };

  // The worked numbers of one head (q·k, scaled score, e^s per cell; the row's max and sum),
  // rebuilt from the stored residuals with the same integer steps as compact.encode_details.
  ax.worked = function (layer = ax.layer(), head = ax.head()) {
    const view = ax.view(), index = layer * view.heads + head;
    if (view.detailCache.has(index)) return view.detailCache.get(index);
    const n = ax.n(), m = ax.m(), d = view.detail, F = (name) => ax.arrays[d.fields[name]];
    const ln = F("ln"), table = F("exp"), rowMax = F("rowMax"), expSum = F("expSum");
    const scaledRes = F("scaledRes"), scoreRes = F("scoreRes"), expRes = F("expRes");
    const block = ax.weightBlock(layer, head), shifted = view.shifted[layer][head];
    if (view.perHead === undefined) {
      view.perHead = 0;
      for (let i = 0; i < n; i++) view.perHead += ax.keptKeys(block, i, m, view.visible, d.keys).length;
    }
    const out = { score: new Int32Array(n * m).fill(AXLib.NONE), scaled: new Int32Array(n * m).fill(AXLib.NONE),
      exps: new Int32Array(n * m).fill(AXLib.NONE), rowMax: rowMax.subarray(index * n, (index + 1) * n),
      expSum: expSum.subarray(index * n, (index + 1) * n) };
    let o = index * view.perHead;
    for (let i = 0; i < n; i++) {
      const top = out.rowMax[i];
      let pmax = 0;
      for (let j = 0; j < m; j++) if (view.visible[i * m + j] && block[i * m + j] > pmax) pmax = block[i * m + j];
      for (const j of ax.keptKeys(block, i, m, view.visible, d.keys)) {
        const c = i * m + j, s = top - (ln[pmax] - ln[block[c]]) + scaledRes[o];
        const at = shifted ? top - s : -s;
        out.scaled[c] = s;
        out.score[c] = Math.floor(s * d.inverseScale + 0.5) + scoreRes[o];
        out.exps[c] = (at > d.expHigh ? 0 : table[at - d.expLow]) + expRes[o];
        o++;
      }
    }
    view.detailCache.set(index, out);
    return out;
  };

  // Weight (tenths of a percent) → index into ax.weightRGB. With `stretch` on, a block's largest
  // weight gets the darkest colour: a long sentence's weights are all small, and would all be pale.
  ax.colorIndex = function (block) {
    if (!ax.state.stretch) return (tenths) => tenths;
    const max = Math.max(1, ax.blockMax(block));
    return (tenths) => Math.min(FULL, Math.round((tenths * FULL) / max));
  };
  ax.blockMax = function (block) {
    let max = 0;
    for (let c = 0; c < block.length; c++) if (block[c] > max) max = block[c];
    return max;
  };
  ax.colors = function () {
    const theme = meta.theme, safe = ax.state.scale === "safe";
    const stops = safe ? theme.weight_scale_safe : [theme.weight_low, theme.weight_high];
    if (ax.colorsFor !== ax.state.scale) {
      ax.weightRGB = AXLib.colorTable(stops, safe ? 1 : theme.weight_gamma, FULL);
      ax.maskedRGB = (({ r, g, b }) => [r, g, b])(d3.rgb(theme.masked_fill));
      ax.colorsFor = ax.state.scale;
    }
    return stops;
  };

  // A block of weights as an image of one pixel per cell (drawn scaled up: fast for 512 × 512).
  ax.blockImage = function (block, rows, columns, visible, color = ax.colorIndex(block), canvas = document.createElement("canvas")) {
    if (canvas.width !== columns || canvas.height !== rows) { canvas.width = columns; canvas.height = rows; }
    const context = canvas.getContext("2d"), pixels = context.createImageData(columns, rows);
    for (let c = 0; c < rows * columns; c++) {
      pixels.data.set(visible && !visible[c] ? ax.maskedRGB : ax.weightRGB[color(block[c])], 4 * c);
      pixels.data[4 * c + 3] = 255;
    }
    context.putImageData(pixels, 0, 0);
    return canvas;
  };

  ax.layerName = (layer, view = ax.view()) => String((view.layerNumbers || [])[layer] || layer + 1);
  ax.headNumber = (head, view = ax.view()) => String((view.headNumbers || [])[head] || head + 1);
  ax.headName = function (layer, head, view = ax.view()) {
    if (view.kind === "rollout") return ax.t("name_rollout", { layer: ax.layerName(layer, view) });
    if (view.kind === "average") return ax.t("name_average", { layer: ax.layerName(layer, view) });
    return view.layers > 1 ? ax.t("name_layer_head", { layer: ax.layerName(layer, view), head: ax.headNumber(head, view) })
      : ax.t("name_head", { head: ax.headNumber(head, view) });
  };
  ax.headColor = (head, view = ax.view()) => (view.kind !== "attention" ? meta.theme.weight_high
    : meta.theme.head_colors[(+ax.headNumber(head, view) - 1) % meta.theme.head_colors.length]);

  ax.set = function ({ force, ...patch }) {
    const before = Object.assign({}, ax.state);
    Object.assign(ax.state, patch);
    const s = ax.state;
    if (s.view !== before.view) s.selection = null; // a selection is cells of one grid
    s.qi = Math.max(0, Math.min(ax.n() - 1, s.qi));
    s.kj = Math.max(0, Math.min(ax.m() - 1, s.kj));
    const changed = new Set(Object.keys(s).filter((key) => s[key] !== before[key]));
    if (force) changed.add("view");
    if (changed.has("scale")) ax.colors();
    for (const panel of ax.panels) {
      const started = performance.now();
      panel.draw(changed);
      if (force) ax.timings[panel.name || "panel" + ax.panels.indexOf(panel)] = performance.now() - started;
    }
    for (const listener of ax.listeners) listener(changed);
  };
});
