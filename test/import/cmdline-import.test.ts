// The snapshot's /proc/cmdline reaches the configuration unchanged: import-sysfs escapes it into
// the `cmdline` string, and reading the string back gives the kernel's own arguments.

import { describe, expect, it } from 'vitest';
import { run } from '../cli/helpers';
import { analyzeFixture } from '../helpers/check';
import { buildMachine, type MachineSpec } from '../helpers/sysfsTree';
import { LAPTOP } from './machines';

describe('import-sysfs: /proc/cmdline', () => {
  it('is written escaped and reads back as the same arguments; intremap=off makes the irqchip x86-compat', () => {
    const cmdline = 'BOOT_IMAGE=/vmlinuz-6.8.0 root=UUID=2f6c ro "acpi_osi=Windows 2020" dyndbg="file x.c +p" note=C:\\boot intel_iommu=on intremap=off';
    const spec: MachineSpec = { ...LAPTOP, proc: { ...LAPTOP.proc, cmdline, interrupts: undefined } };
    const r = run(['import-sysfs', '.'], { cwd: buildMachine(spec) });
    expect(r.code).toBe(0);
    const written = r.out.split('\n').find((l) => l.startsWith('cmdline '));
    expect(written).toBe('cmdline "BOOT_IMAGE=/vmlinuz-6.8.0 root=UUID=2f6c ro \\"acpi_osi=Windows 2020\\" dyndbg=\\"file x.c +p\\" note=C:\\\\boot intel_iommu=on intremap=off"');
    const a = analyzeFixture(r.out);
    expect(a.config.cmdline).toBe(cmdline);
    expect(a.config.commandLine!.parsed.params.map((p) => [p.name, p.value])).toEqual([
      ['BOOT_IMAGE', '/vmlinuz-6.8.0'],
      ['root', 'UUID=2f6c'],
      ['ro', null],
      ['acpi_osi', 'Windows 2020'],
      ['dyndbg', 'file x.c +p'],
      ['note', 'C:\\boot'],
      ['intel_iommu', 'on'],
      ['intremap', 'off'],
    ]);
    expect(a.config.irqchips.map((c) => `${c.name} ${c.model} ${c.isolated ? 'isolated' : 'not isolated'}`)).toEqual(a.config.irqchips.map((c) => `${c.name} x86-compat not isolated`));
    expect(a.config.irqchips.length).toBeGreaterThan(0);
  });
});
