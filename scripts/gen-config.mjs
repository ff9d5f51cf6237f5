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
