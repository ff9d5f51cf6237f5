// Generated configurations for the benchmarks: `smmus` SMMUv3 instances (512 devices each), up
// to 32 GICv3 ITSes, devices in 2-member groups, one paging domain per group with
// `mapsPerDomain` maps of 2M, a direct-relaxable region per device and one `expect` per domain.

export function generate(devices, mapsPerDomain) {
  const lines = ['backend iommufd', 'allow-unsafe-interrupts'];
  const smmus = Math.max(1, Math.ceil(devices / 512));
  for (let s = 0; s < smmus; s++) lines.push(`iommu smmu${s} { model smmuv3  oas 48 }`);
  const chips = Math.max(1, Math.min(32, Math.ceil(devices / 64)));
  for (let c = 0; c < chips; c++) lines.push(`irqchip its${c} { model gicv3-its  base 0x${(0x0808_0000 + c * 0x2_0000).toString(16)} }`);
  for (let d = 0; d < devices; d++) {
    const bus = (d >> 8) & 0xff, dev = (d >> 3) & 0x1f, fn = d & 7;
    const pci = `${(d >> 16).toString(16).padStart(4, '0')}:${bus.toString(16).padStart(2, '0')}:${dev.toString(16).padStart(2, '0')}.${fn}`;
    lines.push(`device d${d} { pci ${pci}  iommu smmu${Math.floor(d / 512)}  msi its${d % chips}  driver vfio-pci  reserved 0x${(0x1_0000_0000 + d * 0x10_0000).toString(16)} size 64K direct-relaxable }`);
  }
  for (let g = 0; g + 1 < devices; g += 2) {
    lines.push(`group g${g} { d${g} d${g + 1} }`);
    lines.push(`domain vm${g} : paging {`);
    lines.push(`  attach g${g}`);
    for (let m = 0; m < mapsPerDomain; m++) lines.push(`  map 0x${(0x4000_0000 + m * 0x20_0000).toString(16)} -> 0x${(0x80_0000_0000 + g * 0x1000_0000 + m * 0x20_0000).toString(16)} size 2M rw`);
    lines.push('}');
    lines.push(`expect d${g} 0x4000_0000 -> 0x${(0x80_0000_0000 + g * 0x1000_0000).toString(16)}`);
  }
  return lines.join('\n') + '\n';
}

/** Maps per file of generateMaps (about 47 MB of text, under the 64 MB a file may have): larger configurations are split by `include`. */
export const MAPS_PER_FILE = 1_000_000;

/**
 * A clean configuration of `devices` devices (default 100) behind one SMMUv3, one paging domain
 * each, `totalMaps` maps spread evenly over the domains, alternately 2M and 4K (each at its own
 * 2M-aligned IOVA). Up to MAPS_PER_FILE maps it is one file; beyond, `main.iommu` holds the
 * hardware and includes the domains, split evenly over files of at most that many maps.
 * Returns the files (name → text, `main.iommu` first) and the same maps as JSON
 * (`{ domains: [{ name, maps: [{ iova, pa, size, perm }] }] }`, addresses as hex strings, each
 * domain's maps in a shuffled order so that the JSON floor really sorts).
 */
export function generateMaps(totalMaps, devices = 100) {
  const head = ['backend iommufd', 'iommu smmu0 { model smmuv3  oas 48 }', 'irqchip its0 { model gicv3-its  base 0x0808_0000 }'];
  for (let d = 0; d < devices; d++) {
    const pci = `0000:${((d >> 5) & 0xff).toString(16).padStart(2, '0')}:${(d & 0x1f).toString(16).padStart(2, '0')}.0`;
    head.push(`device nic${d} { pci ${pci}  iommu smmu0  msi its0  driver vfio-pci }`);
  }
  const parts = Math.max(1, Math.ceil(totalMaps / MAPS_PER_FILE));
  const bodies = Array.from({ length: parts }, () => []);
  const domains = [];
  const hex = (n) => '0x' + n.toString(16);
  for (let d = 0; d < devices; d++) {
    const lines = bodies[Math.floor((d * parts) / devices)];
    const count = Math.floor(totalMaps / devices) + (d < totalMaps % devices ? 1 : 0);
    lines.push(`domain vm${d} : paging {`);
    lines.push(`  attach nic${d}`);
    const maps = [];
    const paBase = 0x100_0000_0000 + d * 0x10_0000_0000;
    for (let m = 0; m < count; m++) {
      const iova = 0x4000_0000 + m * 0x20_0000;
      const pa = paBase + m * 0x20_0000;
      const big = m % 2 === 0;
      const perm = m % 3 === 2 ? 'r' : 'rw';
      lines.push(`  map ${hex(iova)} -> ${hex(pa)} size ${big ? '2M' : '4K'} ${perm}`);
      maps.push({ iova: hex(iova), pa: hex(pa), size: big ? '0x200000' : '0x1000', perm });
    }
    lines.push('}');
    // a deterministic shuffle (the floor sorts)
    for (let i = maps.length - 1; i > 0; i--) {
      const j = (i * 2654435761) % (i + 1);
      [maps[i], maps[j]] = [maps[j], maps[i]];
    }
    domains.push({ name: `vm${d}`, maps });
  }
  const files = new Map();
  if (parts === 1) files.set('main.iommu', [...head, ...bodies[0]].join('\n') + '\n');
  else {
    files.set('main.iommu', [...head, ...bodies.map((_, i) => `include "domains-${i}.iommu"`)].join('\n') + '\n');
    bodies.forEach((b, i) => files.set(`domains-${i}.iommu`, b.join('\n') + '\n'));
  }
  return { files, json: JSON.stringify({ domains }) };
}
