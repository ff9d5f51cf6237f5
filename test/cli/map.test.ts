// `iommu-check map`: text and SVG output, --output, and one-line errors for every user mistake.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NESTED_NO_RMR } from '../ide/addressMap/fixtures';
import { run, tmpTree } from './helpers';

describe('iommu-check map', () => {
  const dir = tmpTree({ 'guest.iommu': NESTED_NO_RMR, 'empty.iommu': 'backend iommufd\n' });
  const opts = { cwd: dir };

  it('prints the text form of a domain', () => {
    const r = run(['map', 'guest.iommu', '--domain', 'guest'], opts);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(0, 3)).toEqual([
      'address map of domain guest (backend iommufd, page size 4K)',
      '',
      'domain guest : nested, stage 1 translate, parent s2 on smmu0 (ias 48, oas 44)',
    ]);
    expect(r.out).toContain('MSI of nic at 0x800_0040 [fault]');
  });

  it('draws a device: its RID domain', () => {
    const r = run(['map', 'guest.iommu', '--device=nic'], opts);
    expect(r.code).toBe(0);
    expect(r.out).toContain('address map of device nic');
    expect(r.out).toContain('domain guest : nested, stage 1 translate, parent s2 on smmu0 (ias 48, oas 44) — RID domain');
  });

  it('without a name: every declared domain', () => {
    const r = run(['map', 'guest.iommu'], opts);
    expect(r.code).toBe(0);
    expect(r.out).toContain('address map of configuration guest.iommu');
    expect(r.out).toContain('\ndomain s2 : paging, nest-parent on smmu0');
    expect(r.out).toContain('\ndomain guest : nested');
  });

  it('writes a self-contained SVG with --format svg, or to an .svg --output', () => {
    const r = run(['map', 'guest.iommu', '--domain', 'guest', '--format', 'svg'], opts);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" class="address-map"')).toBe(true);
    expect(r.out).not.toMatch(/href="(?!#)|<script|<image/);
    // sources named relative to the working directory: no absolute path in a file others may read
    expect(r.out).toContain('data-path="guest.iommu"');
    expect(r.out).not.toContain(dir);
    const w = run(['map', 'guest.iommu', '--domain', 'guest', '--output', 'out/../guest.svg'], opts);
    expect(w).toEqual({ code: 0, out: '', err: '' });
    expect(fs.readFileSync(path.join(dir, 'guest.svg'), 'utf8')).toBe(r.out);
    const t = run(['map', 'guest.iommu', '--domain', 'guest', '--output', 'guest.txt'], opts);
    expect(t.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'guest.txt'), 'utf8')).toBe(run(['map', 'guest.iommu', '--domain', 'guest'], opts).out);
  });

  it('one-line errors, exit 2', () => {
    const cases: [string[], string][] = [
      [['map', 'guest.iommu', '--domain', 'gest'], "iommu-check: map: no domain named 'gest'; did you mean 'guest'? in guest.iommu\n"],
      [['map', 'guest.iommu', '--domain', 'zzzzzz'], "iommu-check: map: no domain named 'zzzzzz'; domains: s2, guest in guest.iommu\n"],
      [['map', 'guest.iommu', '--device', 'nik'], "iommu-check: map: no device named 'nik'; did you mean 'nic'? in guest.iommu\n"],
      [['map', 'guest.iommu', '--domain', 'nic'], "iommu-check: map: 'nic' is a device, not a domain (use --device nic) in guest.iommu\n"],
      [['map', 'guest.iommu', '--device', 'its0'], "iommu-check: map: 'its0' is an irqchip, not a device in guest.iommu\n"],
      [['map', 'empty.iommu'], 'iommu-check: map: the configuration declares no domain (name a device with --device to see its default domain) in empty.iommu\n'],
      [['map', 'empty.iommu', '--device', 'x'], "iommu-check: map: no device named 'x'; the configuration declares no device in empty.iommu\n"],
      [['map', 'missing.iommu'], 'iommu-check: map: cannot read missing.iommu: no such file or directory\n'],
      [['map', '.'], 'iommu-check: map: . is a directory; give one .iommu file\n'],
      [['map'], 'iommu-check: map takes one FILE, got 0 (usage: iommu-check map FILE [--domain NAME | --device NAME] [--format text|svg])\n'],
      [['map', 'guest.iommu', '--format', 'png'], "iommu-check: map: --format 'png' is not one of text, svg\n"],
      [['map', 'guest.iommu', '--domain'], 'iommu-check: map: --domain needs a value (see iommu-check map --help)\n'],
      [['map', 'guest.iommu', '--domain', 'guest', '--device', 'nic'], 'iommu-check: map: give one --domain or one --device\n'],
      [['map', 'guest.iommu', '--colour'], "iommu-check: map: unknown option '--colour' (see iommu-check map --help)\n"],
      [['map', 'guest.iommu', '--domain', 'guest', '--output', 'no/such/dir/x.svg'], 'iommu-check: map: cannot write no/such/dir/x.svg: no such file or directory\n'],
    ];
    for (const [argv, err] of cases) expect(run(argv, opts), argv.join(' ')).toEqual({ code: 2, out: '', err });
  });

  it('--help', () => {
    const r = run(['map', '--help'], opts);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('Usage: iommu-check map FILE [--domain NAME | --device NAME] [--format text|svg] [--output F]');
  });
});
