// Configuration roots over include graphs: chains, shared files, cycles of every length, files
// included from outside a cycle, missing targets.

import { describe, expect, it } from 'vitest';
import { configurationRoots } from '../../server/src/project/configurations';

function roots(edges: Record<string, string[]>, files: string[] = Object.keys(edges)): string[] {
  return configurationRoots(files, { includesOf: (f) => edges[f] ?? [] });
}

describe('configuration roots', () => {
  it('a file nothing includes is a root; included files are not', () => {
    expect(roots({ '/main': ['/lib', '/common'], '/lib': ['/common'], '/common': [], '/alone': [] })).toEqual(['/alone', '/main']);
  });

  it('a shared file belongs to each configuration that includes it', () => {
    expect(roots({ '/a': ['/common'], '/b': ['/common'], '/common': [] })).toEqual(['/a', '/b']);
  });

  it('files that include each other are one configuration, rooted at the first in path order', () => {
    expect(roots({ '/b': ['/a'], '/a': ['/b'] })).toEqual(['/a']);
    expect(roots({ '/c': ['/a'], '/a': ['/b'], '/b': ['/c'] })).toEqual(['/a']);
    expect(roots({ '/x': ['/x'] })).toEqual(['/x']);
  });

  it('a cycle included from outside is part of the includer', () => {
    expect(roots({ '/main': ['/b'], '/a': ['/b'], '/b': ['/a'] })).toEqual(['/main']);
  });

  it('the same roots whichever files are named, as long as the includes reach them', () => {
    const edges = { '/b': ['/a'], '/a': ['/b', '/lib'], '/lib': [] };
    expect(roots(edges, ['/b'])).toEqual(['/a']);
    expect(roots(edges, ['/lib', '/b', '/a'])).toEqual(['/a']);
  });

  it('a missing include target is not a configuration', () => {
    expect(roots({ '/main': ['/missing'] }, ['/main'])).toEqual(['/main']);
  });

  it('handles a long chain without deep recursion', () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 20000; i++) edges[`/f${String(i).padStart(5, '0')}`] = i + 1 < 20000 ? [`/f${String(i + 1).padStart(5, '0')}`] : ['/f00000'];
    expect(roots(edges)).toEqual(['/f00000']);
  });
});
