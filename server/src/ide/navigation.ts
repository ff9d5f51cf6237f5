// Go to definition, find references and rename: every name, across included files, from the
// configuration's reference table (declarations' own names included).

import type { Configuration, Loc, SourceFile } from '../model/types';
import { referenceAt, usesOf, type TextEdit } from './common';

export function definition(config: Configuration, file: SourceFile, offset: number): Loc | null {
  return referenceAt(config, file, offset)?.target?.nameLoc ?? null;
}

export function references(config: Configuration, file: SourceFile, offset: number, includeDeclaration = true): Loc[] {
  const sym = referenceAt(config, file, offset)?.target;
  if (!sym) return [];
  return usesOf(config, sym)
    .filter((r) => includeDeclaration || r.loc.span !== sym.nameLoc.span)
    .map((r) => r.loc);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The name that a rename at `offset` would change, or why it cannot. */
export function prepareRename(config: Configuration, file: SourceFile, offset: number): { loc: Loc; name: string } | { error: string } {
  const ref = referenceAt(config, file, offset);
  if (!ref) return { error: 'no name here' };
  if (!ref.target) return { error: `'${ref.name}' is not declared` };
  return { loc: ref.loc, name: ref.name };
}

export type RenameResult = { edits: TextEdit[] } | { error: string };

export function rename(config: Configuration, file: SourceFile, offset: number, newName: string): RenameResult {
  const ref = referenceAt(config, file, offset);
  const sym = ref?.target;
  if (!ref || !sym) return { error: ref ? `'${ref.name}' is not declared` : 'no name here' };
  if (!IDENT.test(newName)) return { error: `'${newName}' is not a valid name: letters, digits, '_', '.', '-', not starting with a digit, '.' or '-'` };
  if (newName === sym.name) return { edits: [] };
  const clash = config.symbols.get(newName);
  if (clash) return { error: `'${newName}' is already declared (${/^[aeiou]/.test(clash.kind) ? 'an' : 'a'} ${clash.kind} in ${clash.nameLoc.file.path})` };
  return { edits: usesOf(config, sym).map((r) => ({ path: r.loc.file.path, span: r.loc.span, newText: newName })) };
}
