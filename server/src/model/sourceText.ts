// Whether the text read from a file can be a configuration at all. `.iommu` files are UTF-8
// text: a NUL character means a binary file, and U+FFFD (what decoding puts in place of bytes that
// are not UTF-8) means another encoding. Either is one error at the first such character, and the
// file is then treated as empty, so that a binary file gives one diagnostic, not thousands. So is a
// text too large to be a configuration.

export interface NotText {
  /** UTF-16 offset of the first offending character. */
  offset: number;
  message: string;
}

/** Longer texts are not configurations (the same bound as model/readText.ts puts on files). */
export const MAX_TEXT_CHARS = 64 * 1024 * 1024;

export function notTextReason(text: string): NotText | null {
  if (text.length > MAX_TEXT_CHARS) {
    return { offset: 0, message: `too large for a configuration (${text.length} characters; at most ${MAX_TEXT_CHARS}): nothing in this file is checked` };
  }
  const nul = text.indexOf('\0');
  const bad = text.indexOf('\uFFFD');
  if (nul < 0 && bad < 0) return null;
  if (nul >= 0 && (bad < 0 || nul < bad)) {
    return { offset: nul, message: 'not a text file (it contains NUL bytes): .iommu files are UTF-8 text; nothing else in this file is checked' };
  }
  return {
    offset: bad,
    message: 'not valid UTF-8 (this byte sequence cannot be decoded): save the file as UTF-8; nothing else in this file is checked',
  };
}
