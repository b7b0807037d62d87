// Two models, one sentence: both explorers start, then the table above them lines their pieces up by
// word and follows one word as the query in both; a query or key focused in either explorer moves
// the other to the same word. The word shares are sums of the shown weights of a word's pieces.
"use strict";
AXLib.pair = async function (prefix) {
  const el = (name) => document.getElementById(prefix + name);
  const meta = JSON.parse(el("meta").textContent), table = el("table"), tok = AXLib.tok;
  const pages = [];
  for (const model of meta.models) pages.push(await AXLib.start(model.prefix, { holdReady: true, narrow: true }));
  const pair = (window.AXPair = { pages, meta, word: meta.startWord });
  const theme = pages[0].meta.theme, root = el("root"), t = pages[0].th; // the page's words (explorer.toml [js])
  for (const name of ["background", "ink", "muted", "faint", "highlight", "query", "key", "weight_high"]) root.style.setProperty("--" + name.replace("_", "-"), theme[name]);
  el("sentence").textContent = meta.sentence;

  // Each word's share of the followed query's attention in one model: the sum over the word's
  // pieces (tenths of a percent); tokens that cover no word ([CLS], [SEP]) go to "other".
  pair.shares = function (k) {
    const ax = pages[k], words = meta.models[k].tokenWords, m = ax.m(), block = ax.weightBlock(ax.layer(), ax.head());
    const shares = new Array(meta.words.length + 1).fill(0);
    for (let j = 0; j < m; j++) shares[words[j] === null ? meta.words.length : words[j]] += block[ax.state.qi * m + j];
    return shares;
  };

  function pieces(k, w) {
    const model = meta.models[k], tokens = pages[k].meta.views[0].rowTokens;
    return model.tokenWords.map((word, t) => (word === w ? t : -1)).filter((t) => t >= 0)
      .map((t) => `<span class="ax-piece${t === pages[k].state.qi ? " ax-piece-query" : ""}">${tok(tokens[t])}</span>`).join("");
  }

  function draw() {
    const words = meta.words, others = meta.models.map((model) => model.tokenWords.map((w, t) => (w === null ? t : -1)).filter((t) => t >= 0));
    const head = `<tr><th></th>${words.map((w, k) => `<th><button type="button" data-word="${k}" class="${k === pair.word ? "current" : ""}"
      title="${t("pair_follow", { word: AXLib.esc(w) })}">${AXLib.esc(w)}</button></th>`).join("")}<th class="ax-other">${t("pair_other")}</th></tr>`;
    const rows = meta.models.map((model, k) => {
      const ax = pages[k], name = `${AXLib.esc(model.model)}`;
      const specials = others[k].map((t) => tok(ax.meta.views[0].rowTokens[t])).join(" ");
      ax.colors();
      const shares = pair.shares(k), most = Math.max(1, ...shares);
      const cells = shares.map((share, w) => {
        const rgb = ax.weightRGB[Math.round((share * ax.FULL) / most)];
        return `<td class="ax-share-cell${w === pair.word ? " current" : ""}" id="${prefix}share-${k}-${w}"
          style="background:rgb(${rgb});color:${AXLib.textOn(rgb, theme.ink)}">${ax.pct(share)}</td>`;
      }).join("");
      return `<tr class="ax-pieces"><th>${name}<br><span class="ax-pos">${t("pair_pieces")}</span></th>${words.map((_, w) => `<td id="${prefix}pieces-${k}-${w}">${pieces(k, w)}</td>`).join("")}
          <td class="ax-other">${specials}</td></tr>
        <tr><th>${name}<br><span class="ax-pos">${AXLib.esc(ax.headName(ax.layer(), ax.head()))}: ${tok(ax.view().rowTokens[ax.state.qi])} →</span></th>${cells}</tr>`;
    }).join("");
    table.innerHTML = `<thead>${head}</thead><tbody>${rows}</tbody>`;
    for (const button of table.querySelectorAll("button[data-word]")) button.addEventListener("click", () => follow(+button.dataset.word));
    const current = table.querySelector("thead button.current"), scroller = table.parentElement;
    if (current) { // keep the followed word's column in view (a long sentence scrolls sideways)
      const cell = current.parentElement, left = cell.offsetLeft, right = left + cell.offsetWidth;
      if (left < scroller.scrollLeft + 140 || right > scroller.scrollLeft + scroller.clientWidth) scroller.scrollLeft = Math.max(0, left - scroller.clientWidth / 2);
    }
    el("note").textContent = pages[0].t("pair_note");
  }

  // Follow word w as the query in both models (its last piece); `from` is the page that moved.
  let moving = false;
  function follow(w, from = -1, key = null) {
    if (moving) return;
    moving = true;
    pair.word = w;
    pages.forEach((ax, k) => {
      if (k === from) return;
      const patch = {}, last = meta.models[k].lastPieces;
      if (last[w] !== null) patch.qi = last[w];
      if (key !== null && last[key] !== null) patch.kj = last[key];
      ax.set(patch);
    });
    moving = false;
    draw();
  }
  pair.follow = follow;

  pages.forEach((ax, k) => ax.listeners.push((changed) => {
    if (moving) return;
    const words = meta.models[k].tokenWords;
    if (changed.has("qi") || changed.has("kj")) {
      const w = words[ax.state.qi], key = changed.has("kj") ? words[ax.state.kj] : null;
      if (w !== null && w !== undefined) return follow(w, k, key);
    }
    if (["layer", "head", "view"].some((name) => changed.has(name))) draw();
  }));
  follow(meta.startWord);
  pair.readyAt = performance.now();
  document.body.dataset.ready = "true";
};
