// The step-through: how the focused cell's weight comes about, with the trace's numbers:
// q·k, the scale, e^s, the sum and the division, then weights · V. It follows the focus.
"use strict";
(function () {
  const body = document.getElementById("step-body"), tabs = document.getElementById("step-tabs");
  const STEPS = ["1 · q·k", "2 · scale", "3 · eˢ", "4 · sum, ÷", "5 · × V"];
  const TABLE_KEYS = 10; // longer rows show the strongest keys and the focused one
  const f = (name, i, j) => AX.fmt(AX.value(name, i, j), AX.view().precision);
  const wrap = (x) => (x.startsWith("−") ? "(" + x + ")" : x);
  const vector = (name, i, view) => "[" + d3.range(view.terms).map((d) => f(name, i, d)).join(", ")
    + (view.dk > view.terms ? ", … " + (view.dk - view.terms) + " more" : "") + "]";

  function keysShown() {
    const m = AX.m(), s = AX.state;
    if (m <= TABLE_KEYS + 2) return d3.range(m);
    const strongest = d3.range(m).sort((a, b) => AX.value("pct", s.qi, b) - AX.value("pct", s.qi, a)).slice(0, TABLE_KEYS);
    return Array.from(new Set(strongest.concat([s.kj]))).sort((a, b) => a - b);
  }

  function dot(view, q, k) {
    const terms = d3.range(view.terms).map((d) => wrap(f("q", q, d)) + " × " + wrap(f("k", k, d))).join(" + ");
    const more = view.dk > view.terms ? " + … (" + (view.dk - view.terms) + " more terms)" : "";
    return `<p>The <b class="q">query</b> of ${AX.tok(view.rowTokens[q])} meets the <b class="k">key</b> of
      ${AX.tok(view.colTokens[k])}: multiply them number by number and add up (a dot product).</p>
      <p class="vec"><b class="q">q</b> = ${vector("q", q, view)}</p><p class="vec"><b class="k">k</b> = ${vector("k", k, view)}</p>
      <p class="note">q = the token's vector × the learned matrix W<sub>Q</sub> (this head's ${view.dk} columns); k likewise with W<sub>K</sub>.</p>
      <p class="calc">q·k = ${terms}${more} = <b id="step-score">${f("score", q, k)}</b></p>`;
  }

  function scale(view, q, k) {
    const hidden = AX.isHidden("scaled", q, k);
    return `<p>Divide by √d<sub>k</sub> = √${view.dk} (multiply by ${view.scaleText}), so scores do not grow with the vector size.</p>
      <p class="calc">${f("score", q, k)} × ${view.scaleText} ≈ scaled score
      <b id="step-scaled">${hidden ? "−∞" : f("scaled", q, k)}</b></p>` + (hidden
      ? `<p class="note">The causal mask hides this key: it comes after the query. Its score becomes −∞, so its weight is exactly 0.</p>` : "");
  }

  function table(view, q, k, withDivision) {
    const shifted = view.shifted[AX.layer()][AX.head()], e = (name, i, j) => AX.fmt(AX.value(name, i, j), view.expPrecision);
    const sum = e("expSum", q);
    const expName = shifted ? "e<sup>s − m</sup>" : "e<sup>s</sup>";
    const keys = keysShown();
    const rows = keys.map((j) => {
      const focus = j === k ? ' class="focus"' : "", id = (name) => (j === k ? ` id="step-${name}"` : "");
      const score = AX.isHidden("scaled", q, j) ? "−∞" : f("scaled", q, j);
      const division = withDivision ? `<td class="op">÷ ${sum} ≈</td><td${id("pct")}>${AX.pct(AX.value("pct", q, j))}</td>` : "";
      return `<tr data-key="${j}"${focus}><td class="k">${AX.tok(view.colTokens[j])}</td><td>${score}</td><td${id("exp")}>${e("exps", q, j)}</td>${division}</tr>`;
    }).join("");
    const others = AX.m() - keys.length;
    const more = others ? `<tr class="more"><td colspan="${withDivision ? 5 : 3}">⋯ ${others} other keys, weaker (counted in the sum)</td></tr>` : "";
    const total = withDivision ? `<tr class="total"><td>sum</td><td></td><td id="step-sum">${sum}</td><td></td><td>100.0 %</td></tr>` : "";
    const maxNote = shifted ? `<p class="note">m = the row's largest score, ${AX.fmt(d3.max(d3.range(AX.m()).filter((j) => !AX.isHidden("scaled", q, j)), (j) => AX.value("scaled", q, j)), view.precision)}.
      Subtracting it divides every term by the same e<sup>m</sup>: the weights come out the same and no number gets huge.</p>` : "";
    return `<table class="worked"><thead><tr><th>key</th><th>score s</th><th>${expName}</th>${withDivision ? "<th></th><th>weight</th>" : ""}</tr></thead>
      <tbody>${rows}${more}${total}</tbody></table>${maxNote}`;
  }

  function exps(view, q, k) {
    return `<p>Row ${AX.tok(view.rowTokens[q])} on its own: raise e to each scaled score. Every result is positive, and a higher score always gives a bigger one.</p>` + table(view, q, k, false);
  }

  function divide(view, q, k) {
    return `<p>Add them up, then divide each by the sum: these are the attention weights. They add up to 100 % (each shown rounded so the row still adds to 100.0 %).</p>` + table(view, q, k, true);
  }

  function values(view, q) {
    const keys = keysShown();
    const rows = keys.map((j) => `<tr data-key="${j}"${j === AX.state.kj ? ' class="focus"' : ""}><td class="k">${AX.tok(view.colTokens[j])}</td>
      <td>${AX.pct(AX.value("pct", q, j))}</td><td class="v">${vector("v", j, view)}</td></tr>`).join("");
    const others = AX.m() - keys.length;
    return `<p>The output of ${AX.tok(view.rowTokens[q])} is the weighted sum of every key's <b class="v">value</b> vector:
      each v times its weight, added up. Big weights pull the output towards their token.</p>
      <table class="worked"><thead><tr><th>key</th><th>weight</th><th>value v</th></tr></thead><tbody>${rows}
      ${others ? `<tr class="more"><td colspan="3">⋯ ${others} other keys, weaker</td></tr>` : ""}</tbody></table>
      <p class="calc">output = Σ weight × v = <b id="step-output">${vector("output", q, view)}</b></p>`;
  }

  function rollout(view, q) {
    const top = d3.range(AX.m()).sort((a, b) => AX.value("pct", q, b) - AX.value("pct", q, a)).slice(0, 8);
    return `<p>Rollout follows attention through the layers. Each layer mixes the tokens by its heads' average weights,
      and the residual connection also passes each token straight on, so a layer counts as ½ · (mean of its heads) + ½ · (itself);
      multiplying the layers up says how much of each input token ends up at each position.</p>
      <p>After layer ${AX.layer() + 1}, position ${AX.tok(view.rowTokens[q])} is made of:</p>
      <ul class="shares">${top.map((j) => `<li>${AX.pct(AX.value("pct", q, j))} ${AX.tok(view.colTokens[j])}</li>`).join("")}</ul>`;
  }

  const BUILDERS = [dot, scale, exps, divide, values];

  function draw() {
    const view = AX.view(), s = AX.state, isRollout = view.kind === "rollout";
    tabs.hidden = isRollout;
    document.querySelector("#steps-panel .step-nav").hidden = isRollout;
    body.innerHTML = isRollout ? rollout(view, s.qi) : BUILDERS[s.step](view, s.qi, s.kj);
    for (const button of tabs.children) button.classList.toggle("current", +button.dataset.step === s.step);
    document.getElementById("step-count").textContent = "step " + (s.step + 1) + " of " + STEPS.length;
    for (const row of body.querySelectorAll("tr[data-key]")) row.addEventListener("click", () => AX.set({ kj: +row.dataset.key }));
  }

  STEPS.forEach((name, step) => {
    const button = document.createElement("button");
    button.type = "button"; button.dataset.step = step; button.textContent = name;
    button.addEventListener("click", () => AX.set({ step }));
    tabs.appendChild(button);
  });
  document.getElementById("step-prev").addEventListener("click", () => AX.set({ step: Math.max(0, AX.state.step - 1) }));
  document.getElementById("step-next").addEventListener("click", () => AX.set({ step: Math.min(STEPS.length - 1, AX.state.step + 1) }));
  AX.panels.push({ draw });
})();
