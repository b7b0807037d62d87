// The page's code (D3 and the explorer's scripts) travels gzip'd and base64'd like its numbers
// (a third of the size); this unpacks it once per document, then starts each explorer.
(function () {
  if (window.AXBoot) return;
  function base64Bytes(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    const binary = atob(text), bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  async function gunzip(text) {
    const stream = new Blob([base64Bytes(text.trim())]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  let code = null;
  async function load() {
    const bytes = await gunzip(document.querySelector("script.ax-code").textContent);
    (0, eval)(new TextDecoder().decode(bytes) + "\n//# sourceURL=attention-explorer.js"); // global scope: defines d3 and AXLib
  }
  window.AXBoot = {
    gunzip,
    ready() {
      if (!code) code = load();
      return code;
    },
    start(prefix, options) {
      return this.ready().then(() => window.AXLib.start(prefix, options));
    },
  };
})();
