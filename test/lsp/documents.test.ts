// Positions between the text an analysis saw and the text now.

import { describe, expect, it } from 'vitest';
import { DocumentPaths, TextMapping } from '../../server/src/lsp/documents';

describe('text mapping', () => {
  const before = 'device a { }\ndevice b { }\ndevice c { }\n';
  const after = 'device a { }\ndevice xyz { }\ndevice c { }\n';
  const m = new TextMapping(before, after);

  it('keeps offsets before the edit and shifts those after it', () => {
    expect(m.toAnalysed(3)).toBe(3);
    expect(m.toAnalysed(after.indexOf('device c'))).toBe(before.indexOf('device c'));
    expect(m.toCurrent(before.indexOf('device c'))).toBe(after.indexOf('device c'));
  });

  it('has no counterpart inside the edit; spans touching it are dropped', () => {
    expect(m.toAnalysed(after.indexOf('yz'))).toBeNull();
    const b = before.indexOf('b {');
    expect(m.spanToCurrent({ start: b, end: b + 1 })).toBeNull();
    const c = before.indexOf('c {');
    expect(m.spanToCurrent({ start: c, end: c + 1 })).toEqual({ start: after.indexOf('c {'), end: after.indexOf('c {') + 1 });
    // a span enclosing the edit stretches over it
    expect(m.spanToCurrent({ start: 0, end: before.length })).toEqual({ start: 0, end: after.length });
  });

  it('is the identity for the same text', () => {
    const same = new TextMapping(before, before);
    expect(same.identical).toBe(true);
    expect(same.toAnalysed(5)).toBe(5);
  });

  it('moves a name typed in front of, or stretches a name typed inside', () => {
    const ins = new TextMapping('device b { }', 'device ab { }');
    expect(ins.spanToCurrent({ start: 7, end: 8 })).toEqual({ start: 8, end: 9 });
    expect(ins.spanToCurrent({ start: 0, end: 6 })).toEqual({ start: 0, end: 6 });
    const inside = new TextMapping('device bc { }', 'device bxc { }');
    expect(inside.spanToCurrent({ start: 7, end: 9 })).toEqual({ start: 7, end: 10 });
  });
});

describe('document paths', () => {
  it('gives untitled documents a path no file has, and remembers their URI', () => {
    const d = new DocumentPaths();
    const p = d.pathOf('untitled:Untitled-1');
    expect(p).toContain('\0');
    expect(d.uriOf(p)).toBe('untitled:Untitled-1');
    expect(d.pathOf('file:///tmp/x.iommu')).toBe('/tmp/x.iommu');
  });
});

describe('line index', () => {
  it('maps a position past the end of a line to that line end', async () => {
    const { LineIndex } = await import('../../grammar/src/lines');
    const l = new LineIndex('ab\r\ncd\nef');
    expect(l.offset({ line: 0, character: 99 })).toBe(2);
    expect(l.offset({ line: 1, character: 99 })).toBe(6);
    expect(l.offset({ line: 2, character: 99 })).toBe(9);
    expect(l.offset({ line: 9, character: 0 })).toBe(9);
  });
});
