// Head clusters (computed in Python: explorer/clusters.py): the heads grid in the tree's leaf order,
// one band per cluster with its dominant pattern, a small dendrogram above; a cluster's button (or
// its part of the dendrogram) shows all its heads side by side.
"use strict";
AXLib.modules.push(function clusters(ax) {
  const data = ax.meta.clusters, self = ax.meta.views[0];
  if (!data) { ax.clusterGrid = () => {}; return; }
  const colorOf = (number) => ax.meta.theme.token_colors[number % ax.meta.theme.token_colors.length];

  // The tree (scipy's linkage rows: a, b, distance, size; leaves 0…N−1, merge k is node N+k) as elbows.
  function dendrogram(width) {
    const count = data.order.length, height = 86, x = new Map(), y = new Map(), cluster = new Map();
    const top = Math.max(...data.tree.map((row) => row[2]), 1e-9);
    const scaleX = (rank) => 6 + ((width - 12) * (rank + 0.5)) / count, scaleY = (d) => height - 6 - ((height - 14) * d) / top;
    data.order.forEach((leaf, rank) => { x.set(leaf, scaleX(rank)); y.set(leaf, height - 6); cluster.set(leaf, data.labels[leaf]); });
    const paths = data.tree.map(([a, b, distance], k) => {
      const node = count + k, level = scaleY(distance), same = cluster.get(a) === cluster.get(b) ? cluster.get(a) : -1;
      x.set(node, (x.get(a) + x.get(b)) / 2); y.set(node, level); cluster.set(node, same);
      return { d: `M${x.get(a)},${y.get(a)}V${level}H${x.get(b)}V${y.get(b)}`, cluster: same };
    });
    const svg = d3.create("svg").attr("class", "ax-dendrogram").attr("width", width).attr("height", height)
      .attr("role", "img").attr("aria-label", ax.t("dendrogram_label"));
    svg.selectAll("path").data(paths).join("path").attr("d", (p) => p.d).attr("fill", "none")
      .attr("stroke", (p) => (p.cluster < 0 ? ax.meta.theme.muted : colorOf(p.cluster))).attr("stroke-width", 1.2)
      .style("cursor", (p) => (p.cluster < 0 ? null : "pointer"))
      .on("click", (event, p) => { if (p.cluster >= 0) ax.compareCluster(p.cluster, data.clusters[p.cluster].members); });
    return svg.node();
  }

  ax.clusterGrid = function (container, card) {
    container.appendChild(dendrogram(Math.max(300, (container.clientWidth || 900) - 20)));
    const note = document.createElement("p");
    note.className = "ax-note";
    note.textContent = ax.t("cluster_note", { count: data.clusters.length });
    container.appendChild(note);
    data.clusters.forEach((cluster, number) => {
      const band = document.createElement("section");
      band.className = "ax-cluster"; band.dataset.cluster = number; band.style.borderColor = colorOf(number);
      const pattern = cluster.pattern ? ax.th("mostly", { pattern: `<b>${AXLib.esc(cluster.pattern)}</b>`, count: cluster.patternCount, total: cluster.members.length }) : "";
      const heads = ax.th(cluster.members.length === 1 ? "cluster_one_head" : "cluster_heads", { number: number + 1, count: cluster.members.length });
      band.innerHTML = `<div class="ax-cluster-head"><span>${heads}${pattern}</span></div>`;
      const show = document.createElement("button");
      show.type = "button"; show.className = "ax-small"; show.textContent = ax.t("side_by_side");
      show.addEventListener("click", () => ax.compareCluster(number, cluster.members));
      band.firstChild.appendChild(show);
      const thumbs = document.createElement("div");
      thumbs.className = "ax-cluster-thumbs";
      for (const member of cluster.members) thumbs.appendChild(card(Math.floor(member / self.heads), member % self.heads));
      band.appendChild(thumbs);
      container.appendChild(band);
    });
  };
});
