// Controls (view, layer, head, colours), the hover readout, the legend, the keyboard, start-up.
"use strict";
AXLib.modules.push(function controls(ax) {
  const meta = ax.meta, readout = ax.el("readout"), tok = AXLib.tok;
  const NOTES = { self: ax.t("note_self"), cross: ax.t("note_cross"), average: ax.t("note_average"), rollout: ax.t("note_rollout") };

  ax.readout = function (cell, focused) {
    const view = ax.view(), [i, j] = cell, hidden = ax.isHidden(i, j);
    let score = "";
    if (view.kind === "attention" && !view.weightsOnly) {
      const scaled = ax.worked().scaled[i * ax.m() + j];
      const text = hidden ? "−∞" : scaled === AXLib.NONE ? "·" : AXLib.fmt(scaled, view.precision);
      score = ` · ${ax.th("scaled_score")} <b id="${ax.id("readout-score")}"${scaled === AXLib.NONE && !hidden ? ` title="${ax.th("not_kept_title")}"` : ""}>${text}</b>`
        + (hidden ? " " + ax.th("hidden_by_mask") : "");
    }
    readout.innerHTML = `<span class="ax-mode">${ax.th(focused ? "focus" : "hover")}</span>
      <span class="q">${ax.th("query")}</span> <span id="${ax.id("readout-query")}">${tok(view.rowTokens[i])}</span> <span class="ax-pos">${ax.th("row", { n: i + 1 })}</span>
      → <span class="k">${ax.th("key")}</span> <span id="${ax.id("readout-key")}">${tok(view.colTokens[j])}</span> <span class="ax-pos">${ax.th("column", { n: j + 1 })}</span>:
      ${ax.th(view.kind === "rollout" ? "share" : "weight")} <b id="${ax.id("readout-weight")}">${ax.pct(ax.weight(i, j))}</b>${score}`;
  };

  function button(parent, text, onClick, color) {
    const element = document.createElement("button");
    element.type = "button"; element.textContent = text;
    if (color) element.style.setProperty("--accent", color);
    element.addEventListener("click", onClick);
    parent.appendChild(element);
    return element;
  }

  function buildControls() {
    const views = ax.el("view-picker");
    meta.views.forEach((view, index) => {
      button(views, view.label, () => ax.set({ view: index, step: ax.view().kind !== "attention" ? 0 : ax.state.step })).dataset.view = index;
    });
    views.hidden = meta.views.length < 2;
    ax.el("scale").addEventListener("change", (event) => ax.set({ scale: event.target.value }));
  }

  function headButtons() {
    const view = ax.view(), picker = ax.el("head-picker");
    picker.replaceChildren();
    for (let h = 0; h < view.heads; h++) button(picker, ax.headNumber(h), () => ax.set({ head: h }), ax.headColor(h)).dataset.head = h;
    ax.el("head-control").hidden = view.kind !== "attention";
    const layer = ax.el("layer");
    layer.replaceChildren(...d3.range(view.layers).map((l) => new Option(ax.layerName(l), l)));
    ax.el("layer-control").hidden = view.layers < 2;
  }

  function titleText(view) {
    const pattern = view.patterns ? " · " + ax.t("pattern", { name: view.patterns[ax.layer()][ax.head()][0] }) : "";
    return `<span style="color:${ax.headColor(ax.head())}">${AXLib.esc(ax.headName(ax.layer(), ax.head()))}</span>`
      + (view.kind === "rollout" ? "" : " · " + ax.th("attention_weights")) + AXLib.esc(pattern);
  }

  function legend() {
    const s = ax.state, stops = ax.colors(), table = ax.weightRGB;
    const ramp = d3.range(0, 11).map((k) => d3.rgb(...table[Math.round((k / 10) * ax.FULL)]).formatHex());
    const top = s.stretch ? ax.pct(ax.blockMax(ax.weightBlock(ax.layer(), ax.head()))) : "100 %";
    ax.el("legend").innerHTML = `<span>0 %</span><span class="ax-bar" style="background:linear-gradient(90deg,${ramp.join(",")})"></span>`
      + `<span id="${ax.id("legend-top")}">${top}</span><span class="what">${ax.th("legend_weight")}${ax.view().kind === "rollout" ? "" : "; " + ax.th("legend_cells")}</span>`
      + (ax.view().causal ? `<span class="ax-swatch" style="background:${meta.theme.masked_fill}"></span><span class="what">${ax.th("legend_hidden")}</span>` : "")
      + `<label><input type="checkbox" id="${ax.id("stretch")}"${s.stretch ? " checked" : ""}> ${ax.th("legend_stretch")}</label>`;
    ax.el("stretch").addEventListener("change", (event) => ax.set({ stretch: event.target.checked }));
    void stops;
  }

  ax.panels.unshift({
    name: "controls",
    draw(changed) {
      const view = ax.view();
      if (["view", "layer", "head", "stretch", "scale"].some((key) => changed.has(key))) legend();
      if (changed.has("view")) {
        headButtons();
        ax.el("view-note").textContent = NOTES[view.id] || "";
        const big = Math.max(ax.n(), ax.m()) > 24;
        ax.el("zoom-hint").textContent = big ? ax.t("zoom_hint") : "";
      }
      for (const b of ax.el("view-picker").children) b.classList.toggle("current", +b.dataset.view === ax.state.view);
      for (const b of ax.el("head-picker").children) b.classList.toggle("current", +b.dataset.head === ax.head());
      ax.el("layer").value = ax.layer();
      ax.el("scale").value = ax.state.scale;
      ax.el("heatmap-title").innerHTML = titleText(view);
    },
  });

  ax.el("layer").addEventListener("change", (event) => ax.set({ layer: +event.target.value }));
  // Arrow keys move the focused cell while the focus is in this explorer (not in a form field).
  ax.root.addEventListener("keydown", (event) => {
    if (["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName)) return;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (!moves) return;
    event.preventDefault();
    ax.set({ qi: ax.state.qi + moves[0], kj: ax.state.kj + moves[1] });
  });

  function themeProperties() {
    const style = ax.root.style, theme = meta.theme;
    for (const name of ["background", "ink", "muted", "faint", "highlight", "query", "key", "value", "weight_high"]) {
      style.setProperty("--" + name.replace("_", "-"), theme[name]);
    }
    style.setProperty("--softmax-tint", theme.panels.softmax);
  }

  // Where the page opens: the start view, layer, head and query, and the query's strongest key.
  ax.open = function () {
    themeProperties();
    ax.colors();
    const cross = meta.views.find((v) => v.id === "cross"), first = meta.views[0];
    const counts = cross ? ax.th("counts_cross", { queries: cross.rowTokens.length, keys: cross.colTokens.length })
      : ax.th("counts", { count: first.rowTokens.length });
    ax.el("sentence").innerHTML = AXLib.esc(meta.title) + ` <span class="ax-pos">(${counts})</span>`;
    ax.el("model-name").textContent = "· " + meta.model;
    ax.el("rules").innerHTML = Object.entries(meta.rules).map(([k, v]) => `<li><b>${AXLib.esc(k)}</b>: ${AXLib.esc(v)}</li>`).join("");
    buildControls();
    const s = meta.start, long = first.rowTokens.length > 24; // long rows: every weight is small, so stretch the colours
    const view = Math.max(0, meta.views.findIndex((v) => v.id === s.view));
    // A weight "stands out" at a few times the average 1/n: the default threshold follows the length.
    const threshold = Math.max(0.1, Math.min(5, Math.round(2000 / first.colTokens.length) / 10));
    ax.set({ force: true, view, layer: s.layer, head: s.head, qi: s.query, stretch: long, threshold });
    const block = ax.weightBlock(ax.layer(), ax.head());
    ax.set({ kj: d3.maxIndex(d3.range(ax.m()), (j) => block[ax.state.qi * ax.m() + j]) }); // its strongest key
  };
});
