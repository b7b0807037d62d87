// The library every explorer instance shares (AXLib), and start-up. Two pages in one document
// (the two-model page, or two notebook cells) are two instances: each has its own root element,
// element ids under its own prefix, its own state, and no global but AXLib (and AX, the
// instance of a standalone page, for the browser tests).
"use strict";
const AXLib = (window.AXLib = { modules: [], pages: {} });

// Numbers arrive as integers at the shown precision (value × 10^decimals): showing one only
// inserts the decimal point, so the page prints exactly what Python rounded.
AXLib.fmt = function (value, decimals) {
  const digits = String(Math.abs(value)).padStart(decimals + 1, "0");
  const text = decimals ? digits.slice(0, -decimals) + "." + digits.slice(-decimals) : digits;
  return (value < 0 ? "−" : "") + text;
};
AXLib.esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
// A token as a student reads it: quoted, with spaces made visible (byte-level BPE keeps them).
AXLib.tok = (text) => "“" + AXLib.esc(String(text).replace(/^ /, "·").replace(/\n/g, "⏎")) + "”";
AXLib.short = (text, most = 12) => (String(text).length > most ? String(text).slice(0, most - 1) + "…" : String(text));
AXLib.NONE = -2147483648; // "not kept in this page" in the decoded worked numbers

// One array: its bytes were stored in planes (every value's byte 0, then every byte 1, ...).
function unplane(bytes, entry) {
  const n = entry.length, o = entry.offset;
  if (entry.type === "Varint") return varints(bytes, entry);
  const out = new window[entry.type](n);
  if (entry.type === "Int16Array") {
    for (let v = 0; v < n; v++) out[v] = ((bytes[o + v] | (bytes[o + n + v] << 8)) << 16) >> 16;
  } else {
    for (let v = 0; v < n; v++) out[v] = bytes[o + v] | (bytes[o + n + v] << 8) | (bytes[o + 2 * n + v] << 16) | (bytes[o + 3 * n + v] << 24);
  }
  return out;
}
// Residuals: zigzag LEB128 (payload.varint_bytes), decoded into 32-bit integers.
function varints(bytes, entry) {
  const out = new Int32Array(entry.length);
  let at = entry.offset;
  for (let v = 0; v < entry.length; v++) {
    let z = 0, shift = 0, byte;
    do { byte = bytes[at++]; z += (byte & 0x7f) * Math.pow(2, shift); shift += 7; } while (byte & 0x80);
    out[v] = z % 2 ? -(z + 1) / 2 : z / 2;
  }
  return out;
}
AXLib.decode = async function (text, directory) {
  const bytes = await AXBoot.gunzip(text), arrays = {};
  for (const [name, entry] of Object.entries(directory)) arrays[name] = unplane(bytes, entry);
  return arrays;
};

// Colour of a weight (0…1) on a scale of theme colours (stops), weight ^ gamma, like the videos.
AXLib.colorTable = function (stops, gamma, steps) {
  const mix = d3.piecewise(d3.interpolateRgb, stops);
  return Array.from({ length: steps + 1 }, (_, i) => {
    const c = d3.rgb(mix(Math.pow(i / steps, gamma)));
    return [c.r, c.g, c.b];
  });
};
// theme.text_on: white on dark fills, ink on light ones.
AXLib.textOn = (rgb, ink) => ((0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255 < 0.55 ? "#FFFFFF" : ink);
AXLib.reducedMotion = () => window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

// Start the instance whose elements carry `prefix`: decode its numbers, build its panels,
// open where the page says. `ax` is the instance every module gets.
AXLib.start = async function (prefix, options = {}) {
  const el = (name) => document.getElementById(prefix + name);
  const meta = JSON.parse(el("meta").textContent);
  const ax = { prefix, meta, root: el("root"), el, id: (name) => prefix + name, panels: [], listeners: [],
    timings: { scripts: performance.now() }, options };
  // The page's words in its language (meta.ui: scenes/words/<lang>/explorer.toml [js]): t() as text,
  // th() as HTML: the text escaped, the values put in as given (tokens come quoted and escaped).
  const words = (key) => (meta.ui && "js." + key in meta.ui ? meta.ui["js." + key] : key);
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  ax.t = (key, values = {}) => fill(words(key), values);
  ax.th = (key, values = {}) => fill(AXLib.esc(words(key)), values);
  AXLib.pages[prefix] = ax;
  if (!prefix) window.AX = ax;
  if (options.narrow) ax.root.classList.add("ax-narrow");
  try {
    ax.arrays = await AXLib.decode(el("blob").textContent, meta.blob);
    ax.timings.decoded = performance.now();
    for (const module of AXLib.modules) module(ax);
    ax.open();
  } catch (error) {
    el("readout").textContent = ax.t("trace_error", { error });
    throw error;
  }
  ax.readyAt = performance.now();
  ax.root.dataset.ready = "true";
  if (!options.holdReady) document.body.dataset.ready = "true";
  return ax;
};
