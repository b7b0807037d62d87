// The step-through: how the focused cell's weight comes about, with the trace's numbers:
// q·k, the scale, e^s, the sum and the division, then weights · V. It follows the focus.
"use strict";
AXLib.modules.push(function steps(ax) {
  const body = ax.el("step-body"), tabs = ax.el("step-tabs"), tok = AXLib.tok, fmt = AXLib.fmt;
  const STEPS = ["1 · q·k", "2 · " + ax.t("tab_scale"), "3 · eˢ", "4 · " + ax.t("tab_sum"), "5 · × V"];
  const coloured = (name, cls) => `<b class="${cls}">${ax.th(name)}</b>`;
  const TABLE_KEYS = 10; // longer rows show the strongest keys and the focused one
  const id = (name, on = true) => (on ? ` id="${ax.id(name)}"` : "");
  const f = (name, i, d) => fmt(ax.value(name, i, d), ax.view().precision);
  const wrap = (x) => (x.startsWith("−") ? "(" + x + ")" : x);
  const vector = (name, i, view) => "[" + d3.range(view.terms).map((d) => f(name, i, d)).join(", ")
    + (view.dk > view.terms ? ", " + ax.th("more_dims", { count: view.dk - view.terms }) : "") + "]";
  const missing = () => `<span class="ax-note">${ax.th("not_kept")}</span>`;
  const NOT_KEPT = (view) => `<p class="ax-note">${ax.th("not_kept_note", { keys: view.detail.keys })}</p>`;

  function keysShown() {
    const m = ax.m(), s = ax.state, view = ax.view(), block = ax.weightBlock(ax.layer(), ax.head());
    const visible = d3.range(m).filter((j) => !ax.isHidden(s.qi, j));
    if (visible.length <= TABLE_KEYS + 2) return Array.from(new Set(visible.concat([s.kj]))).sort((a, b) => a - b);
    const strongest = ax.keptKeys(block, s.qi, m, view.visible, TABLE_KEYS);
    return Array.from(new Set(strongest.concat([s.kj]))).sort((a, b) => a - b);
  }

  function dot(view, q, k, w) {
    const c = q * ax.m() + k, kept = w.score[c] !== AXLib.NONE;
    const terms = d3.range(view.terms).map((d) => wrap(f("q", q, d)) + " × " + wrap(f("k", k, d))).join(" + ");
    const more = view.dk > view.terms ? " + " + ax.th("more_terms", { count: view.dk - view.terms }) : "";
    return `<p>${ax.th("dot", { query: coloured("query", "q"), row: tok(view.rowTokens[q]), key: coloured("key", "k"), column: tok(view.colTokens[k]) })}</p>
      <p class="ax-vec"><b class="q">q</b> = ${vector("q", q, view)}</p><p class="ax-vec"><b class="k">k</b> = ${vector("k", k, view)}</p>
      <p class="ax-note">${ax.th("dot_note", { wq: "W<sub>Q</sub>", wk: "W<sub>K</sub>", dk: view.dk })}</p>
      <p class="ax-calc">q·k = ${terms}${more} = ${kept ? `<b${id("step-score")}>${fmt(w.score[c], view.precision)}</b>` : missing()}</p>`
      + (kept || ax.isHidden(q, k) ? "" : NOT_KEPT(view))
      + (ax.isHidden(q, k) ? `<p class="ax-note">${ax.th("mask_unused")}</p>` : "");
  }

  function scale(view, q, k, w) {
    const c = q * ax.m() + k, hidden = ax.isHidden(q, k), kept = w.scaled[c] !== AXLib.NONE;
    const root = { root: `√d<sub>k</sub> = √${view.dk}`, factor: view.scaleText };
    if (hidden) return `<p>${ax.th("scale_hidden", root)}</p>
      <p class="ax-calc">${ax.th("scaled_score")} <b${id("step-scaled")}>−∞</b></p>
      <p class="ax-note">${ax.th("scale_hidden_note")}</p>`;
    return `<p>${ax.th("scale", root)}</p>
      <p class="ax-calc">${kept ? fmt(w.score[c], view.precision) : "q·k"} × ${view.scaleText} ≈ ${ax.th("scaled_score")}
      ${kept ? `<b${id("step-scaled")}>${fmt(w.scaled[c], view.precision)}</b>` : missing()}</p>` + (kept ? "" : NOT_KEPT(view));
  }

  function table(view, q, k, w, withDivision) {
    const shifted = view.shifted[ax.layer()][ax.head()], m = ax.m(), e = (v) => fmt(v, view.expPrecision);
    const sum = e(w.expSum[q]), expName = shifted ? "e<sup>s − m</sup>" : "e<sup>s</sup>";
    const keys = keysShown();
    const rows = keys.map((j) => {
      const c = q * m + j, on = j === k, hidden = ax.isHidden(q, j), kept = w.scaled[c] !== AXLib.NONE;
      const score = hidden ? "−∞" : kept ? fmt(w.scaled[c], view.precision) : "·";
      const exp = hidden ? e(0) : kept ? e(w.exps[c]) : "·";
      const division = withDivision ? `<td class="op">÷ ${sum} ≈</td><td${id("step-pct", on)}>${ax.pct(ax.weight(q, j))}</td>` : "";
      return `<tr data-key="${j}"${on ? ' class="focus"' : ""}><td class="k">${tok(view.colTokens[j])}</td><td>${score}</td><td${id("step-exp", on && kept)}>${exp}</td>${division}</tr>`;
    }).join("");
    const others = d3.range(m).filter((j) => !ax.isHidden(q, j)).length - keys.filter((j) => !ax.isHidden(q, j)).length;
    const more = others > 0 ? `<tr class="more"><td colspan="${withDivision ? 5 : 3}">${ax.th("others_in_sum", { count: others })}</td></tr>` : "";
    const total = withDivision ? `<tr class="total"><td>${ax.th("sum")}</td><td></td><td${id("step-sum")}>${sum}</td><td></td><td>100.0 %</td></tr>` : "";
    const maxNote = shifted ? `<p class="ax-note">${ax.th("max_note", { max: `<span${id("step-max")}>${fmt(w.rowMax[q], view.precision)}</span>`, em: "e<sup>m</sup>" })}</p>` : "";
    return `<table class="ax-worked"><thead><tr><th>${ax.th("col_key")}</th><th>${ax.th("col_score")}</th><th>${expName}</th>${withDivision ? `<th></th><th>${ax.th("col_weight")}</th>` : ""}</tr></thead>
      <tbody>${rows}${more}${total}</tbody></table>${maxNote}`;
  }

  const exps = (view, q, k, w) => `<p>${ax.th("exps", { row: tok(view.rowTokens[q]) })}</p>` + table(view, q, k, w, false);
  const divide = (view, q, k, w) => `<p>${ax.th("divide")}</p>` + table(view, q, k, w, true);

  function values(view, q) {
    const keys = keysShown().filter((j) => !ax.isHidden(q, j));
    const rows = keys.map((j) => `<tr data-key="${j}"${j === ax.state.kj ? ' class="focus"' : ""}><td class="k">${tok(view.colTokens[j])}</td>
      <td>${ax.pct(ax.weight(q, j))}</td><td class="v">${vector("v", j, view)}</td></tr>`).join("");
    const others = d3.range(ax.m()).filter((j) => !ax.isHidden(q, j)).length - keys.length;
    return `<p>${ax.th("values", { row: tok(view.rowTokens[q]), value: coloured("value", "v") })}</p>
      <table class="ax-worked"><thead><tr><th>${ax.th("col_key")}</th><th>${ax.th("col_weight")}</th><th>${ax.th("col_value")}</th></tr></thead><tbody>${rows}
      ${others ? `<tr class="more"><td colspan="3">${ax.th("others", { count: others })}</td></tr>` : ""}</tbody></table>
      <p class="ax-calc">${ax.th("output_sum")} <b${id("step-output")}>${vector("output", q, view)}</b></p>`;
  }

  function shares(view, q) {
    const block = ax.weightBlock(ax.layer(), 0), m = ax.m();
    const top = d3.range(m).filter((j) => !ax.isHidden(q, j)).sort((a, b) => block[q * m + b] - block[q * m + a]).slice(0, 8);
    const text = view.kind === "rollout" ? `<p>${ax.th("rollout")}</p>
      <p>${ax.th("rollout_after", { layer: ax.layerName(ax.layer()), row: tok(view.rowTokens[q]) })}</p>`
      : `<p>${ax.th("average", { heads: ax.meta.views[0].heads, layer: ax.layerName(ax.layer()), row: tok(view.rowTokens[q]) })}</p>`;
    return text + `<ul class="ax-shares">${top.map((j) => `<li>${ax.pct(block[q * m + j])} ${tok(view.colTokens[j])}</li>`).join("")}</ul>`;
  }

  // Weights handed over (from_attentions): no q, k or v came with them, so nothing is worked out.
  function given(view, q) {
    const block = ax.weightBlock(ax.layer(), ax.head()), m = ax.m();
    const top = d3.range(m).filter((j) => !ax.isHidden(q, j)).sort((a, b) => block[q * m + b] - block[q * m + a]).slice(0, 8);
    return `<p id="${ax.id("step-given")}" class="ax-note">${ax.th("given")}</p>
      <p>${ax.th("given_top", { row: tok(view.rowTokens[q]) })}</p>
      <ul class="ax-shares">${top.map((j) => `<li>${ax.pct(block[q * m + j])} ${tok(view.colTokens[j])}</li>`).join("")}</ul>`;
  }

  const BUILDERS = [dot, scale, exps, divide, values];

  function draw() {
    const view = ax.view(), s = ax.state, oneHead = view.kind !== "attention" || view.weightsOnly;
    tabs.hidden = oneHead;
    ax.el("step-nav").hidden = oneHead;
    body.innerHTML = view.weightsOnly ? given(view, s.qi) : oneHead ? shares(view, s.qi) : BUILDERS[s.step](view, s.qi, s.kj, ax.worked());
    for (const button of tabs.children) button.classList.toggle("current", +button.dataset.step === s.step);
    ax.el("step-count").textContent = ax.t("step_count", { step: s.step + 1, count: STEPS.length });
    for (const row of body.querySelectorAll("tr[data-key]")) row.addEventListener("click", () => ax.set({ kj: +row.dataset.key }));
  }

  STEPS.forEach((name, step) => {
    const button = document.createElement("button");
    button.type = "button"; button.dataset.step = step; button.textContent = name;
    button.addEventListener("click", () => ax.set({ step }));
    tabs.appendChild(button);
  });
  ax.el("step-prev").addEventListener("click", () => ax.set({ step: Math.max(0, ax.state.step - 1) }));
  ax.el("step-next").addEventListener("click", () => ax.set({ step: Math.min(STEPS.length - 1, ax.state.step + 1) }));
  ax.panels.push({ name: "steps", draw });
});
