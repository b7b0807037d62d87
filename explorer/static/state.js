// What is selected (view, layer, head, focused query and key, step, threshold), and the
// lookups every panel shares. AX.set changes the state and redraws what depends on it.
"use strict";
AX.state = { view: 0, layer: 0, head: 0, qi: 0, kj: 0, step: 0, threshold: 5, stretch: false };
AX.panels = []; // each: { draw(changed) }, registered by its file

AX.view = () => AX.meta.views[AX.state.view];
// Layer and head as the current view has them: switching to rollout (one "head") and back keeps the head.
AX.layer = () => Math.max(0, Math.min(AX.view().layers - 1, AX.state.layer));
AX.head = () => Math.max(0, Math.min(AX.view().heads - 1, AX.state.head));
AX.n = () => AX.view().rowTokens.length;
AX.m = () => AX.view().colTokens.length;

// Field `name` of the current view, layer and head, at row i (and column j or dimension j).
AX.value = function (name, i, j) {
  const view = AX.view(), array = AX.arrays[view.fields[name]], s = AX.state;
  const head = AX.layer() * view.heads + AX.head();
  if (name === "expSum") return array[head * AX.n() + i];
  if (name === "q" || name === "output") return array[(head * AX.n() + i) * view.terms + j];
  if (name === "k" || name === "v") return array[(head * AX.m() + i) * view.terms + j];
  return array[(head * AX.n() + i) * AX.m() + j];
};
AX.isHidden = (name, i, j) => AX.value(name, i, j) === AX.arrays[AX.view().fields[name]].hidden;

// Weight (tenths of a percent) → index into AX.weightRGB. With `stretch` on, a block's largest
// weight gets the darkest colour: a long sentence's weights are all small, and would all be pale.
AX.colorIndex = function (block) {
  if (!AX.state.stretch) return (tenths) => tenths;
  const full = AX.weightRGB.length - 1, max = Math.max(1, AX.blockMax(block));
  return (tenths) => Math.round((tenths * full) / max);
};
AX.blockMax = function (block) {
  let max = 0;
  for (let c = 0; c < block.length; c++) if (block[c] > max) max = block[c];
  return max;
};

// A block of weights as an image of one pixel per cell (drawn scaled up: fast for 512 × 512);
// isHidden(c) marks the cells the causal mask hides.
AX.blockImage = function (block, rows, columns, isHidden) {
  const canvas = document.createElement("canvas");
  canvas.width = columns; canvas.height = rows;
  const context = canvas.getContext("2d"), pixels = context.createImageData(columns, rows), color = AX.colorIndex(block);
  for (let c = 0; c < rows * columns; c++) {
    pixels.data.set(isHidden && isHidden(c) ? AX.maskedRGB : AX.weightRGB[color(block[c])], 4 * c);
    pixels.data[4 * c + 3] = 255;
  }
  context.putImageData(pixels, 0, 0);
  return canvas;
};

// The current head's weights as one block of tenths of a percent (rows × columns), for drawing.
AX.weightBlock = function (layer, head) {
  const view = AX.view(), size = AX.n() * AX.m();
  const index = layer * view.heads + head;
  return AX.arrays[view.fields.pct].subarray(index * size, (index + 1) * size);
};

AX.headName = function (layer, head) {
  const view = AX.view(), parts = [];
  if (view.kind === "rollout") return "rollout after layer " + (layer + 1);
  if (view.layers > 1) parts.push("layer " + (layer + 1));
  parts.push("head " + (head + 1));
  return parts.join(" · ");
};

AX.set = function ({ force, ...patch }) {
  const before = Object.assign({}, AX.state);
  Object.assign(AX.state, patch);
  const view = AX.view(), s = AX.state;
  s.qi = Math.max(0, Math.min(AX.n() - 1, s.qi));
  s.kj = Math.max(0, Math.min(AX.m() - 1, s.kj));
  const changed = new Set(Object.keys(s).filter((key) => s[key] !== before[key]));
  if (force) changed.add("view");
  for (const panel of AX.panels) {
    const started = performance.now();
    panel.draw(changed);
    if (AX.timings && force) AX.timings[panel.name || "panel" + AX.panels.indexOf(panel)] = performance.now() - started;
  }
};
