// Semantic tokens as the protocol encodes them (relative line, relative start, length, type,
// modifiers) made absolute again: [line, character, length, type, modifiers] each.

export function absoluteTokens(data: readonly number[]): number[][] {
  const out: number[][] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    char = data[i] === 0 ? char + data[i + 1]! : data[i + 1]!;
    out.push([line, char, data[i + 2]!, data[i + 3]!, data[i + 4]!]);
  }
  return out;
}
