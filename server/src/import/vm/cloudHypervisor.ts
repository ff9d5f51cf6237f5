// A cloud-hypervisor VM configuration (the JSON of `ch-remote info`, or the `config` object of
// the API's vm.create) → VmDefinition. JSON.parse keeps no positions, so each part's line is
// found in the text by the key (and, for a device, its path) it was read from.

import type { Parsed } from './libvirt';
import { normalBdf } from './qemu';
import { VmError, type HostDev, type MachineFamily, type Origin, type VmDefinition } from './types';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObj = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function lineOf(text: string, needle: string, from = 0): { line: number; column: number; end: number } | null {
  const i = text.indexOf(needle, from);
  if (i < 0) return null;
  let line = 1;
  let last = -1;
  for (let k = 0; k < i; k++) if (text.charCodeAt(k) === 10) {
    line++;
    last = k;
  }
  return { line, column: i - last, end: i + needle.length };
}

const bytes = (v: Json | undefined, where: string): bigint => {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  throw new VmError(`${where}: expected a size in bytes, got ${JSON.stringify(v)}`);
};

export function parseCloudHypervisor(text: string, file: string, arch: 'x86_64' | 'aarch64'): Parsed {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    throw new VmError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const cfg = isObj(doc) && isObj(doc['config']) ? doc['config'] : doc;
  if (!isObj(cfg) || !isObj(cfg['memory'])) throw new VmError(`${file}: not a cloud-hypervisor VM config (no "memory" object; expected the output of 'ch-remote info' or a vm.create body)`);
  const warnings: string[] = [];
  const at = (key: string, from = 0): Origin => {
    const p = lineOf(text, key, from);
    return { line: p?.line ?? null, column: p?.column ?? null, argv: null, what: key };
  };
  const where = (o: Origin) => `${file}:${o.line ?? '?'}`;
  const mem = cfg['memory'];
  const memAt = at('"memory"');
  const size = bytes(mem['size'], `${where(memAt)}: "memory"."size"`);
  if (size === 0n) throw new VmError(`${where(memAt)}: "memory"."size" is 0`);
  const hotplug = mem['hotplug_size'] === null || mem['hotplug_size'] === undefined ? 0n : bytes(mem['hotplug_size'], `${where(memAt)}: "memory"."hotplug_size"`);
  if (Array.isArray(mem['zones']) && mem['zones'].length > 0) warnings.push(`${where(memAt)}: memory zones are laid out as one region of "size" bytes (zones are not modelled one by one)`);
  const hostdevs: HostDev[] = [];
  const devices = cfg['devices'];
  let anyBehind = cfg['iommu'] === true;
  if (devices !== undefined && devices !== null) {
    if (!Array.isArray(devices)) throw new VmError(`${where(at('"devices"'))}: "devices" is not a list`);
    let from = 0;
    for (const d of devices) {
      if (!isObj(d) || typeof d['path'] !== 'string') throw new VmError(`${where(at('"devices"'))}: a device without a "path" (expected "/sys/bus/pci/devices/0000:01:00.0/")`);
      const p = d['path'];
      const pos = lineOf(text, JSON.stringify(p).slice(1, -1), from);
      if (pos) from = pos.end;
      const o: Origin = { line: pos?.line ?? null, column: pos?.column ?? null, argv: null, what: `"devices" path ${p}` };
      const last = p.replace(/\/+$/, '').split('/').pop() ?? '';
      const bdf = normalBdf(last);
      if (!bdf) throw new VmError(`${where(o)}: device path '${p}' does not end in a PCI address`);
      const behind = d['iommu'] === true;
      anyBehind ||= behind;
      hostdevs.push({ bdf, managed: false, behindViommu: behind, origin: o });
    }
  }
  const platform = isObj(cfg['platform']) ? cfg['platform'] : null;
  const widthKey = platform && typeof platform['iommu_address_width_bits'] === 'number' ? 'iommu_address_width_bits' : 'iommu_address_width';
  const width = platform && typeof platform[widthKey] === 'number' ? (platform[widthKey] as number) : null;
  const iommufd = platform !== null && (platform['iommufd'] === true || typeof platform['iommufd_fd'] === 'number');
  const family: MachineFamily = arch === 'aarch64' ? 'ch-aarch64' : 'ch-x86_64';
  const top: Origin = { line: 1, column: 1, argv: null, what: 'cloud-hypervisor config' };
  const vm: VmDefinition = {
    format: 'cloud-hypervisor',
    file,
    name: file.replace(/^.*[\\/]/, '').replace(/\.json$/i, '') || 'vm',
    origin: top,
    machine: { family, type: `cloud-hypervisor ${arch}`, version: null, maxRamBelow4g: null, hole64Size: null, origin: top },
    cpu: { vendor: 'unknown', model: 'host', physBits: null, origin: null },
    memory: { ram: size, maxmem: size + hotplug, slots: 0, hotplugSize: hotplug, dimms: [], nodes: [], origin: { ...memAt, what: `"memory" size ${size}` } },
    hostdevs,
    iommufd: iommufd ? { ...at('"iommufd"'), what: '"platform" "iommufd": true' } : null,
    viommu: anyBehind ? { model: 'virtio', awBits: width, accel: false, cachingMode: false, origin: width !== null ? { ...at(`"${widthKey}"`), what: `"${widthKey}": ${width}` } : { ...at('"iommu": true'), what: '"iommu": true' } } : null,
  };
  return { vm, warnings };
}
