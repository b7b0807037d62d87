// The flow diagram: queries on the left, keys on the right, one curve per weight at or above
// the threshold, thicker and more opaque for more weight; the focused query's curves in the
// highlight colour. Long sequences keep only the strongest MAX_EDGES curves.
"use strict";
AXLib.modules.push(function flow(ax) {
  const svg = d3.select(ax.el("flow")), slider = ax.el("threshold");
  const readout = ax.el("threshold-value");
  const MAX_EDGES = 2500;

  function edges() {
    const n = ax.n(), m = ax.m(), block = ax.weightBlock(ax.layer(), ax.head());
    const cut = Math.round(ax.state.threshold * Math.pow(10, ax.meta.percentDecimals)), list = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      const tenths = block[i * m + j];
      if (tenths >= cut && tenths > 0) list.push({ i, j, tenths });
    }
    list.sort((a, b) => a.tenths - b.tenths);
    return list.length > MAX_EDGES ? list.slice(list.length - MAX_EDGES) : list;
  }

  function draw() {
    const view = ax.view(), theme = ax.meta.theme, s = ax.state, n = ax.n(), m = ax.m();
    const width = Math.max(280, ax.el("flow-wrap").clientWidth || 500);
    const height = Math.max(160, Math.min(560, 22 * Math.max(n, m)));
    const label = Math.max(60, Math.min(110, 16 + 7 * Math.max(...view.rowTokens.concat(view.colTokens).map((t) => Math.min(12, String(t).length)))));
    svg.attr("width", width).attr("height", height).attr("viewBox", [0, 0, width, height]);
    const left = label, right = width - label;
    const yq = d3.scalePoint(d3.range(n), [30, height - 10]), yk = d3.scalePoint(d3.range(m), [30, height - 10]);
    const full = Math.pow(10, ax.meta.percentDecimals) * 100, maxWidth = Math.max(1.5, Math.min(10, 0.7 * (height - 40) / Math.max(n, m)));
    const link = d3.linkHorizontal().x((d) => d[0]).y((d) => d[1]);
    const list = edges();
    svg.selectAll("g.edges").data([0]).join("g").attr("class", "edges").selectAll("path")
      .data(list, (d) => d.i + "," + d.j).join("path")
      .attr("d", (d) => link({ source: [left, yq(d.i)], target: [right, yk(d.j)] }))
      .attr("fill", "none")
      .attr("stroke", (d) => (d.i === s.qi ? theme.highlight : theme.weight_high))
      .attr("stroke-width", (d) => 0.4 + maxWidth * d.tenths / full)
      .attr("stroke-opacity", (d) => (d.i === s.qi ? 0.35 + 0.65 * d.tenths / full : 0.08 + 0.6 * d.tenths / full))
      .filter((d) => d.i === s.qi).raise();
    const every = Math.max(1, Math.ceil(11 / ((height - 40) / Math.max(n, m, 2))));
    const labels = (tokens, y, x, anchor, color, focus, cls) => svg.selectAll("g." + cls).data([0]).join("g").attr("class", cls)
      .selectAll("text").data(tokens.map((t, i) => ({ t, i })).filter((d) => d.i === focus || (d.i % every === 0 && Math.abs(d.i - focus) >= every)))
      .join("text").attr("x", x).attr("y", (d) => y(d.i)).attr("dy", "0.32em").attr("text-anchor", anchor)
      .attr("fill", (d) => (d.i === focus ? theme.highlight : color)).attr("font-weight", (d) => (d.i === focus ? 700 : 400))
      .text((d) => (every > 1 ? d.i + 1 + " " : "") + (d.t.length > 12 ? d.t.slice(0, 11) + "…" : d.t)); // skipped labels: say the position
    labels(view.rowTokens, yq, left - 6, "end", theme.query, s.qi, "queries")
      .style("cursor", "pointer").on("click", (event, d) => ax.set({ qi: d.i }));
    labels(view.colTokens, yk, right + 6, "start", theme.key, s.kj, "keys")
      .style("cursor", "pointer").on("click", (event, d) => ax.set({ kj: d.i }));
    svg.selectAll("text.side").data(["queries", "keys"]).join("text").attr("class", "side")
      .attr("x", (d) => (d === "queries" ? left - 6 : right + 6)).attr("y", 12)
      .attr("text-anchor", (d) => (d === "queries" ? "end" : "start")).attr("fill", theme.muted).text((d) => d);
    readout.textContent = ax.state.threshold + " % · " + list.length + " curve" + (list.length === 1 ? "" : "s");
  }

  slider.addEventListener("input", () => ax.set({ threshold: +slider.value }));
  ax.panels.push({
    draw(changed) {
      slider.value = ax.state.threshold;
      if (["view", "layer", "head", "qi", "kj", "threshold"].some((key) => changed.has(key))) draw();
    },
  });
});
