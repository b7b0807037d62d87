// Brushing: drag a rectangle on the heatmap (queries × keys) to select cells; Shift + arrow keys
// grow it from the focused cell; Escape clears it. The flow network shows only the selected cells,
// the step-through moves to the selection's strongest cell, and the summary says what share of each
// selected row the selection holds (the sum of the shown weights) and its strongest pairs.
"use strict";
AXLib.modules.push(function brush(ax) {
  const hm = ax.heatmap, overlay = ax.el("heatmap-overlay"), body = ax.el("selection-body"), tok = AXLib.tok;
  const TOP_PAIRS = 5;
  let dragging = null;

  // Shift-drag (or the middle button) pans; a plain drag brushes.
  hm.panFilter = (event) => (event.type.startsWith("touch") || event.shiftKey || event.button === 1) && event.type !== "dblclick";

  const box = (a, b) => ({ i0: Math.min(a[0], b[0]), i1: Math.max(a[0], b[0]), j0: Math.min(a[1], b[1]), j1: Math.max(a[1], b[1]) });

  function outline(context, sel, dashed) {
    const a = hm.cellBox(sel.i0, sel.j0), b = hm.cellBox(sel.i1, sel.j1);
    context.save();
    context.strokeStyle = ax.meta.theme.ink; context.lineWidth = 2;
    if (dashed) context.setLineDash([5, 3]);
    context.strokeRect(a.x, a.y, b.x + b.size - a.x, b.y + b.size - a.y);
    context.restore();
  }
  hm.decorations = [(context) => { if (ax.state.selection) outline(context, ax.state.selection, false); }];
  hm.overlays = [(context) => { if (dragging && dragging.moved) outline(context, box(dragging.from, dragging.to), true); }];

  overlay.addEventListener("mousedown", (event) => {
    if (event.button !== 0 || event.shiftKey) return;
    const cell = hm.cellAt(event);
    if (cell) dragging = { from: cell, to: cell, moved: false };
  });
  window.addEventListener("mousemove", (event) => {
    if (!dragging) return;
    const cell = hm.cellAt(event, true);
    if (cell[0] !== dragging.to[0] || cell[1] !== dragging.to[1]) { dragging.to = cell; dragging.moved = true; hm.drawHover(); }
  });
  window.addEventListener("mouseup", () => {
    if (!dragging) return;
    const done = dragging;
    dragging = null;
    if (done.moved) { hm.justBrushed = true; select(box(done.from, done.to)); }
    hm.drawHover();
  });

  // The selection's strongest cell (ties: the first in reading order) becomes the focus.
  function strongest(sel, block, m) {
    let best = [sel.i0, sel.j0], top = -1;
    for (let i = sel.i0; i <= sel.i1; i++) for (let j = sel.j0; j <= sel.j1; j++) {
      if (!ax.isHidden(i, j) && block[i * m + j] > top) { top = block[i * m + j]; best = [i, j]; }
    }
    return best;
  }

  function select(sel) {
    const [qi, kj] = strongest(sel, ax.weightBlock(ax.layer(), ax.head()), ax.m());
    ax.set({ selection: sel, qi, kj });
  }
  ax.select = select;

  ax.root.addEventListener("keydown", (event) => {
    if (["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName)) return;
    if (event.key === "Escape" && ax.state.selection) { ax.set({ selection: null }); event.preventDefault(); return; }
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (!moves || !event.shiftKey) return;
    event.preventDefault();
    event.stopImmediatePropagation(); // not a focus move
    const s = ax.state, anchor = s.selection ? s.selection.anchor : [s.qi, s.kj];
    const corner = s.selection ? s.selection.corner : [s.qi, s.kj];
    const next = [Math.max(0, Math.min(ax.n() - 1, corner[0] + moves[0])), Math.max(0, Math.min(ax.m() - 1, corner[1] + moves[1]))];
    ax.set({ selection: { ...box(anchor, next), anchor, corner: next } });
  }, true);

  // Each selected row's share in the selection: the sum of its shown weights there, so a viewer
  // adding up the cells gets the same number.
  ax.selectionSummary = function () {
    const sel = ax.state.selection, block = ax.weightBlock(ax.layer(), ax.head()), m = ax.m(), rows = [], pairs = [];
    for (let i = sel.i0; i <= sel.i1; i++) {
      let share = 0;
      for (let j = sel.j0; j <= sel.j1; j++) {
        share += block[i * m + j];
        if (!ax.isHidden(i, j)) pairs.push({ i, j, tenths: block[i * m + j] });
      }
      rows.push({ i, share });
    }
    pairs.sort((a, b) => b.tenths - a.tenths || a.i - b.i || a.j - b.j);
    return { rows, pairs: pairs.slice(0, TOP_PAIRS) };
  };

  function draw() {
    const sel = ax.state.selection, view = ax.view();
    ax.el("selection-clear").hidden = !sel;
    if (!sel) { body.innerHTML = `<p class="ax-note">${ax.th("select_hint")}</p>`; return; }
    const { rows, pairs } = ax.selectionSummary(), stops = ax.colors(), ink = stops[stops.length - 1];
    const cells = (sel.i1 - sel.i0 + 1) * (sel.j1 - sel.j0 + 1);
    const bar = (share) => `<span class="ax-share-bar" style="width:${(60 * share) / ax.FULL}px;background:${ink}"></span>`;
    body.innerHTML = `<p>${ax.th("selection", { i0: sel.i0 + 1, i1: sel.i1 + 1, j0: sel.j0 + 1, j1: sel.j1 + 1, cells,
      head: AXLib.esc(ax.headName(ax.layer(), ax.head())) })}</p>
      <div class="ax-share-list">${rows.map((r) => `<div class="ax-share" data-row="${r.i}"><span class="q">${tok(view.rowTokens[r.i])}</span>
        ${bar(r.share)}<b id="${ax.id("share-" + r.i)}">${ax.pct(r.share)}</b></div>`).join("")}</div>
      <p>${ax.th("strongest_pairs")}</p><ol class="ax-pairs">${pairs.map((p) => `<li data-i="${p.i}" data-j="${p.j}"><span class="q">${tok(view.rowTokens[p.i])}</span> →
        <span class="k">${tok(view.colTokens[p.j])}</span> <b>${ax.pct(p.tenths)}</b></li>`).join("")}</ol>`;
    for (const item of body.querySelectorAll(".ax-pairs li")) item.addEventListener("click", () => ax.set({ qi: +item.dataset.i, kj: +item.dataset.j }));
  }

  ax.el("selection-clear").addEventListener("click", () => ax.set({ selection: null }));
  ax.panels.push({
    name: "brush",
    draw(changed) {
      if (["view", "layer", "head", "selection"].some((key) => changed.has(key))) draw();
    },
  });
});
