// The heatmap: one canvas for the weights (zoom and pan with d3.zoom), one on top for the
// hovered cell, so a hover redraws one outline and a line of text, nothing else.
"use strict";
AXLib.modules.push(function heatmap(ax) {
  const base = ax.el("heatmap"), overlay = ax.el("heatmap-overlay"), wrap = ax.el("heatmap-wrap");
  const hm = { transform: d3.zoomIdentity, hovered: null, image: null };
  ax.heatmap = hm;

  function layout() {
    // The whole grid fits the first screen: as wide as the panel, but no taller than the window leaves.
    // Inline (a notebook cell, far down its document), the first screen is the explorer's own.
    const above = ax.options.inline ? wrap.getBoundingClientRect().top - ax.root.getBoundingClientRect().top
      : wrap.getBoundingClientRect().top + window.scrollY;
    const room = window.innerHeight - above - 60;
    const width = Math.min(wrap.clientWidth || 560, 620, Math.max(340, room));
    let label = Math.min(96, 18 + 7 * longest());
    const fit = (room) => Math.min(72, room / ax.m(), room / ax.n()); // a 3-token grid need not fill the panel
    if (fit(width - label - 4) < 7) label = Math.min(label, 58); // labels show only when zoomed in: a narrower margin
    const cell = label > 40 ? fit(width - label - 4 - 0.45 * label) : fit(width - label - 4); // room for the last tilted key label
    return { width, height: label + cell * ax.n() + 4, left: label, top: label, cell };
  }
  const longest = () => Math.max(...ax.view().rowTokens.concat(ax.view().colTokens).map((t) => Math.min(12, String(t).length)));

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

  hm.buildImage = function (block = hm.block) {
    hm.block = block;
    hm.image = ax.blockImage(block, ax.n(), ax.m(), ax.view().visible);
  };

  // Switching layer, head or view: every cell moves from its old weight to its new one in ~300 ms
  // (none under prefers-reduced-motion); the numbers in the cells appear when the cells arrive.
  const DURATION = 300;
  hm.frameTimes = [];
  hm.transition = function (from, to) {
    if (hm.frame) cancelAnimationFrame(hm.frame);
    if (AXLib.reducedMotion() || from.length !== to.length) { hm.animating = false; return hm.buildImage(to); }
    const scratch = new Int16Array(to.length);
    let start = null; // the animation's clock starts at its first frame, after this change's redraws
    hm.animating = true; hm.frameTimes = [];
    const step = (now) => {
      if (start === null) start = now;
      const t = Math.min(1, (now - start) / DURATION), eased = d3.easeCubicInOut(t);
      hm.frameTimes.push(now);
      if (t < 1) {
        for (let c = 0; c < to.length; c++) scratch[c] = Math.round(from[c] + (to[c] - from[c]) * eased);
        hm.image = ax.blockImage(scratch, ax.n(), ax.m(), ax.view().visible, ax.colorIndex(scratch), hm.frameCanvas || (hm.frameCanvas = document.createElement("canvas")));
        hm.frame = requestAnimationFrame(step);
      } else {
        hm.buildImage(to);
        hm.animating = false; hm.frame = null;
      }
      hm.draw();
    };
    hm.block = to;
    hm.frame = requestAnimationFrame(step);
  };

  hm.cellBox = function (i, j) {
    const box = hm.box, t = hm.transform, size = box.cell * t.k;
    return { x: box.left + t.x + j * size, y: box.top + t.y + i * size, size };
  };

  function drawLabels(context, box) {
    const size = box.cell * hm.transform.k, view = ax.view(), s = ax.state, theme = ax.meta.theme;
    if (size < 7 || !box.left) return;
    context.font = Math.min(13, size - 1) + "px " + theme.font + ", sans-serif";
    context.textBaseline = "middle";
    view.rowTokens.forEach((token, i) => {
      const y = hm.cellBox(i, 0).y + size / 2;
      if (y < box.top || y > box.height) return;
      context.fillStyle = i === s.qi ? theme.highlight : theme.query;
      context.textAlign = "right";
      context.fillText(AXLib.short(token, box.left < 80 ? 8 : 12), box.left - 4, y);
    });
    view.colTokens.forEach((token, j) => {
      const x = hm.cellBox(0, j).x + size / 2;
      if (x < box.left || x > box.width) return;
      context.save();
      context.translate(x, box.top - 4);
      context.rotate(-Math.PI / 3);
      context.fillStyle = j === s.kj ? theme.highlight : theme.key;
      context.textAlign = "left";
      context.fillText(AXLib.short(token, box.top < 80 ? 8 : 12), 0, 0);
      context.restore();
    });
  }

  // Weights in % inside the cells when they are big enough for "28.8" (the readout has the rest).
  function drawNumbers(context, size) {
    if (size < 40 || hm.animating) return;
    const theme = ax.meta.theme, block = hm.block, m = ax.m(), color = ax.colorIndex(block), view = ax.view();
    context.font = Math.min(14, size / 3.4) + "px " + theme.font + ", sans-serif";
    context.textAlign = "center"; context.textBaseline = "middle";
    for (let i = 0; i < ax.n(); i++) for (let j = 0; j < m; j++) {
      if (!view.visible[i * m + j]) continue;
      const c = hm.cellBox(i, j), tenths = block[i * m + j];
      context.fillStyle = AXLib.textOn(ax.weightRGB[color(tenths)], theme.ink);
      context.fillText(AXLib.fmt(tenths, ax.meta.percentDecimals), c.x + size / 2, c.y + size / 2);
    }
  }

  hm.draw = function () {
    const box = hm.box, context = base.getContext("2d"), theme = ax.meta.theme, s = ax.state;
    context.clearRect(0, 0, box.width, box.height);
    const size = box.cell * hm.transform.k, origin = hm.cellBox(0, 0);
    context.save();
    context.beginPath(); context.rect(box.left, box.top, box.width - box.left, box.height - box.top); context.clip();
    context.imageSmoothingEnabled = false;
    context.drawImage(hm.image, origin.x, origin.y, size * ax.m(), size * ax.n());
    drawNumbers(context, size);
    context.strokeStyle = theme.highlight; context.lineWidth = 2;
    context.strokeRect(origin.x, hm.cellBox(s.qi, 0).y, size * ax.m(), size);
    context.strokeRect(hm.cellBox(0, s.kj).x, origin.y, size, size * ax.n());
    for (const extra of hm.decorations || []) extra(context, size);
    context.restore();
    drawLabels(context, box);
  };

  hm.drawHover = function () {
    const context = overlay.getContext("2d"), box = hm.box;
    context.clearRect(0, 0, box.width, box.height);
    for (const extra of hm.overlays || []) extra(context);
    if (!hm.hovered) return;
    const c = hm.cellBox(hm.hovered[0], hm.hovered[1]);
    context.strokeStyle = ax.meta.theme.ink; context.lineWidth = 2;
    context.strokeRect(c.x + 1, c.y + 1, Math.max(2, c.size - 2), Math.max(2, c.size - 2));
  };

  hm.cellAt = function (event, clamp) {
    const rect = overlay.getBoundingClientRect(), box = hm.box, t = hm.transform;
    const size = box.cell * t.k;
    let j = Math.floor((event.clientX - rect.left - box.left - t.x) / size);
    let i = Math.floor((event.clientY - rect.top - box.top - t.y) / size);
    if (clamp) return [Math.max(0, Math.min(ax.n() - 1, i)), Math.max(0, Math.min(ax.m() - 1, j))];
    return i >= 0 && j >= 0 && i < ax.n() && j < ax.m() && event.clientX - rect.left >= box.left
      && event.clientY - rect.top >= box.top ? [i, j] : null;
  };

  // Client coordinates of a cell's centre (the browser tests hover there).
  ax.cellCenter = function (i, j) {
    const rect = overlay.getBoundingClientRect(), c = hm.cellBox(i, j);
    return { x: rect.left + c.x + c.size / 2, y: rect.top + c.y + c.size / 2 };
  };

  hm.hover = function (cell) {
    const same = cell && hm.hovered && cell[0] === hm.hovered[0] && cell[1] === hm.hovered[1];
    if (same || (!cell && !hm.hovered)) return;
    hm.hovered = cell;
    hm.drawHover();
    ax.readout(cell || [ax.state.qi, ax.state.kj], !cell);
  };

  function reset() {
    const box = hm.box;
    hm.zoom = d3.zoom().scaleExtent([1, Math.max(1, 36 / box.cell)])
      .extent([[box.left, box.top], [box.width, box.height]])
      .translateExtent([[0, 0], [box.width - box.left, box.height - box.top]])
      .filter((event) => event.type === "wheel" || (hm.panFilter ? hm.panFilter(event) : !event.button && event.type !== "dblclick"))
      .on("zoom", (event) => { hm.transform = event.transform; hm.draw(); hm.drawHover(); });
    d3.select(overlay).call(hm.zoom).call(hm.zoom.transform, d3.zoomIdentity);
  }

  function resize() {
    hm.box = layout();
    sizeCanvas(base, hm.box);
    sizeCanvas(overlay, hm.box);
    reset();
  }

  overlay.addEventListener("mousemove", (event) => hm.hover(hm.cellAt(event)));
  overlay.addEventListener("mouseleave", () => hm.hover(null));
  overlay.addEventListener("click", (event) => {
    const cell = hm.cellAt(event);
    if (cell && !hm.justBrushed) ax.set({ qi: cell[0], kj: cell[1] });
    hm.justBrushed = false;
  });
  overlay.addEventListener("dblclick", () => d3.select(overlay).call(hm.zoom.transform, d3.zoomIdentity));
  window.addEventListener("resize", () => { resize(); hm.draw(); });

  ax.panels.push({
    name: "heatmap",
    draw(changed) {
      if (["view", "layer", "head", "stretch", "scale"].some((key) => changed.has(key)) || !hm.image) {
        const block = ax.weightBlock(ax.layer(), ax.head());
        if (hm.block && !changed.has("scale") && !changed.has("stretch")) hm.transition(hm.block, block);
        else hm.buildImage(block);
      }
      if (changed.has("view") || !hm.box) resize(); // after buildImage: resetting the zoom draws
      hm.draw();
      if (!hm.hovered) ax.readout([ax.state.qi, ax.state.kj], true);
    },
  });
});
