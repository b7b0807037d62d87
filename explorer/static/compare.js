// Heads side by side: two to four heads (any layers; a cluster shows all its members) drawn with
// one shared colour scale, and the difference of the first two (percentage points, one hue for
// "first more", another for "second more"). Hovering a cell reads it in every head at once.
"use strict";
AXLib.modules.push(function compare(ax) {
  const grid = ax.el("compare-grid"), readout = ax.el("compare-readout"), panel = ax.el("compare-panel");
  const MAX_PICKED = 4, self = ax.meta.views[0];
  const cmp = (ax.compare = { canvases: [] });
  const same = (a, b) => a.layer === b.layer && a.head === b.head;

  ax.comparePick = function (layer, head) {
    const list = ax.state.compare.filter((entry) => !entry.cluster), entry = { layer, head };
    const next = list.some((e) => same(e, entry)) ? list.filter((e) => !same(e, entry)) : list.concat([entry]).slice(-MAX_PICKED);
    ax.set({ compare: next });
  };
  ax.compareCluster = (number, members) => ax.set({ compare: members.map((m) => ({ layer: Math.floor(m / self.heads), head: m % self.heads, cluster: number + 1 })) });

  const blockOf = (entry) => ax.weightBlock(entry.layer, entry.head, self);
  // One scale for all: the darkest colour is 100 %, or with "stretch" the largest weight of them all.
  function sharedColor(blocks) {
    if (!ax.state.stretch) return { index: (tenths) => tenths, top: ax.FULL };
    const top = Math.max(1, ...blocks.map((b) => ax.blockMax(b)));
    return { index: (tenths) => Math.min(ax.FULL, Math.round((tenths * ax.FULL) / top)), top };
  }

  function differenceImage(a, b, n, m) {
    const canvas = document.createElement("canvas"), theme = ax.meta.theme;
    canvas.width = m; canvas.height = n;
    const context = canvas.getContext("2d"), pixels = context.createImageData(m, n);
    let most = 1;
    for (let c = 0; c < a.length; c++) most = Math.max(most, Math.abs(a[c] - b[c]));
    const more = d3.interpolateRgb(theme.cell_fill, theme.positive);
    const less = d3.interpolateRgb(theme.cell_fill, ax.state.scale === "safe" ? theme.value : theme.negative);
    for (let c = 0; c < a.length; c++) {
      const d = a[c] - b[c], rgb = !self.visible[c] ? d3.rgb(theme.masked_fill) : d3.rgb((d >= 0 ? more : less)(Math.sqrt(Math.abs(d) / most)));
      pixels.data.set([rgb.r, rgb.g, rgb.b, 255], 4 * c);
    }
    context.putImageData(pixels, 0, 0);
    cmp.most = most;
    return canvas;
  }

  function card(title, color, image, size, n, m) {
    const figure = document.createElement("figure"), canvas = document.createElement("canvas"), ratio = window.devicePixelRatio || 1;
    figure.className = "ax-compare-card";
    figure.innerHTML = `<figcaption style="border-color:${color}">${title}</figcaption>`;
    const cell = size / Math.max(n, m);
    canvas.width = Math.round(cell * m * ratio); canvas.height = Math.round(cell * n * ratio);
    canvas.style.width = cell * m + "px"; canvas.style.height = cell * n + "px";
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = false;
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    canvas.addEventListener("mousemove", (event) => {
      const rect = canvas.getBoundingClientRect();
      const i = Math.floor(((event.clientY - rect.top) / rect.height) * n), j = Math.floor(((event.clientX - rect.left) / rect.width) * m);
      if (i >= 0 && j >= 0 && i < n && j < m) read(i, j);
    });
    canvas.addEventListener("click", () => ax.set({ qi: cmp.hover[0], kj: cmp.hover[1] }));
    figure.appendChild(canvas);
    cmp.canvases.push(canvas);
    return figure;
  }

  // Every compared head's shown weight for one cell; the difference is of the shown numbers.
  function read(i, j) {
    const list = ax.state.compare, m = self.colTokens.length, c = i * m + j;
    cmp.hover = [i, j];
    const parts = list.map((entry, k) => `<span>${AXLib.esc(ax.headName(entry.layer, entry.head, self))}
      <b id="${ax.id("compare-value-" + k)}">${ax.pct(blockOf(entry)[c])}</b></span>`);
    if (list.length >= 2) {
      const d = blockOf(list[0])[c] - blockOf(list[1])[c];
      const points = ax.th("points", { value: (d > 0 ? "+" : "") + AXLib.fmt(d, ax.meta.percentDecimals) });
      parts.push(`<span>${ax.th("difference")} <b id="${ax.id("compare-difference")}">${points}</b></span>`);
    }
    readout.innerHTML = `${AXLib.tok(self.rowTokens[i])} → ${AXLib.tok(self.colTokens[j])}: ` + parts.join(" · ");
  }
  cmp.read = read;

  function draw() {
    const list = ax.state.compare, n = self.rowTokens.length, m = self.colTokens.length;
    panel.hidden = list.length === 0;
    ax.el("compare-add").textContent = list.some((e) => !e.cluster && same(e, { layer: ax.state.layer, head: ax.state.head })) ? ax.t("compare_remove") : ax.t("compare_add");
    grid.replaceChildren();
    cmp.canvases = [];
    if (!list.length) return;
    const blocks = list.map(blockOf), color = sharedColor(blocks), width = grid.clientWidth || 1200;
    const count = list.length + (list.length >= 2 && !list[0].cluster ? 1 : 0);
    const size = Math.max(70, Math.min(280, Math.floor(width / Math.min(count, 6)) - 18));
    cmp.top = color.top;
    list.forEach((entry, k) => {
      const pattern = self.patterns ? " · " + self.patterns[entry.layer][entry.head][0] : "";
      const image = ax.blockImage(blocks[k], n, m, self.visible, color.index);
      grid.appendChild(card(AXLib.esc(ax.headName(entry.layer, entry.head, self) + pattern), ax.headColor(entry.head, self), image, size, n, m));
    });
    if (count > list.length) {
      const title = ax.th("difference_title", { first: AXLib.esc(ax.headName(list[0].layer, list[0].head, self)),
        second: AXLib.esc(ax.headName(list[1].layer, list[1].head, self)) });
      grid.appendChild(card(title, ax.meta.theme.ink, differenceImage(blocks[0], blocks[1], n, m), size, n, m));
    }
    ax.colors();
    const ramp = d3.range(0, 11).map((k) => d3.rgb(...ax.weightRGB[Math.round((k / 10) * ax.FULL)]).formatHex());
    ax.el("compare-legend").innerHTML = `${ax.th("one_scale")} <span>0 %</span><span class="ax-bar" style="background:linear-gradient(90deg,${ramp.join(",")})"></span>
      <span id="${ax.id("compare-top")}">${ax.pct(color.top)}</span>` + (count > list.length
      ? " · " + ax.th("difference_legend", { first: `<span class="ax-swatch" style="background:${ax.meta.theme.positive}"></span>`,
        second: `<span class="ax-swatch" style="background:${ax.state.scale === "safe" ? ax.meta.theme.value : ax.meta.theme.negative}"></span>`,
        most: AXLib.fmt(cmp.most, ax.meta.percentDecimals) }) : "");
    ax.el("compare-title").textContent = list[0].cluster ? ax.t("cluster_compare_title", { cluster: list[0].cluster, count: list.length })
      : ax.t("compare_title");
    read(ax.state.qi, ax.state.kj);
  }

  ax.el("compare-add").addEventListener("click", () => ax.comparePick(ax.layer(), ax.head()));
  ax.el("compare-clear").addEventListener("click", () => ax.set({ compare: [] }));
  ax.panels.push({
    name: "compare",
    draw(changed) {
      ax.el("compare-add").hidden = ax.view().kind !== "attention" || ax.view().id !== "self";
      if (["compare", "stretch", "scale", "layer", "head"].some((key) => changed.has(key)) || changed.has("view")) draw();
      else if (changed.has("qi") || changed.has("kj")) { if (ax.state.compare.length) read(ax.state.qi, ax.state.kj); }
    },
  });
});
