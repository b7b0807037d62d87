// The step-through: how the focused cell's weight comes about, with the trace's numbers:
// q·k, the scale, e^s, the sum and the division, then weights · V. It follows the focus.
"use strict";
AXLib.modules.push(function steps(ax) {
  const body = ax.el("step-body"), tabs = ax.el("step-tabs"), tok = AXLib.tok, fmt = AXLib.fmt;
  const STEPS = ["1 · q·k", "2 · scale", "3 · eˢ", "4 · sum, ÷", "5 · × V"];
  const TABLE_KEYS = 10; // longer rows show the strongest keys and the focused one
  const id = (name, on = true) => (on ? ` id="${ax.id(name)}"` : "");
  const f = (name, i, d) => fmt(ax.value(name, i, d), ax.view().precision);
  const wrap = (x) => (x.startsWith("−") ? "(" + x + ")" : x);
  const vector = (name, i, view) => "[" + d3.range(view.terms).map((d) => f(name, i, d)).join(", ")
    + (view.dk > view.terms ? ", … " + (view.dk - view.terms) + " more" : "") + "]";
  const missing = () => `<span class="ax-note">not kept</span>`;
  const NOT_KEPT = (view) => `<p class="ax-note">This page is big, so it keeps the worked numbers of each row's
    ${view.detail.keys} strongest keys only (the weight of every key is kept, exact).</p>`;

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
    const more = view.dk > view.terms ? " + … (" + (view.dk - view.terms) + " more terms)" : "";
    return `<p>The <b class="q">query</b> of ${tok(view.rowTokens[q])} meets the <b class="k">key</b> of
      ${tok(view.colTokens[k])}: multiply them number by number and add up (a dot product).</p>
      <p class="ax-vec"><b class="q">q</b> = ${vector("q", q, view)}</p><p class="ax-vec"><b class="k">k</b> = ${vector("k", k, view)}</p>
      <p class="ax-note">q = the token's vector × the learned matrix W<sub>Q</sub> (this head's ${view.dk} columns); k likewise with W<sub>K</sub>.</p>
      <p class="ax-calc">q·k = ${terms}${more} = ${kept ? `<b${id("step-score")}>${fmt(w.score[c], view.precision)}</b>` : missing()}</p>`
      + (kept || ax.isHidden(q, k) ? "" : NOT_KEPT(view))
      + (ax.isHidden(q, k) ? `<p class="ax-note">The causal mask hides this key (it comes after the query): its score is not used.</p>` : "");
  }

  function scale(view, q, k, w) {
    const c = q * ax.m() + k, hidden = ax.isHidden(q, k), kept = w.scaled[c] !== AXLib.NONE;
    if (hidden) return `<p>Divide by √d<sub>k</sub> = √${view.dk} (multiply by ${view.scaleText}).</p>
      <p class="ax-calc">scaled score <b${id("step-scaled")}>−∞</b></p>
      <p class="ax-note">The causal mask hides this key: it comes after the query. Its score becomes −∞, so its weight is exactly 0.</p>`;
    return `<p>Divide by √d<sub>k</sub> = √${view.dk} (multiply by ${view.scaleText}), so scores do not grow with the vector size.</p>
      <p class="ax-calc">${kept ? fmt(w.score[c], view.precision) : "q·k"} × ${view.scaleText} ≈ scaled score
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
    const more = others > 0 ? `<tr class="more"><td colspan="${withDivision ? 5 : 3}">⋯ ${others} other keys, weaker (counted in the sum)</td></tr>` : "";
    const total = withDivision ? `<tr class="total"><td>sum</td><td></td><td${id("step-sum")}>${sum}</td><td></td><td>100.0 %</td></tr>` : "";
    const maxNote = shifted ? `<p class="ax-note">m = the row's largest score, <span${id("step-max")}>${fmt(w.rowMax[q], view.precision)}</span>.
      Subtracting it divides every term by the same e<sup>m</sup>: the weights come out the same and no number gets huge.</p>` : "";
    return `<table class="ax-worked"><thead><tr><th>key</th><th>score s</th><th>${expName}</th>${withDivision ? "<th></th><th>weight</th>" : ""}</tr></thead>
      <tbody>${rows}${more}${total}</tbody></table>${maxNote}`;
  }

  const exps = (view, q, k, w) => `<p>Row ${tok(view.rowTokens[q])} on its own: raise e to each scaled score. Every result is positive, and a higher score always gives a bigger one.</p>` + table(view, q, k, w, false);
  const divide = (view, q, k, w) => `<p>Add them up, then divide each by the sum: these are the attention weights. They add up to 100 % (each shown rounded so the row still adds to 100.0 %).</p>` + table(view, q, k, w, true);

  function values(view, q) {
    const keys = keysShown().filter((j) => !ax.isHidden(q, j));
    const rows = keys.map((j) => `<tr data-key="${j}"${j === ax.state.kj ? ' class="focus"' : ""}><td class="k">${tok(view.colTokens[j])}</td>
      <td>${ax.pct(ax.weight(q, j))}</td><td class="v">${vector("v", j, view)}</td></tr>`).join("");
    const others = d3.range(ax.m()).filter((j) => !ax.isHidden(q, j)).length - keys.length;
    return `<p>The output of ${tok(view.rowTokens[q])} is the weighted sum of every key's <b class="v">value</b> vector:
      each v times its weight, added up. Big weights pull the output towards their token.</p>
      <table class="ax-worked"><thead><tr><th>key</th><th>weight</th><th>value v</th></tr></thead><tbody>${rows}
      ${others ? `<tr class="more"><td colspan="3">⋯ ${others} other keys, weaker</td></tr>` : ""}</tbody></table>
      <p class="ax-calc">output = Σ weight × v = <b${id("step-output")}>${vector("output", q, view)}</b></p>`;
  }

  function shares(view, q) {
    const block = ax.weightBlock(ax.layer(), 0), m = ax.m();
    const top = d3.range(m).filter((j) => !ax.isHidden(q, j)).sort((a, b) => block[q * m + b] - block[q * m + a]).slice(0, 8);
    const text = view.kind === "rollout" ? `<p>Rollout follows attention through the layers. Each layer mixes the tokens by its heads' average weights,
      and the residual connection also passes each token straight on, so a layer counts as ½ · (mean of its heads) + ½ · (itself);
      multiplying the layers up says how much of each input token ends up at each position.</p>
      <p>After layer ${ax.layerName(ax.layer())}, position ${tok(view.rowTokens[q])} is made of:</p>`
      : `<p>The ${ax.meta.views[0].heads} heads of layer ${ax.layerName(ax.layer())} averaged: each weight is the mean of the heads' weights
      (an ensemble of the layer). ${tok(view.rowTokens[q])} attends to:</p>`;
    return text + `<ul class="ax-shares">${top.map((j) => `<li>${ax.pct(block[q * m + j])} ${tok(view.colTokens[j])}</li>`).join("")}</ul>`;
  }

  // Weights handed over (from_attentions): no q, k or v came with them, so nothing is worked out.
  function given(view, q) {
    const block = ax.weightBlock(ax.layer(), ax.head()), m = ax.m();
    const top = d3.range(m).filter((j) => !ax.isHidden(q, j)).sort((a, b) => block[q * m + b] - block[q * m + a]).slice(0, 8);
    return `<p id="${ax.id("step-given")}" class="ax-note">These weights were handed over as they are (from_attentions): no queries, keys
      or values came with them, so no arithmetic is shown, only the weights, rounded so each row adds to 100.0 %.</p>
      <p>${tok(view.rowTokens[q])} attends most to:</p>
      <ul class="ax-shares">${top.map((j) => `<li>${ax.pct(block[q * m + j])} ${tok(view.colTokens[j])}</li>`).join("")}</ul>`;
  }

  const BUILDERS = [dot, scale, exps, divide, values];

  function draw() {
    const view = ax.view(), s = ax.state, oneHead = view.kind !== "attention" || view.weightsOnly;
    tabs.hidden = oneHead;
    ax.el("step-nav").hidden = oneHead;
    body.innerHTML = view.weightsOnly ? given(view, s.qi) : oneHead ? shares(view, s.qi) : BUILDERS[s.step](view, s.qi, s.kj, ax.worked());
    for (const button of tabs.children) button.classList.toggle("current", +button.dataset.step === s.step);
    ax.el("step-count").textContent = "step " + (s.step + 1) + " of " + STEPS.length;
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
