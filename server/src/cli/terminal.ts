// What the command line writes to a terminal: control characters from user input escaped, colour
// decided from --color, FORCE_COLOR and NO_COLOR, styles, the width to wrap at, and hex numbers
// grouped as the language writes them.

export const COLOR_MODES = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];

/**
 * Characters that must not reach a terminal or a log raw: C0 controls but newline (and tab,
 * unless `tabs`), DEL, C1 controls, and the bidirectional overrides and isolates that can make a
 * line read differently from what it is.
 */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_WITH_TAB = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  switch (c) {
    case '\t':
      return '\\t';
    case '\r':
      return '\\r';
    case '\n':
      return '\\n';
  }
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
}

/** `s` with every control character written as an escape (`\x1b`, `\u{202e}`); newlines kept unless `newlines`. */
export function escapeControl(s: string, opts: { tabs?: boolean; newlines?: boolean } = {}): string {
  const re = opts.tabs === false ? CONTROL : CONTROL_WITH_TAB;
  let out = s.replace(re, escapeOne);
  if (opts.newlines) out = out.replace(/\n/g, '\\n');
  return out;
}

/** Whether to colour output, from the option, the environment and where the output goes. */
export function useColour(mode: ColorMode, env: Record<string, string | undefined>, toTerminal: boolean): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  const no = env['NO_COLOR'];
  if (no !== undefined && no !== '') return false;
  return toTerminal;
}

/** The width to wrap at: the terminal's, else `COLUMNS`, else 100 (never below 40). */
export function outputWidth(columns: number | undefined, env: Record<string, string | undefined>): number {
  const fromEnv = Number(env['COLUMNS']);
  const w = columns && columns > 0 ? columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 100;
  return Math.max(40, w);
}

const SGR = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  cyan: '\x1b[36m',
};

export type Style = 'path' | 'error' | 'warning' | 'information' | 'code' | 'gutter' | 'secondary' | 'help';

const STYLE: Record<Style, string> = {
  path: SGR.bold,
  error: SGR.bold + SGR.red,
  warning: SGR.bold + SGR.yellow,
  information: SGR.bold + SGR.cyan,
  code: SGR.dim,
  gutter: SGR.bold + SGR.blue,
  secondary: SGR.bold + SGR.blue,
  help: SGR.bold + SGR.green,
};

export type Paint = (style: Style, s: string) => string;

export function painter(colour: boolean): Paint {
  return colour ? (style, s) => (s === '' ? s : STYLE[style] + s + SGR.reset) : (_style, s) => s;
}

/** Hex numbers of more than four digits grouped by four with `_`, as in `0x8_0000_0000`. */
export function groupHex(s: string): string {
  return s.replace(/\b0x([0-9a-fA-F]{5,})\b/g, (_m, digits: string) => {
    const groups: string[] = [];
    for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end));
    return '0x' + groups.join('_');
  });
}

/**
 * Wrap `text` at `width` columns (the first line at `firstWidth`); lines after the first start
 * with `indent`. Leading spaces of `text` are kept; words longer than a line are not split.
 */
export function wrapText(text: string, width: number, indent: string, firstWidth = width): string[] {
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let line = lead;
  let empty = true;
  let limit = firstWidth;
  for (const word of text.slice(lead.length).split(/ +/)) {
    if (word === '') continue;
    if (!empty && line.length + 1 + word.length > limit) {
      lines.push(line);
      line = indent + word;
      limit = width;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** Zero-width code points: combining marks, joiners, variation selectors. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2060\ufe00-\ufe0f\ufeff]$/u;

/** Whether a code point takes two terminal columns (East Asian wide and fullwidth, emoji). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x231a && cp <= 0x231b) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x1fa70 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** The number of terminal columns `s` takes (no control characters: escape them first). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x7f) w++;
    else if (ZERO_WIDTH.test(ch)) continue;
    else w += isWide(cp) ? 2 : 1;
  }
  return w;
}
