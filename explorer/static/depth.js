// Depth: the focused query's attention layer by layer (layers as rows, keys as columns), so a learner
// sees the pattern change with depth: each layer's heads averaged, or one head number in every layer.
"use strict";
AXLib.modules.push(function depth(ax) {
  const canvas = ax.el("depth"), panel = ax.el("depth-panel"), readout = ax.el("depth-readout"), mode = ax.el("depth-mode");
  const self = ax.meta.views[0], average = ax.meta.views.find((v) => v.id === "average");
  const dv = (ax.depth = { box: null });
  if (self.layers < 2) { panel.hidden = true; return; }
  if (!average) mode.querySelector("option[value=average]").remove();

  // The row of query i in every layer: tenths of a percent, [layer][key].
  dv.rows = function (i = ax.state.qi) {
    const m = self.colTokens.length, useAverage = mode.value === "average" && average;
    const head = Math.min(ax.state.head, self.heads - 1);
    return d3.range(self.layers).map((layer) => Array.from(
      (useAverage ? ax.weightBlock(layer, 0, average) : ax.weightBlock(layer, head, self)).subarray(i * m, (i + 1) * m)));
  };

  function draw() {
    if (ax.view().id === "cross") { panel.hidden = true; return; }
    panel.hidden = false;
    const rows = dv.rows(), m = self.colTokens.length, layers = rows.length, s = ax.state;
    const width = Math.max(260, (canvas.parentElement.clientWidth || 500) - 26), left = 34, top = 4;
    const cell = Math.max(3, Math.min(22, (width - left - 4) / m)), height = Math.max(4, Math.min(20, 300 / layers));
    const box = (dv.box = { left, top, cell, height, width: left + cell * m + 4, full: top + height * layers + 4 });
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(box.width * ratio); canvas.height = Math.round(box.full * ratio);
    canvas.style.width = box.width + "px"; canvas.style.height = box.full + "px";
    const context = canvas.getContext("2d"), theme = ax.meta.theme;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    ax.colors();
    const flat = rows.flat(), top1 = s.stretch ? Math.max(1, ...flat) : ax.FULL;
    rows.forEach((row, layer) => row.forEach((tenths, j) => {
      const hidden = !self.visible[s.qi * m + j], rgb = hidden ? ax.maskedRGB : ax.weightRGB[Math.min(ax.FULL, Math.round((tenths * ax.FULL) / top1))];
      context.fillStyle = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
      context.fillRect(left + j * cell, top + layer * height, cell + 0.5, height + 0.5);
    }));
    context.strokeStyle = theme.highlight; context.lineWidth = 1.5;
    const current = Math.min(ax.state.layer, layers - 1);
    context.strokeRect(left, top + current * height, cell * m, height);
    context.strokeRect(left + s.kj * cell, top, cell, height * layers);
    context.fillStyle = theme.muted; context.font = "10px " + theme.font + ", sans-serif"; context.textAlign = "right"; context.textBaseline = "middle";
    const every = Math.ceil(11 / height);
    for (let layer = 0; layer < layers; layer += every) context.fillText("L" + ax.layerName(layer, self), left - 4, top + (layer + 0.5) * height);
    ax.el("depth-title").innerHTML = ax.th("depth_title", { token: AXLib.tok(self.rowTokens[s.qi]) });
    read(current, s.kj, rows);
  }

  function read(layer, j, rows = dv.rows()) {
    const useAverage = mode.value === "average" && average;
    readout.innerHTML = `${useAverage ? ax.th("depth_average", { layer: ax.layerName(layer, self) })
      : ax.th("depth_head", { layer: ax.layerName(layer, self), head: ax.headNumber(Math.min(ax.state.head, self.heads - 1), self) })}:
      ${AXLib.tok(self.rowTokens[ax.state.qi])} → ${AXLib.tok(self.colTokens[j])} <b id="${ax.id("depth-weight")}">${ax.pct(rows[layer][j])}</b>`;
  }

  const cellAt = (event) => {
    const rect = canvas.getBoundingClientRect(), b = dv.box;
    const j = Math.floor((event.clientX - rect.left - b.left) / b.cell), layer = Math.floor((event.clientY - rect.top - b.top) / b.height);
    return j >= 0 && j < self.colTokens.length && layer >= 0 && layer < self.layers ? [layer, j] : null;
  };
  canvas.addEventListener("mousemove", (event) => { const c = cellAt(event); if (c) read(c[0], c[1]); });
  canvas.addEventListener("click", (event) => { const c = cellAt(event); if (c) ax.set({ layer: c[0], kj: c[1] }); });
  mode.addEventListener("change", draw);
  ax.panels.push({
    name: "depth",
    draw(changed) {
      if (["view", "layer", "head", "qi", "kj", "stretch", "scale"].some((key) => changed.has(key))) draw();
    },
  });
});
