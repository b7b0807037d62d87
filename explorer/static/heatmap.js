// The heatmap: one canvas for the weights (zoom and pan with d3.zoom), one on top for the
// hovered cell, so a hover redraws one outline and a line of text, nothing else.
"use strict";
(function () {
  const base = document.getElementById("heatmap"), overlay = document.getElementById("heatmap-overlay");
  const wrap = document.getElementById("heatmap-wrap");
  const heatmap = { transform: d3.zoomIdentity, hovered: null, image: null };
  AX.heatmap = heatmap;

  function layout() {
    // The whole grid fits the first screen: as wide as the panel, but no taller than the window leaves.
    const room = window.innerHeight - (wrap.getBoundingClientRect().top + window.scrollY) - 60;
    const width = Math.min(wrap.clientWidth || 560, 620, Math.max(340, room));
    const label = Math.min(96, 18 + 7 * longest());
    const left = label, top = label, area = width - left - 4;
    const cell = Math.min(72, area / AX.m(), area / AX.n()); // a 3-token grid need not fill the panel
    return { width, height: top + cell * AX.n() + 4, left, top, cell };
  }
  const longest = () => Math.max(...AX.view().rowTokens.concat(AX.view().colTokens).map((t) => Math.min(12, String(t).length)));

  function sizeCanvas(canvas, box) {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    canvas.style.width = box.width + "px";
    canvas.style.height = box.height + "px";
    const context = canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    return context;
  }

  function buildImage() {
    const n = AX.n(), m = AX.m(), block = AX.weightBlock(AX.layer(), AX.head());
    const hidden = AX.view().fields.scaled && AX.arrays[AX.view().fields.scaled];
    const offset = hidden ? (AX.layer() * AX.view().heads + AX.head()) * n * m : 0;
    heatmap.image = AX.blockImage(block, n, m, hidden && ((c) => hidden[offset + c] === hidden.hidden));
  }

  heatmap.cellBox = function (i, j) {
    const box = heatmap.box, t = heatmap.transform, size = box.cell * t.k;
    return { x: box.left + t.x + j * size, y: box.top + t.y + i * size, size };
  };

  function drawLabels(context, box) {
    const size = box.cell * heatmap.transform.k, view = AX.view(), s = AX.state, theme = AX.meta.theme;
    if (size < 7 || !box.left) return;
    context.font = Math.min(13, size - 1) + "px " + theme.font + ", sans-serif";
    context.textBaseline = "middle";
    const short = (t) => (String(t).length > 12 ? String(t).slice(0, 11) + "…" : String(t));
    view.rowTokens.forEach((token, i) => {
      const y = heatmap.cellBox(i, 0).y + size / 2;
      if (y < box.top || y > box.height) return;
      context.fillStyle = i === s.qi ? theme.highlight : theme.query;
      context.textAlign = "right";
      context.fillText(short(token), box.left - 4, y);
    });
    view.colTokens.forEach((token, j) => {
      const x = heatmap.cellBox(0, j).x + size / 2;
      if (x < box.left || x > box.width) return;
      context.save();
      context.translate(x, box.top - 4);
      context.rotate(-Math.PI / 3);
      context.fillStyle = j === s.kj ? theme.highlight : theme.key;
      context.textAlign = "left";
      context.fillText(short(token), 0, 0);
      context.restore();
    });
  }

  // Weights in % inside the cells when they are big enough for "28.8" (the readout has the rest).
  function drawNumbers(context, size) {
    if (size < 40) return;
    const theme = AX.meta.theme, block = AX.weightBlock(AX.layer(), AX.head()), m = AX.m(), color = AX.colorIndex(block);
    context.font = Math.min(14, size / 3.4) + "px " + theme.font + ", sans-serif";
    context.textAlign = "center"; context.textBaseline = "middle";
    for (let i = 0; i < AX.n(); i++) for (let j = 0; j < m; j++) {
      const c = heatmap.cellBox(i, j), tenths = block[i * m + j];
      context.fillStyle = AX.textOn(AX.weightRGB[color(tenths)]);
      context.fillText(AX.fmt(tenths, AX.meta.percentDecimals), c.x + size / 2, c.y + size / 2);
    }
  }

  heatmap.draw = function () {
    const box = heatmap.box, context = base.getContext("2d"), theme = AX.meta.theme, s = AX.state;
    context.clearRect(0, 0, box.width, box.height);
    const size = box.cell * heatmap.transform.k, origin = heatmap.cellBox(0, 0);
    context.save();
    context.beginPath(); context.rect(box.left, box.top, box.width - box.left, box.height - box.top); context.clip();
    context.imageSmoothingEnabled = false;
    context.drawImage(heatmap.image, origin.x, origin.y, size * AX.m(), size * AX.n());
    drawNumbers(context, size);
    context.strokeStyle = theme.highlight; context.lineWidth = 2;
    context.strokeRect(origin.x, heatmap.cellBox(s.qi, 0).y, size * AX.m(), size);
    context.strokeRect(heatmap.cellBox(0, s.kj).x, origin.y, size, size * AX.n());
    context.restore();
    drawLabels(context, box);
  };

  function drawHover() {
    const context = overlay.getContext("2d"), box = heatmap.box;
    context.clearRect(0, 0, box.width, box.height);
    if (!heatmap.hovered) return;
    const c = heatmap.cellBox(heatmap.hovered[0], heatmap.hovered[1]);
    context.strokeStyle = AX.meta.theme.ink; context.lineWidth = 2;
    context.strokeRect(c.x + 1, c.y + 1, Math.max(2, c.size - 2), Math.max(2, c.size - 2));
  }

  function cellAt(event) {
    const rect = overlay.getBoundingClientRect(), box = heatmap.box, t = heatmap.transform;
    const size = box.cell * t.k;
    const j = Math.floor((event.clientX - rect.left - box.left - t.x) / size);
    const i = Math.floor((event.clientY - rect.top - box.top - t.y) / size);
    return i >= 0 && j >= 0 && i < AX.n() && j < AX.m() && event.clientX - rect.left >= box.left
      && event.clientY - rect.top >= box.top ? [i, j] : null;
  }

  // Client coordinates of a cell's centre (the browser tests hover there).
  AX.cellCenter = function (i, j) {
    const rect = overlay.getBoundingClientRect(), c = heatmap.cellBox(i, j);
    return { x: rect.left + c.x + c.size / 2, y: rect.top + c.y + c.size / 2 };
  };

  heatmap.hover = function (cell) {
    const same = cell && heatmap.hovered && cell[0] === heatmap.hovered[0] && cell[1] === heatmap.hovered[1];
    if (same || (!cell && !heatmap.hovered)) return;
    heatmap.hovered = cell;
    drawHover();
    AX.readout(cell || [AX.state.qi, AX.state.kj], !cell);
  };

  function reset() {
    const box = heatmap.box;
    heatmap.zoom = d3.zoom().scaleExtent([1, Math.max(1, 36 / box.cell)])
      .extent([[box.left, box.top], [box.width, box.height]])
      .translateExtent([[0, 0], [box.width - box.left, box.height - box.top]])
      .filter((event) => !event.button && event.type !== "dblclick")
      .on("zoom", (event) => { heatmap.transform = event.transform; heatmap.draw(); drawHover(); });
    d3.select(overlay).call(heatmap.zoom).call(heatmap.zoom.transform, d3.zoomIdentity);
  }

  function resize() {
    heatmap.box = layout();
    sizeCanvas(base, heatmap.box);
    sizeCanvas(overlay, heatmap.box);
    reset();
  }

  overlay.addEventListener("mousemove", (event) => heatmap.hover(cellAt(event)));
  overlay.addEventListener("mouseleave", () => heatmap.hover(null));
  overlay.addEventListener("click", (event) => {
    const cell = cellAt(event);
    if (cell) AX.set({ qi: cell[0], kj: cell[1] });
  });
  overlay.addEventListener("dblclick", () => d3.select(overlay).call(heatmap.zoom.transform, d3.zoomIdentity));
  window.addEventListener("resize", () => { resize(); heatmap.draw(); });

  AX.panels.push({
    draw(changed) {
      if (["view", "layer", "head", "stretch"].some((key) => changed.has(key)) || !heatmap.image) buildImage();
      if (changed.has("view") || !heatmap.box) resize(); // after buildImage: resetting the zoom draws
      heatmap.draw();
      if (!heatmap.hovered) AX.readout([AX.state.qi, AX.state.kj], true);
    },
  });
})();
