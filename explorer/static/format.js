// Numbers arrive as integers at the shown precision (value × 10^decimals): showing one only
// inserts the decimal point, so the page prints exactly what Python rounded.
"use strict";
const AX = (window.AX = { meta: JSON.parse(document.getElementById("explorer-meta").textContent) });
AX.HIDDEN = { Int16Array: -32768, Int32Array: -2147483648 };

AX.fmt = function (value, decimals) {
  const digits = String(Math.abs(value)).padStart(decimals + 1, "0");
  const text = decimals ? digits.slice(0, -decimals) + "." + digits.slice(-decimals) : digits;
  return (value < 0 ? "−" : "") + text;
};
AX.pct = (tenths) => AX.fmt(tenths, AX.meta.percentDecimals) + " %";
AX.esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
// A token as a student reads it: quoted, with spaces made visible (byte-level BPE keeps them).
AX.tok = (text) => "“" + AX.esc(String(text).replace(/^ /, "·").replace(/\n/g, "⏎")) + "”";

// Colour of a weight (0…1): the theme's weight_low → weight_high, weight ^ gamma, like the videos.
AX.colorTable = function () {
  const theme = AX.meta.theme;
  const mix = d3.interpolateRgb(theme.weight_low, theme.weight_high);
  const steps = Math.pow(10, AX.meta.percentDecimals) * 100;
  AX.weightRGB = Array.from({ length: steps + 1 }, (_, i) => {
    const c = d3.rgb(mix(Math.pow(i / steps, theme.weight_gamma)));
    return [c.r, c.g, c.b];
  });
  AX.maskedRGB = (({ r, g, b }) => [r, g, b])(d3.rgb(theme.masked_fill));
};
// theme.text_on: white on dark fills, ink on light ones.
AX.textOn = (rgb) => ((0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255 < 0.55 ? "#FFFFFF" : AX.meta.theme.ink);

// base64 → bytes → gunzip, all in the browser's native code where it can be (a data: URL
// fetch of the same text took 0.6 s for the 30-layer shape; this takes a tenth of that).
function base64Bytes(text) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
  const binary = atob(text), bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
async function decodeBlob(text) {
  const stream = new Blob([base64Bytes(text.trim())]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

AX.load = async function () {
  const buffer = await decodeBlob(document.getElementById("explorer-blob").textContent);
  AX.arrays = {};
  for (const [name, entry] of Object.entries(AX.meta.blob)) {
    AX.arrays[name] = new window[entry.type](buffer, entry.offset, entry.length);
    AX.arrays[name].hidden = AX.HIDDEN[entry.type];
  }
};
