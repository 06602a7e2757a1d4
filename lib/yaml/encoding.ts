/**
 * Text encodings of manifests. kubectl reads UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM
 * (k8s.io/apimachinery's YAML decoder transcodes them); ESLint reads every file as UTF-8 and strips a UTF-8 BOM.
 *
 * - `decodeManifest(bytes)`: for code that reads files itself (the repository index): the text kubectl would
 *   read, or why there is none (binary).
 * - `textProblem(text)`: for text ESLint already decoded as UTF-8: recognises a UTF-16/UTF-32 file or a binary
 *   file, whose text is garbage to the YAML parser, so it can be reported once instead of silently not linted.
 */

export type Encoding = "utf-8" | "utf-16le" | "utf-16be" | "utf-32le" | "utf-32be";

export type Decoded = { text: string; encoding: Encoding; bom: boolean } | { text: null; binary: true };

function hasNul(bytes: Uint8Array, limit = 8000): boolean {
  const n = Math.min(bytes.length, limit);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Which of `width` byte positions hold the NULs of a text of ASCII characters (UTF-16/32 without BOM). */
function nulPattern(bytes: Uint8Array, width: 2 | 4): Encoding | null {
  const n = Math.min(bytes.length - (bytes.length % width), 4000);
  if (n < width * 2) return null;
  let le = 0;
  let be = 0;
  for (let i = 0; i < n; i += width) {
    const zerosAfter = bytes.subarray(i + 1, i + width).every((b) => b === 0) && bytes[i] !== 0;
    const zerosBefore = bytes.subarray(i, i + width - 1).every((b) => b === 0) && bytes[i + width - 1] !== 0;
    if (zerosAfter) le++;
    if (zerosBefore) be++;
  }
  const units = n / width;
  if (le / units > 0.9) return width === 2 ? "utf-16le" : "utf-32le";
  if (be / units > 0.9) return width === 2 ? "utf-16be" : "utf-32be";
  return null;
}

function decode(bytes: Uint8Array, encoding: Encoding): string {
  switch (encoding) {
    case "utf-8":
      return new TextDecoder("utf-8").decode(bytes);
    case "utf-16le":
    case "utf-16be":
      return new TextDecoder(encoding).decode(bytes);
    case "utf-32le":
    case "utf-32be": {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let out = "";
      for (let i = 0; i + 3 < bytes.length; i += 4) {
        const cp = view.getUint32(i, encoding === "utf-32le");
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : "\uFFFD";
      }
      return out;
    }
  }
}

/** The text of a manifest file as kubectl reads it, or `binary` when it is not text. */
export function decodeManifest(bytes: Uint8Array): Decoded {
  const b = bytes;
  if (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) return { text: decode(b.subarray(4), "utf-32be"), encoding: "utf-32be", bom: true };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00) return { text: decode(b.subarray(4), "utf-32le"), encoding: "utf-32le", bom: true };
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    const rest = b.subarray(3);
    return hasNul(rest) ? { text: null, binary: true } : { text: decode(rest, "utf-8"), encoding: "utf-8", bom: true };
  }
  if (b[0] === 0xff && b[1] === 0xfe) return { text: decode(b.subarray(2), "utf-16le"), encoding: "utf-16le", bom: true };
  if (b[0] === 0xfe && b[1] === 0xff) return { text: decode(b.subarray(2), "utf-16be"), encoding: "utf-16be", bom: true };
  if (!hasNul(b)) return { text: decode(b, "utf-8"), encoding: "utf-8", bom: false };
  const wide = nulPattern(b, 4) ?? nulPattern(b, 2);
  if (wide) return { text: decode(b, wide), encoding: wide, bom: false };
  return { text: null, binary: true };
}

export type TextProblem = { kind: "encoding"; encoding: Encoding } | { kind: "binary" };

/**
 * For text that ESLint decoded as UTF-8: a UTF-16/32 file (its BOM became U+FFFD, its ASCII characters are
 * separated by NULs) or a binary file (NUL characters), or null for ordinary text.
 */
export function textProblem(text: string): TextProblem | null {
  const head = text.slice(0, 8000);
  if (!head.includes("\0")) return null;
  // Re-encode the head as UTF-8 bytes: NULs and ASCII survive, and so does the pattern between them.
  const bytes = new TextEncoder().encode(head.replace(/^\uFFFD+/, ""));
  const wide = nulPattern(bytes, 4) ?? nulPattern(bytes, 2);
  if (wide) return { kind: "encoding", encoding: wide };
  if (/^\uFFFD\uFFFD/.test(head)) {
    // A UTF-16 BOM followed by non-ASCII text: still UTF-16 when NULs sit at every other position mostly.
    const zeros = [...head.slice(2, 2002)].filter((c) => c === "\0").length;
    if (zeros > 0.3 * Math.min(head.length - 2, 2000)) return { kind: "encoding", encoding: "utf-16le" };
  }
  return { kind: "binary" };
}

export function describeTextProblem(problem: TextProblem): string {
  if (problem.kind === "binary") return "This file is not text (it holds NUL bytes): it was not linted; rename it or exclude it from the lint.";
  const name = problem.encoding.toUpperCase().replace("LE", " LE").replace("BE", " BE");
  return `This file is ${name}: ESLint reads files as UTF-8, so it was not linted; save it as UTF-8 (kubectl reads both).`;
}
