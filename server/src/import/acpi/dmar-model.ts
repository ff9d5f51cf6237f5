// What a DMAR means: one VT-d instance per DRHD unit (named dmar0, dmar1… in table order, as the
// kernel numbers them), the devices each unit's scopes name (INCLUDE_PCI_ALL units take the rest of
// their segment), RMRRs as `direct` regions on the devices they scope, or `direct-relaxable` for
// USB controllers and display devices (device_rmrr_is_relaxable), interrupt remapping (INTR_REMAP)
// as an x86-remap or x86-compat irqchip; and the RMRR checks.

import { sweepOverlaps } from '../../model/intervals';
import type { FirmwareLocation, Findings } from '../findings';
import { hex32 } from '../findings';
import { PCI_CLASS, type PciView } from '../pci-view';
import type { Platform, PlatformDevice } from '../platform';
import { DMAR_FLAGS, SCOPE_TYPES, type DeviceScope, type Dmar } from './dmar';

const h2 = (v: number) => v.toString(16).padStart(2, '0');
const hx = (v: bigint) => '0x' + v.toString(16).toUpperCase();

/** The function a scope names: its last hop, found by walking bridges' secondary buses. */
function resolve(scope: DeviceScope, segment: number, pci: PciView): { bdf: string | null; text: string } {
  const seg = segment.toString(16).padStart(4, '0');
  const text = `bus ${h2(scope.bus)} path ${scope.path.map(([d, f]) => `${h2(d)}.${f}`).join(' → ')}`;
  let bus: number | null = scope.bus;
  let bdf: string | null = null;
  for (const [i, [d, f]] of scope.path.entries()) {
    if (bus === null) return { bdf: null, text };
    bdf = `${seg}:${h2(bus)}:${h2(d)}.${f}`;
    if (i < scope.path.length - 1) bus = pci.secondaryBus(bdf);
  }
  return { bdf, text };
}

export function importDmar(dmar: Dmar, pci: PciView, platform: Platform, findings: Findings): void {
  const at = (offset: number, length: number): FirmwareLocation => ({ kind: 'table', table: dmar.table.source, offset, length });
  const remap = (dmar.flags & DMAR_FLAGS.INTR_REMAP) !== 0;
  const flags = [remap ? 'INTR_REMAP' : 'no INTR_REMAP', ...(dmar.flags & DMAR_FLAGS.X2APIC_OPT_OUT ? ['X2APIC_OPT_OUT'] : []), ...(dmar.flags & DMAR_FLAGS.DMA_CTRL_PLATFORM_OPT_IN ? ['DMA_CTRL_PLATFORM_OPT_IN'] : [])];
  platform.header.push(`DMAR rev ${dmar.table.revision} (${dmar.table.oemId} ${dmar.table.oemTableId}): host address width ${dmar.width}, ${flags.join(', ')}; ${dmar.drhds.length} DRHD unit${dmar.drhds.length === 1 ? '' : 's'}, ${dmar.rmrrs.length} RMRR${dmar.rmrrs.length === 1 ? '' : 's'}`);

  const chip = platform.addIrqchip({
    name: platform.name(remap ? 'ir' : 'compat'),
    model: remap ? 'x86-remap' : 'x86-compat',
    notes: [remap
      ? `interrupt remapping (DMAR INTR_REMAP)${dmar.flags & DMAR_FLAGS.X2APIC_OPT_OUT ? '; X2APIC_OPT_OUT: the kernel keeps remapping on but leaves x2APIC mode off' : ''}`
      : 'no interrupt remapping: the DMAR does not set INTR_REMAP (MSIs are not isolated)'],
  });
  if (!remap && dmar.drhds.length > 0) {
    findings.report('no-interrupt-remapping', at(37, 1), `the DMAR flags (${hex32(dmar.flags)}) do not set INTR_REMAP: the kernel enables no interrupt remapping, MSIs are not isolated, and VFIO/iommufd refuse to assign devices without allow_unsafe_interrupts`);
  }

  // DRHD units.
  const includeAll = new Map<number, string>();
  dmar.drhds.forEach((u, i) => {
    const name = platform.name(`dmar${i}`);
    const all = (u.flags & 1) === 1;
    platform.addIommu({ name, model: 'vtd', oas: dmar.width, notes: [`DRHD DMAR+${hex32(u.offset)}: registers at ${hx(u.address)}, segment ${u.segment}${all ? ', INCLUDE_PCI_ALL (every device of the segment no other unit names)' : ''}`] });
    if (all) includeAll.set(u.segment, name);
    for (const s of u.scopes) {
      const { bdf, text } = resolve(s, u.segment, pci);
      const kind = SCOPE_TYPES[s.type] ?? `type ${s.type}`;
      if (s.type === 1 && bdf) {
        const d = platform.pciDevice(bdf);
        d.iommu = name;
        d.msi = chip.name;
      } else if (s.type === 2 && bdf) {
        platform.topology.push(`${name}: PCI bridge ${bdf} and every device below it (DMAR+${hex32(s.offset)})`);
        for (const b of pci.below(bdf)) {
          const d = platform.pciDevice(b);
          d.iommu = name;
          d.msi = chip.name;
        }
      } else platform.topology.push(`${name}: ${kind}${s.type === 3 || s.type === 4 ? ` ${s.enumerationId}` : ''} at ${bdf ?? text} (DMAR+${hex32(s.offset)})`);
    }
  });

  // RMRRs.
  const rmrrs = dmar.rmrrs.map((r) => ({ ...r, start: r.base, last: r.end }));
  for (const r of rmrrs) {
    if (r.base % 0x1000n !== 0n || (r.end + 1n) % 0x1000n !== 0n || r.end <= r.base) {
      findings.report('rmr-unaligned', at(r.offset + 8, 16), `RMRR ${hx(r.base)}..${hx(r.end)} at DMAR+${hex32(r.offset)} ${r.end <= r.base ? 'ends before it starts' : 'does not start and end on 4 KiB pages'}: the kernel taints itself with "Your BIOS is broken; bad RMRR" (rmrr_sanity_check) and uses it anyway`);
    }
    if (r.scopes.length === 0) findings.report('rmr-no-device', at(r.offset, 4), `RMRR ${hx(r.base)}..${hx(r.end)} at DMAR+${hex32(r.offset)} has no device scope: it reserves memory for no device`);
  }
  for (const [later, earlier] of sweepOverlaps(rmrrs, (r) => r.offset)) {
    const nested = (a: typeof later, b: typeof later) => a.start >= b.start && a.last <= b.last;
    if (nested(later, earlier) || nested(earlier, later)) continue; // the same region listed twice, or one inside another: merged by type
    findings.report('rmr-overlap', at(later.offset + 8, 16), `RMRRs ${hx(earlier.base)}..${hx(earlier.end)} and ${hx(later.base)}..${hx(later.end)} partly overlap: the kernel merges them into one reserved region per device, but firmware that means two regions rarely writes them this way`,
      [{ loc: at(earlier.offset + 8, 16), message: `RMRR at DMAR+${hex32(earlier.offset)}` }]);
  }
  for (const r of rmrrs) {
    if (r.end < r.base) continue;
    for (const s of r.scopes) {
      const { bdf, text } = resolve(s, r.segment, pci);
      if (!bdf) {
        platform.topology.push(`RMRR ${hx(r.base)}..${hx(r.end)} (DMAR+${hex32(r.offset)}) for the device at ${text}: the path crosses bridges whose bus numbers are unknown (give a sysfs import)`);
        continue;
      }
      if (pci.exists(bdf) === false) {
        findings.report('rmr-no-device', at(s.offset, 6 + 2 * s.path.length), `RMRR ${hx(r.base)}..${hx(r.end)} at DMAR+${hex32(r.offset)} is scoped to ${bdf}, which the sysfs import does not have: the reservation reaches no device`);
        continue;
      }
      const targets = s.type === 2 ? [bdf, ...pci.below(bdf)] : [bdf];
      for (const t of targets) addRmrr(platform.pciDevice(t), t, r.base, r.end, `RMRR DMAR+${hex32(r.offset)}`, pci);
    }
  }

  // Devices named by no unit: the segment's INCLUDE_PCI_ALL unit.
  for (const d of platform.devices) {
    if (d.iommu || !d.pci) continue;
    const unit = includeAll.get(parseInt(d.pci.slice(0, 4), 16));
    if (unit) {
      d.iommu = unit;
      d.msi ??= chip.name;
    }
  }
  // With a sysfs import, every known function sits behind some unit.
  for (const b of pci.all()) {
    const unit = includeAll.get(parseInt(b.slice(0, 4), 16));
    if (unit && !platform.findPci(b)) {
      const d = platform.pciDevice(b);
      d.iommu = unit;
      d.msi = chip.name;
    }
  }
  // The ISA-bridge floppy workaround (CONFIG_INTEL_IOMMU_FLOPPY_WA): 0..16 MiB direct-relaxable.
  for (const d of platform.devices) {
    const c = d.pci ? pci.classCode(d.pci) : null;
    if (c !== null && PCI_CLASS.isIsaBridge(c) && d.iommu && !d.regions.some((x) => x.start === 0n && x.last === 0xffffffn)) {
      d.regions.push({ start: 0n, last: 0xffffffn, type: 'direct-relaxable', note: 'ISA bridge: the kernel identity-maps 0..16 MiB for legacy floppy DMA' });
    }
  }
}

function addRmrr(d: PlatformDevice, bdf: string, base: bigint, end: bigint, source: string, pci: PciView): void {
  const c = pci.classCode(bdf);
  const relaxable = c !== null && (PCI_CLASS.isUsb(c) || PCI_CLASS.isDisplay(c));
  const type = relaxable ? 'direct-relaxable' : 'direct';
  if (d.regions.some((x) => x.start === base && x.last === end && x.type === type)) return;
  const why = c === null ? '; class unknown: direct-relaxable instead if this is a USB controller or a display device (device_rmrr_is_relaxable)' : relaxable ? `; class ${hex32(c)} (${PCI_CLASS.isUsb(c) ? 'USB' : 'display'}): relaxable` : '';
  d.regions.push({ start: base, last: end, type, note: source + why });
}
