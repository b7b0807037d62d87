// Small multiples: every head of every layer as a thumbnail with its pattern class; a click
// opens that head. Thumbnails are drawn once per view, only the "current" outline moves.
"use strict";
AXLib.modules.push(function heads(ax) {
  const container = ax.el("heads"), title = ax.el("heads-title");
  let builtFor = null, pending = [];

  // Thumbnails are drawn after the page is interactive, a few at a time (270 heads take ~0.15 s).
  // In idle time (requestIdleCallback), so an animation running meanwhile keeps its frames.
  const later = (work) => (window.requestIdleCallback ? requestIdleCallback(work, { timeout: 500 }) : setTimeout(work, 0));
  function drawPending(deadline) {
    const started = performance.now(), budget = deadline && deadline.timeRemaining ? () => deadline.timeRemaining() > 2 : () => performance.now() - started < 8;
    while (pending.length && budget()) pending.shift()();
    ax.thumbnailsPending = pending.length;
    if (pending.length) later(drawPending);
  }

  // A thumbnail is an <img>, not a canvas: hundreds of canvases are hundreds of layers for the
  // compositor to redraw on every animation frame (it halved the heatmap's frame rate).
  ax.thumbnail = function (block, size, view = ax.view()) {
    const n = view.rowTokens.length, m = view.colTokens.length, image = ax.blockImage(block, n, m, view.visible);
    const canvas = document.createElement("canvas"), ratio = window.devicePixelRatio || 1;
    canvas.width = canvas.height = Math.round(size * ratio);
    const target = canvas.getContext("2d");
    target.imageSmoothingEnabled = false;
    const scale = Math.min(canvas.width / m, canvas.height / n);
    target.drawImage(image, 0, 0, m * scale, n * scale);
    const img = document.createElement("img");
    img.src = canvas.toDataURL();
    img.width = img.height = size;
    img.alt = "";
    return img;
  };
  const thumbnail = (layer, head, size) => ax.thumbnail(ax.weightBlock(layer, head), size);

  function card(layer, head, size) {
    const view = ax.view(), theme = ax.meta.theme;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "thumb";
    button.dataset.layer = layer; button.dataset.head = head;
    button.style.borderTopColor = ax.headColor(head);
    pending.push(() => button.prepend(thumbnail(layer, head, size)));
    const caption = document.createElement("span");
    const pattern = view.patterns && view.patterns[layer][head];
    caption.textContent = view.kind === "rollout" ? ax.t("thumb_after", { layer: ax.layerName(layer) })
      : view.kind === "average" ? ax.t("thumb_layer", { layer: ax.layerName(layer) })
      : (ax.state.order === "clusters" && view.layers > 1 ? "L" + ax.layerName(layer) + " " : "") + "H" + ax.headNumber(head) + (pattern ? " · " + pattern[0] : "");
    button.title = ax.headName(layer, head) + (pattern ? ": " + pattern[0] + " (" + pattern[1] + "): " + ax.meta.rules[pattern[0]] : "");
    button.appendChild(caption);
    button.addEventListener("click", (event) => {
      if (event.shiftKey && view.id === "self") ax.comparePick(layer, head); // Shift+click: side by side
      else ax.set({ layer, head: view.kind !== "attention" ? ax.state.head : head });
    });
    return button;
  }

  function build() {
    const view = ax.view(), clustered = ax.state.order === "clusters" && view.id === "self" && ax.meta.clusters;
    container.replaceChildren();
    pending = [];
    ax.el("order-control").hidden = !(view.id === "self" && ax.meta.clusters);
    for (const b of ax.el("order-control").querySelectorAll("button")) b.classList.toggle("current", b.dataset.order === ax.state.order);
    if (clustered) {
      const size = Math.max(40, Math.min(72, Math.floor(((container.clientWidth || 600) - 30) / 12) - 14));
      ax.clusterGrid(container, (layer, head) => card(layer, head, size));
      title.textContent = ax.t("heads_grouped", { count: view.layers * view.heads });
      return;
    }
    const perRow = view.kind !== "attention" ? view.layers : view.heads;
    const size = Math.max(40, Math.min(88, Math.floor(((container.clientWidth || 600) - 30) / Math.min(perRow, 12)) - 14));
    const rows = view.kind !== "attention" ? [0] : d3.range(view.layers);
    for (const layer of rows) {
      const row = document.createElement("div");
      row.className = "thumb-row";
      if (view.layers > 1 && view.kind === "attention") {
        const name = document.createElement("span");
        name.className = "thumb-layer"; name.textContent = ax.t("thumb_layer", { layer: ax.layerName(layer) });
        row.appendChild(name);
      }
      for (let k = 0; k < perRow; k++) row.appendChild(view.kind !== "attention" ? card(k, 0, size) : card(layer, k, size));
      container.appendChild(row);
    }
    title.textContent = view.kind === "rollout" ? ax.t("rollout_each") : view.kind === "average" ? ax.t("average_each")
      : view.layers > 1 ? ax.t("all_heads_layers", { count: view.layers * view.heads, layers: view.layers, heads: view.heads }) : ax.t("all_heads");
    ax.el("pattern-rules").hidden = !view.patterns;
  }

  function mark() {
    for (const button of container.querySelectorAll(".thumb")) {
      const on = +button.dataset.layer === ax.layer() && (ax.view().kind !== "attention" || +button.dataset.head === ax.head());
      button.classList.toggle("current", on);
      button.classList.toggle("picked", ax.view().id === "self" && ax.state.compare.some((e) => e.layer === +button.dataset.layer && e.head === +button.dataset.head));
    }
  }

  for (const b of ax.el("order-control").querySelectorAll("button")) b.addEventListener("click", () => ax.set({ order: b.dataset.order }));
  ax.panels.push({
    name: "heads",
    draw(changed) {
      const key = [ax.state.view, ax.state.stretch, ax.state.scale, ax.state.order].join("/");
      if (builtFor !== key) { build(); builtFor = key; ax.thumbnailsPending = pending.length; later(drawPending); }
      if (["view", "layer", "head", "compare"].some((key) => changed.has(key))) mark();
    },
  });
});
