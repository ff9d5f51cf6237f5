// Which device of the configuration a fault's requester is: a PCI requester ID by the devices'
// `pci` addresses; an SMMU StreamID by the client name the kernel printed (a PCI address or a
// device name), else as the RID of a PCI device behind an SMMU of that family (the identity
// RID → StreamID map that IORT and `iommu-map` usually give; the language has no StreamID).

import type { Configuration, Device, IommuModel } from '../model/types';
import type { Bdf, FaultDriver, Requester } from './event';
import { bdfOfRid, formatBdf, parseBdf, ridOf } from './event';

export interface RequesterMatch {
  device: Device | null;
  /** How the device was found, or why none was: for the explanation. */
  how: string;
  /** The requester as text: `01:00.0`, `StreamID 0x100 on arm-smmu-v3.0.auto`. */
  text: string;
}

const SMMU_MODELS: Readonly<Record<FaultDriver, readonly (IommuModel | null)[]>> = {
  vtd: ['vtd'],
  'amd-vi': ['amd-vi'],
  smmuv3: ['smmuv3'],
  smmuv2: ['smmuv2'],
};

export function requesterText(r: Requester | null): string {
  if (!r) return 'an unnamed requester';
  if (r.kind === 'pci') return formatBdf(r.bdf);
  return `StreamID 0x${r.sid.toString(16)}${r.client ? ` (${r.client})` : ''}${r.smmu ? ` on ${r.smmu}` : ''}`;
}

/** An index of the configuration's devices by requester ID, built once per configuration. */
export class RequesterIndex {
  private readonly byRid = new Map<number, Device[]>();
  private readonly byName = new Map<string, Device>();

  constructor(private readonly config: Configuration) {
    for (const d of config.devices) {
      this.byName.set(d.name, d);
      if (!d.pci) continue;
      const rid = (d.pci.bus << 8) | (d.pci.device << 3) | d.pci.fn;
      const list = this.byRid.get(rid);
      if (list) list.push(d);
      else this.byRid.set(rid, [d]);
    }
  }

  /** Devices with this bus/device/function; with the segment when the log printed one. */
  byBdf(b: Bdf): Device[] {
    const all = this.byRid.get(ridOf(b)) ?? [];
    return b.segment === null ? all : all.filter((d) => d.pci!.segment === b.segment);
  }

  find(r: Requester | null, driver: FaultDriver): RequesterMatch {
    const text = requesterText(r);
    if (!r) {
      // the format names no requester (SMMUv2 before cbfrsynra): only a lone device behind such an SMMU can be meant
      const behind = this.config.devices.filter((d) => SMMU_MODELS[driver].includes(d.iommu?.model ?? null));
      if (behind.length === 1) return { device: behind[0]!, how: `the log names no requester; '${behind[0]!.name}' is the only device behind an ${driver} IOMMU`, text };
      return { device: null, how: `the log names no requester, and ${behind.length === 0 ? 'no device' : `${behind.length} devices`} sit behind an ${driver} IOMMU`, text };
    }
    if (r.kind === 'pci') return this.pick(this.byBdf(r.bdf), `PCI requester ${formatBdf(r.bdf)}`, text, r.bdf);
    if (r.client) {
      const bdf = parseBdf(r.client);
      if (bdf) return this.pick(this.byBdf(bdf), `client ${r.client} of StreamID 0x${r.sid.toString(16)}`, text, bdf);
      // a platform device: the kernel names it ADDRESS.NODE (of_device_make_bus_id); import-dt names it NODE_ADDRESS
      const m = /^([0-9a-f]+)\.(.+)$/i.exec(r.client);
      const named = this.byName.get(r.client) ?? (m ? (this.byName.get(`${m[2]}_${m[1]}`) ?? this.byName.get(m[2]!)) : undefined);
      if (named) return { device: named, how: `client ${r.client} of StreamID 0x${r.sid.toString(16)}`, text };
    }
    // StreamID = RID under the identity map, among devices behind an SMMU of this family
    const rid = r.sid & 0xffff;
    const seg = r.sid >> 16;
    const candidates = (this.byRid.get(rid) ?? []).filter((d) => SMMU_MODELS[driver].includes(d.iommu?.model ?? null) && (seg === 0 || d.pci!.segment === seg));
    const bdf = bdfOfRid(rid);
    if (candidates.length === 1) return { device: candidates[0]!, how: `StreamID 0x${r.sid.toString(16)} taken as the requester ID of ${formatBdf(bdf)} (the identity RID → StreamID map)`, text };
    if (candidates.length > 1) return { device: null, how: `StreamID 0x${r.sid.toString(16)} is the requester ID of ${candidates.length} devices (${candidates.map((d) => `'${d.name}'`).join(', ')}) in different segments`, text };
    return { device: null, how: `no device of the configuration has StreamID 0x${r.sid.toString(16)}${r.client ? ` or the name ${r.client}` : ''} (taken as the requester ID ${formatBdf(bdf)} of a PCI device behind an ${driver} SMMU)`, text };
  }

  private pick(list: Device[], what: string, text: string, b: Bdf): RequesterMatch {
    if (list.length === 1) return { device: list[0]!, how: what, text };
    if (list.length === 0) return { device: null, how: `no device of the configuration has pci ${formatBdf(b)}`, text };
    // several segments: the log did not print one; segment 0 is the usual
    const seg0 = list.filter((d) => d.pci!.segment === 0);
    if (seg0.length === 1) return { device: seg0[0]!, how: `${what} (segment 0 assumed: the log prints none)`, text };
    return { device: null, how: `${list.length} devices have ${formatBdf(b)} in different segments and the log prints none`, text };
  }
}
