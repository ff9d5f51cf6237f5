// Whether the text read from a file can be a configuration at all. `.iommu` files are UTF-8
// text: a NUL character means a binary file, and U+FFFD (what decoding puts in place of bytes that
// are not UTF-8) means another encoding. Either is one error at the first such character, and the
// file is then treated as empty, so that a binary file gives one diagnostic, not thousands.

export interface NotText {
  /** UTF-16 offset of the first offending character. */
  offset: number;
  message: string;
}

export function notTextReason(text: string): NotText | null {
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
