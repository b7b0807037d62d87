// The flow network: tokens as nodes along the sentence (each held inside its own band of the line,
// so the order stays readable), placed by a D3 force layout (links pull strongly attending tokens
// together, nodes push apart); node size = attention received (or given), one arc per weight at or
// above the threshold, thicker and more opaque for more weight; particles run along the arcs from
// the key to the query (information flows that way), faster and denser for more weight.
"use strict";
AXLib.modules.push(function flow(ax) {
  const svg = d3.select(ax.el("flow")), slider = ax.el("threshold"), readout = ax.el("threshold-value");
  const canvas = ax.el("particles"), edgeCanvas = ax.el("edges"), MAX_EDGES = 2500, MAX_PARTICLE_EDGES = 250, DURATION = 300;
  const TICKS = 60, TICKS_PER_FRAME = 2; // from the last layout's positions, 60 steps bring it to rest
  const flow = (ax.flow = { nodes: [], edges: [], settled: false, frames: 0 });
  let running = null;

  // Which cells the network shows: the brushed rectangle when there is one, else the whole head.
  function edges(block) {
    const n = ax.n(), m = ax.m(), sel = ax.state.selection, list = [];
    const cut = Math.round(ax.state.threshold * Math.pow(10, ax.meta.percentDecimals));
    const [i0, i1, j0, j1] = sel ? [sel.i0, sel.i1, sel.j0, sel.j1] : [0, n - 1, 0, m - 1];
    for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) {
      const tenths = block[i * m + j];
      if (tenths >= cut && tenths > 0 && i !== j) list.push({ i, j, tenths });
    }
    list.sort((a, b) => a.tenths - b.tenths);
    return list.length > MAX_EDGES ? list.slice(list.length - MAX_EDGES) : list;
  }

  // Received: the column's sum (how many rows' worth of attention lands on the token); given:
  // what the token's row gives to other tokens (100 % minus what it keeps on itself).
  ax.nodeSizes = function (block) {
    const n = ax.n(), m = ax.m(), received = new Array(m).fill(0), given = new Array(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      received[j] += block[i * m + j];
      if (i !== j) given[i] += block[i * m + j];
    }
    return { received, given };
  };

  function geometry() {
    const width = Math.max(320, ax.el("flow-wrap").clientWidth || 900), n = ax.n();
    const tilted = width / n < 48, pad = tilted ? 44 : 16, step = (width - pad - 16) / n, label = tilted ? 70 : 24;
    const height = Math.max(180, Math.min(330, 110 + 5 * n, 90 + 0.45 * width)) + label;
    return { width, height, pad, step, tilted, top: 16, bottom: height - label - 8, label, anchor: (i) => pad + (i + 0.5) * step };
  }

  // The layout: a force simulation whose x force and clamp keep each node inside its token's band.
  // It runs a few steps per animation frame (the network visibly settles, and no frame is long);
  // under reduced motion it runs to rest at once.
  function simulation(g, nodes, links) {
    const clamp = () => { for (const d of nodes) {
      const half = g.step / 2 - 1;
      d.x = Math.max(g.anchor(d.index) - half, Math.min(g.anchor(d.index) + half, d.x));
      d.y = Math.max(g.top + d.r, Math.min(g.bottom - d.r, d.y));
    } };
    return d3.forceSimulation(nodes).stop().alphaDecay(1 - Math.pow(0.001, 1 / TICKS))
      .force("x", d3.forceX((d) => g.anchor(d.index)).strength(0.6))
      .force("y", d3.forceY(g.top + 0.68 * (g.bottom - g.top)).strength(0.05))
      .force("link", d3.forceLink(links).id((d) => d.index).strength((l) => 0.02 + 0.5 * l.tenths / ax.FULL).distance(30))
      .force("charge", d3.forceManyBody().strength(-25).distanceMax(200))
      .force("collide", d3.forceCollide((d) => d.r + 1.5))
      .force("clamp", clamp);
  }

  // An arc from key a to query b: a quadratic curve lifted by the distance between them.
  const control = (a, b) => [(a.x + b.x) / 2, Math.min(a.y, b.y) - Math.max(8, Math.min(0.45 * Math.abs(b.x - a.x), a.y - 4, b.y - 4))];

  // The arcs are drawn on a canvas (hundreds of SVG paths repainted each frame halved the frame
  // rate); a change fades each arc from its old weight to its new one while the nodes move.
  function paintEdges(edgeList, weightOf) {
    const g = flow.geometry, context = edgeCanvas.getContext("2d"), theme = ax.meta.theme, stops = ax.colors(), qi = ax.state.qi;
    context.clearRect(0, 0, g.width, g.height);
    for (const focus of [false, true]) for (const e of edgeList) {
      if ((e.i === qi) !== focus) continue;
      const tenths = weightOf(e);
      if (tenths <= 0) continue;
      const a = flow.byIndex[e.j], b = flow.byIndex[e.i], [cx, cy] = control(a, b), w = tenths / ax.FULL;
      context.strokeStyle = focus ? theme.highlight : stops[stops.length - 1];
      context.globalAlpha = focus ? 0.45 + 0.55 * w : 0.12 + 0.6 * w;
      context.lineWidth = 0.5 + 7 * w;
      context.beginPath(); context.moveTo(a.x, a.y); context.quadraticCurveTo(cx, cy, b.x, b.y); context.stroke();
    }
    context.globalAlpha = 1;
  }

  // Nodes are painted on the same canvas while they move; the SVG nodes (the click and keyboard
  // targets, invisible but for a focus ring) move once, when the layout is at rest: moving 64 SVG
  // nodes every frame halved the frame rate.
  function paintNodes(fade) {
    const context = edgeCanvas.getContext("2d"), theme = ax.meta.theme, qi = ax.state.qi;
    context.strokeStyle = "#fff"; context.lineWidth = 1.2;
    for (const d of flow.nodes) {
      context.fillStyle = d.index === qi ? theme.highlight : theme.key;
      context.beginPath(); context.arc(d.x, d.y, d.r0 + (d.r - d.r0) * fade, 0, 2 * Math.PI); context.fill(); context.stroke();
    }
  }

  function placeNodes() {
    flow.nodeSelection.attr("transform", (d) => `translate(${d.x},${d.y})`).select("circle").attr("r", (d) => d.r);
  }

  // One loop for a change: simulation steps, nodes, arcs (old weight → new over DURATION).
  function run(list, animate, relayout) {
    if (flow.frame) cancelAnimationFrame(flow.frame);
    const before = flow.shownEdges || [], from = new Map(before.map((e) => [e.i + "," + e.j, e.tenths]));
    const to = new Map(list.map((e) => [e.i + "," + e.j, e.tenths]));
    const union = before.filter((e) => !to.has(e.i + "," + e.j)).concat(list), sim = flow.sim, start = performance.now();
    flow.shownEdges = list; flow.edgeTimes = []; flow.settled = !relayout;
    const step = (now) => {
      const t = animate ? Math.min(1, (now - start) / DURATION) : 1, e = d3.easeCubicOut(t);
      if (relayout) {
        if (animate) sim.tick(TICKS_PER_FRAME); else while (sim.alpha() > sim.alphaMin()) sim.tick();
        if (sim.alpha() <= sim.alphaMin()) { relayout = false; flow.settled = true; flow.alpha = sim.alpha(); }
      }
      flow.edgeTimes.push(now);
      paintEdges(t < 1 ? union : list, (d) => {
        const key = d.i + "," + d.j, a = from.get(key) || 0, b = to.get(key) || 0;
        return a + (b - a) * e;
      });
      paintNodes(e);
      flow.frame = t < 1 || relayout ? requestAnimationFrame(step) : null;
      if (!flow.frame) placeNodes();
    };
    if (animate) flow.frame = requestAnimationFrame(step); else step(start);
  }

  function draw(animate) {
    const g = geometry(), view = ax.view(), theme = ax.meta.theme, s = ax.state, block = ax.weightBlock(ax.layer(), ax.head());
    const sizes = ax.nodeSizes(block), amount = s.sizeBy === "given" ? sizes.given : sizes.received;
    const radius = d3.scaleSqrt([0, Math.max(1, d3.max(amount))], [2.5, Math.max(4, Math.min(22, g.step * 0.45, 14 + 2 * g.step / 10))]);
    const key = [s.view, ax.layer(), ax.head(), s.threshold, JSON.stringify(s.selection), s.sizeBy, g.width].join("/");
    const relayout = key !== flow.key, list = edges(block), old = new Map((flow.nodes || []).map((d) => [d.index, d]));
    const nodes = view.colTokens.map((token, index) => {
      const was = old.get(index), r = radius(amount[index]);
      return { index, token, r, r0: was ? was.r : r, received: sizes.received[index], given: sizes.given[index],
        x: was ? was.x : g.anchor(index), y: was ? was.y : g.top + 0.68 * (g.bottom - g.top) + ((index % 5) - 2) * 8 };
    });
    if (relayout || nodes.length !== old.size) {
      if (flow.sim) flow.sim.stop();
      flow.sim = simulation(g, nodes, list.map((e) => ({ source: e.j, target: e.i, tenths: e.tenths })));
      flow.nodes = nodes;
    }
    flow.key = key; flow.edges = list; flow.geometry = g; flow.byIndex = flow.nodes;
    svg.node().dataset.edges = list.length;
    svg.attr("width", g.width).attr("height", g.height).attr("viewBox", [0, 0, g.width, g.height]);
    sizeCanvas(edgeCanvas, g);
    svg.selectAll("line.ax-baseline").data([0]).join("line").attr("class", "ax-baseline")
      .attr("x1", g.pad).attr("x2", g.width - g.pad).attr("y1", g.bottom + 4).attr("y2", g.bottom + 4).attr("stroke", theme.faint);
    const every = Math.max(1, Math.ceil((g.tilted ? 16 : 13) / g.step)); // tilted labels need ~16 px apart to clear each other
    flow.nodeSelection = svg.selectAll("g.nodes").data([0]).join("g").attr("class", "nodes").selectAll("g.ax-node")
      .data(flow.nodes, (d) => d.index)
      .join((enter) => {
        const group = enter.append("g").attr("class", "ax-node").attr("tabindex", 0).attr("role", "button")
          .on("click", (event, d) => ax.set({ qi: d.index, kj: d.index }))
          .on("keydown", (event, d) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); ax.set({ qi: d.index, kj: d.index }); } });
        group.append("circle");
        group.append("title");
        return group;
      });
    flow.nodeSelection.attr("data-received", (d) => d.received).attr("data-given", (d) => d.given)
      .attr("aria-label", (d) => ax.t("node_label", { token: d.token, received: ax.pct(d.received), given: ax.pct(d.given) }));
    flow.nodeSelection.select("title").text((d) => ax.t("node_title", { index: d.index + 1, token: d.token, received: ax.pct(d.received), given: ax.pct(d.given) }));
    flow.nodeSelection.select("circle").attr("fill", "transparent").attr("stroke", "none");
    svg.selectAll("g.labels").data([0]).join("g").attr("class", "labels").selectAll("text")
      .data(flow.nodes.filter((d) => d.index === s.qi || (d.index % every === 0 && Math.abs(d.index - s.qi) >= every)), (d) => d.index)
      .join("text")
      .attr("transform", (d) => `translate(${g.anchor(d.index)},${g.bottom + 14}) rotate(${g.tilted ? -50 : 0})`)
      .attr("text-anchor", g.tilted ? "end" : "middle").attr("dy", g.tilted ? "0.3em" : "0.5em")
      .attr("fill", (d) => (d.index === s.qi ? theme.highlight : theme.ink)).attr("font-weight", (d) => (d.index === s.qi ? 700 : 400))
      .text((d) => (every > 1 ? d.index + 1 + " " : "") + AXLib.short(d.token, 10));
    readout.textContent = ax.t(list.length === 1 ? "one_arc" : "arcs", { threshold: ax.state.threshold, count: list.length })
      + (s.selection ? ax.t("in_selection") : "");
    run(list, animate, relayout);
    sizeParticles(g);
  }

  // Particles: a canvas over the network, redrawn each animation frame while they are on.
  function sizeCanvas(target, g) {
    const ratio = window.devicePixelRatio || 1;
    if (target.width === Math.round(g.width * ratio) && target.height === Math.round(g.height * ratio)) return;
    target.width = Math.round(g.width * ratio); target.height = Math.round(g.height * ratio);
    target.style.width = g.width + "px"; target.style.height = g.height + "px";
    target.getContext("2d").setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  function sizeParticles(g) {
    sizeCanvas(canvas, g);
    const strongest = flow.edges.slice(-MAX_PARTICLE_EDGES);
    flow.particles = [];
    strongest.forEach((e, k) => {
      const count = 1 + Math.floor(4 * e.tenths / ax.FULL);
      for (let p = 0; p < count; p++) flow.particles.push({ e, phase: (p / count + k * 0.137) % 1, speed: 0.15 + 0.6 * e.tenths / ax.FULL });
    });
    if (ax.state.particles && !running) running = requestAnimationFrame(frame);
    if (!ax.state.particles) canvas.getContext("2d").clearRect(0, 0, g.width, g.height);
  }

  function frame(now) {
    running = null;
    if (!ax.state.particles) return;
    const context = canvas.getContext("2d"), g = flow.geometry, theme = ax.meta.theme, dt = flow.last ? Math.min(0.05, (now - flow.last) / 1000) : 0;
    flow.last = now; flow.frames++;
    context.clearRect(0, 0, g.width, g.height);
    for (const focus of [false, true]) { // one path per colour: hundreds of dots, two fills
      context.fillStyle = focus ? theme.highlight : theme.value;
      context.beginPath();
      for (const p of flow.particles) {
        if ((p.e.i === ax.state.qi) !== focus) continue;
        p.phase = (p.phase + p.speed * dt) % 1;
        const a = flow.byIndex[p.e.j], b = flow.byIndex[p.e.i], t = p.phase, u = 1 - t, [cx, cy] = control(a, b);
        const x = u * u * a.x + 2 * u * t * cx + t * t * b.x, y = u * u * a.y + 2 * u * t * cy + t * t * b.y, r = 1.5 + 2 * p.e.tenths / ax.FULL;
        context.moveTo(x + r, y);
        context.arc(x, y, r, 0, 2 * Math.PI);
      }
      context.fill();
    }
    running = requestAnimationFrame(frame);
  }

  slider.addEventListener("input", () => ax.set({ threshold: +slider.value }));
  ax.el("particles-on").addEventListener("change", (event) => ax.set({ particles: event.target.checked }));
  ax.el("size-by").addEventListener("change", (event) => ax.set({ sizeBy: event.target.value }));
  ax.panels.push({
    name: "flow",
    draw(changed) {
      slider.value = ax.state.threshold;
      ax.el("particles-on").checked = ax.state.particles;
      ax.el("size-by").value = ax.state.sizeBy;
      if (["view", "layer", "head", "qi", "threshold", "selection", "sizeBy", "scale", "particles"].some((key) => changed.has(key))) {
        draw(!AXLib.reducedMotion());
      }
    },
  });
});
