// How messages and hovers name a domain: a group's implicit default domain by its description
// ("the default domain of group g"), a declared one by its quoted name.

import type { Domain } from './types';

/** `quote` is `'` in diagnostics and `` ` `` in Markdown. */
export function domainLabel(d: Domain, quote = "'"): string {
  return d.implicit ? d.name : `${quote}${d.name}${quote}`;
}
