// Controls (view, layer, head), the hover readout, the keyboard, and start-up.
"use strict";
(function () {
  const meta = AX.meta, readout = document.getElementById("readout");
  const NOTES = {
    self: "Self-attention: queries, keys and values all come from the same sentence, so the grid is square.",
    cross: "Cross-attention: the words being written (rows) ask, the source sentence (columns) answers: "
      + "queries come from one sequence, keys and values from the other, so the grid need not be square.",
    rollout: "Rollout: how much of each position (row) comes from each input token (column) after a layer, "
      + "counting every head and the residual path.",
  };

  AX.readout = function (cell, focused) {
    const view = AX.view(), [i, j] = cell;
    const hidden = view.fields.scaled && AX.isHidden("scaled", i, j);
    const score = view.kind === "rollout" ? "" : ` · scaled score <b id="readout-score">${hidden ? "−∞" : AX.fmt(AX.value("scaled", i, j), view.precision)}</b>`
      + (hidden ? " (hidden by the causal mask)" : "");
    readout.innerHTML = `<span class="mode">${focused ? "focus" : "hover"}</span>
      <span class="q">query</span> <span id="readout-query">${AX.tok(view.rowTokens[i])}</span> <span class="pos">(row ${i + 1})</span>
      → <span class="k">key</span> <span id="readout-key">${AX.tok(view.colTokens[j])}</span> <span class="pos">(column ${j + 1})</span>:
      ${view.kind === "rollout" ? "share" : "weight"} <b id="readout-weight">${AX.pct(AX.value("pct", i, j))}</b>${score}`;
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
    const views = document.getElementById("view-picker");
    meta.views.forEach((view, index) => {
      button(views, view.label, () => AX.set({ view: index, step: AX.view().kind === "rollout" ? 0 : AX.state.step })).dataset.view = index;
    });
    views.hidden = meta.views.length < 2;
    document.getElementById("threshold").value = AX.state.threshold;
  }

  function headButtons() {
    const view = AX.view(), picker = document.getElementById("head-picker"), theme = meta.theme;
    picker.replaceChildren();
    for (let h = 0; h < view.heads; h++) {
      button(picker, String(h + 1), () => AX.set({ head: h }), theme.head_colors[h % theme.head_colors.length]).dataset.head = h;
    }
    document.getElementById("head-control").hidden = view.kind === "rollout";
    const layer = document.getElementById("layer");
    layer.replaceChildren(...d3.range(view.layers).map((l) => new Option(String(l + 1), l)));
    document.getElementById("layer-control").hidden = view.layers < 2;
  }

  function titleText(view) {
    const name = AX.headName(AX.layer(), AX.head()), theme = meta.theme;
    const pattern = view.patterns ? " · pattern: " + view.patterns[AX.layer()][AX.head()][0] : "";
    return `<span style="color:${view.kind === "rollout" ? theme.weight_high : theme.head_colors[AX.head() % theme.head_colors.length]}">${name}</span>`
      + (view.kind === "rollout" ? "" : " · attention weights") + AX.esc(pattern);
  }

  function legend() {
    const theme = meta.theme, s = AX.state;
    const stops = d3.range(0, 1.0001, 0.1).map((w) => d3.interpolateRgb(theme.weight_low, theme.weight_high)(Math.pow(w, theme.weight_gamma)));
    const top = s.stretch ? AX.pct(AX.blockMax(AX.weightBlock(AX.layer(), AX.head()))) : "100 %";
    document.getElementById("legend").innerHTML = `<span>0 %</span><span class="bar" style="background:linear-gradient(90deg,${stops.join(",")})"></span>`
      + `<span id="legend-top">${top}</span><span class="what">weight: darker = more attention${AX.view().kind === "rollout" ? "" : "; numbers in cells are %"}</span>`
      + (AX.view().causal ? `<span class="swatch" style="background:${theme.masked_fill}"></span><span class="what">hidden (a later token)</span>` : "")
      + `<label><input type="checkbox" id="stretch"${s.stretch ? " checked" : ""}> darkest = this head's largest weight</label>`;
    document.getElementById("stretch").addEventListener("change", (event) => AX.set({ stretch: event.target.checked }));
  }

  AX.panels.unshift({
    draw(changed) {
      const view = AX.view();
      if (["view", "layer", "head", "stretch"].some((key) => changed.has(key))) legend();
      if (changed.has("view")) {
        headButtons();
        document.getElementById("view-note").textContent = NOTES[view.id] || "";
        const big = Math.max(AX.n(), AX.m()) > 24;
        document.getElementById("zoom-hint").textContent = big ? "Long sentence: scroll (or pinch) to zoom in and see the tokens, drag to pan, double-click to zoom out." : "";
      }
      for (const b of document.querySelectorAll("#view-picker button")) b.classList.toggle("current", +b.dataset.view === AX.state.view);
      for (const b of document.querySelectorAll("#head-picker button")) b.classList.toggle("current", +b.dataset.head === AX.head());
      document.getElementById("layer").value = AX.layer();
      document.getElementById("heatmap-title").innerHTML = titleText(view);
    },
  });

  document.getElementById("layer").addEventListener("change", (event) => AX.set({ layer: +event.target.value }));
  document.addEventListener("keydown", (event) => {
    if (["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName)) return;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (!moves) return;
    event.preventDefault();
    AX.set({ qi: AX.state.qi + moves[0], kj: AX.state.kj + moves[1] });
  });

  function themeProperties() {
    const style = document.documentElement.style, theme = meta.theme;
    for (const name of ["background", "ink", "muted", "faint", "highlight", "query", "key", "value", "weight_high"]) {
      style.setProperty("--" + name.replace("_", "-"), theme[name]);
    }
    style.setProperty("--softmax-tint", theme.panels.softmax);
  }

  async function start() {
    AX.timings = { scripts: performance.now() }; // for the speed test: where the first second goes
    themeProperties();
    await AX.load();
    AX.timings.decoded = performance.now();
    AX.colorTable();
    const cross = meta.views.find((v) => v.id === "cross");
    const counts = cross ? `${cross.rowTokens.length} queries × ${cross.colTokens.length} keys` : `${meta.views[0].rowTokens.length} tokens`;
    document.getElementById("sentence").innerHTML = AX.esc(meta.title) + ` <span class="pos">(${counts})</span>`;
    document.getElementById("model-name").textContent = "· " + meta.model;
    document.getElementById("rules").innerHTML = Object.entries(meta.rules).map(([k, v]) => `<li><b>${AX.esc(k)}</b>: ${AX.esc(v)}</li>`).join("");
    buildControls();
    const s = meta.start;
    const long = meta.views[0].rowTokens.length > 24; // long rows: every weight is small, so stretch the colours
    const view = Math.max(0, meta.views.findIndex((v) => v.id === s.view));
    // A weight "stands out" at a few times the average 1/n: the default threshold follows the length.
    const threshold = Math.max(0.1, Math.min(5, Math.round(2000 / meta.views[0].colTokens.length) / 10));
    AX.set({ force: true, view, layer: s.layer, head: s.head, qi: s.query, stretch: long, threshold });
    AX.set({ kj: d3.maxIndex(d3.range(AX.m()), (j) => AX.value("pct", AX.state.qi, j)) }); // its strongest key
    AX.readyAt = performance.now();
    document.body.dataset.ready = "true";
  }
  start().catch((error) => { readout.textContent = "Could not read the embedded trace: " + error; throw error; });
})();
