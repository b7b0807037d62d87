// Small multiples: every head of every layer as a thumbnail with its pattern class; a click
// opens that head. Thumbnails are drawn once per view, only the "current" outline moves.
"use strict";
(function () {
  const container = document.getElementById("heads"), title = document.getElementById("heads-title");
  let builtFor = null, pending = [];

  // Thumbnails are drawn after the page is interactive, a few at a time (270 heads take ~0.15 s).
  function drawPending() {
    const started = performance.now();
    while (pending.length && performance.now() - started < 12) pending.shift()();
    if (pending.length) setTimeout(drawPending, 0);
  }

  function thumbnail(layer, head, size) {
    const n = AX.n(), m = AX.m(), image = AX.blockImage(AX.weightBlock(layer, head), n, m);
    const canvas = document.createElement("canvas"), ratio = window.devicePixelRatio || 1;
    canvas.width = canvas.height = Math.round(size * ratio);
    canvas.style.width = canvas.style.height = size + "px";
    const target = canvas.getContext("2d");
    target.imageSmoothingEnabled = false;
    const scale = Math.min(canvas.width / m, canvas.height / n);
    target.drawImage(image, 0, 0, m * scale, n * scale);
    return canvas;
  }

  function card(layer, head, size) {
    const view = AX.view(), theme = AX.meta.theme;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "thumb";
    button.dataset.layer = layer; button.dataset.head = head;
    button.style.borderTopColor = view.kind === "rollout" ? theme.weight_high : theme.head_colors[head % theme.head_colors.length];
    pending.push(() => button.prepend(thumbnail(layer, head, size)));
    const caption = document.createElement("span");
    const pattern = view.patterns && view.patterns[layer][head];
    caption.textContent = view.kind === "rollout" ? "after " + (layer + 1) : "H" + (head + 1) + (pattern ? " · " + pattern[0] : "");
    button.title = AX.headName(layer, head) + (pattern ? ": " + pattern[0] + " (" + pattern[1] + "): " + AX.meta.rules[pattern[0]] : "");
    button.appendChild(caption);
    button.addEventListener("click", () => AX.set({ layer, head: view.kind === "rollout" ? AX.state.head : head }));
    return button;
  }

  function build() {
    const view = AX.view();
    container.replaceChildren();
    pending = [];
    const perRow = view.kind === "rollout" ? view.layers : view.heads;
    const size = Math.max(40, Math.min(88, Math.floor(((container.clientWidth || 600) - 30) / Math.min(perRow, 12)) - 14));
    const rows = view.kind === "rollout" ? [0] : d3.range(view.layers);
    for (const layer of rows) {
      const row = document.createElement("div");
      row.className = "thumb-row";
      if (view.layers > 1 && view.kind !== "rollout") {
        const name = document.createElement("span");
        name.className = "thumb-layer"; name.textContent = "layer " + (layer + 1);
        row.appendChild(name);
      }
      for (let k = 0; k < perRow; k++) row.appendChild(view.kind === "rollout" ? card(k, 0, size) : card(layer, k, size));
      container.appendChild(row);
    }
    title.textContent = view.kind === "rollout" ? "Rollout after each layer"
      : view.layers > 1 ? "All " + view.layers * view.heads + " heads (" + view.layers + " layers × " + view.heads + ")" : "All heads";
    document.getElementById("pattern-rules").hidden = !view.patterns;
  }

  function mark() {
    for (const button of container.querySelectorAll(".thumb")) {
      const on = +button.dataset.layer === AX.layer() && (AX.view().kind === "rollout" || +button.dataset.head === AX.head());
      button.classList.toggle("current", on);
    }
  }

  AX.panels.push({
    draw(changed) {
      const key = AX.state.view + "/" + AX.state.stretch;
      if (builtFor !== key) { build(); builtFor = key; setTimeout(drawPending, 0); }
      if (["view", "layer", "head"].some((key) => changed.has(key))) mark();
    },
  });
})();
