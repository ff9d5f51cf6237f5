// The kernel's table-driven DMA alias quirks (drivers/pci/quirks.c), by vendor and device ID: the
// requester IDs a device's DMA also carries (`pci_add_dma_alias` into its `dma_alias_mask`), and
// the bridges whose devices' DMA carries the requester ID of the bridge's secondary bus
// (`quirk_use_pcie_bridge_dma_alias`). Quirks that depend on a device's own registers (Switchtec
// NTB partitions) are not in the table: the kernel's groups show them, and the importer declares
// groups it cannot derive.

export interface DmaAliasQuirk {
  /** The quirk function, for the comment beside the `dma-alias` line. */
  quirk: string;
  /** Aliased devfns on the device's own bus, given the device's own devfn. */
  aliases(devfn: number): number[];
}

const devfn = (slot: number, fn: number) => slot * 8 + fn;

const FUNC0: DmaAliasQuirk = { quirk: 'quirk_dma_func0_alias', aliases: (df) => (df % 8 !== 0 ? [devfn(df >> 3, 0)] : []) };
const FUNC1: DmaAliasQuirk = { quirk: 'quirk_dma_func1_alias', aliases: (df) => (df % 8 !== 1 ? [devfn(df >> 3, 1)] : []) };
/** Intel MIC x200 DMA: forwards DMA upstream with three other requester IDs of its bus. */
const MIC_X200: DmaAliasQuirk = { quirk: 'quirk_mic_x200_dma_alias', aliases: () => [devfn(0x10, 0), devfn(0x11, 0), devfn(0x12, 3)] };
/** Every devfn of the bus: Intel VCA and PLX NTB functions proxy requester IDs of the other side. */
const WHOLE_BUS = (quirk: string): DmaAliasQuirk => ({ quirk, aliases: () => Array.from({ length: 256 }, (_, i) => i) });

const MARVELL_EXT = 0x1b4b;
const TTI = 0x1103;

/** vendor:device → quirk. */
const TABLE = new Map<string, DmaAliasQuirk>();
const add = (vendor: number, devices: number[], q: DmaAliasQuirk) => {
  for (const d of devices) TABLE.set(`${vendor}:${d}`, q);
};
// Function 0 is the requester ID: Ricoh SD/MMC card readers, Glenfly audio.
add(0x1180, [0xe832, 0xe476], FUNC0);
add(0x6766, [0x3d40, 0x3d41], FUNC0);
// Function 1 (often a phantom function) is a requester ID too: Marvell SATA and SSD controllers,
// HighPoint (TTI) RocketRAID, JMicron JMB388 eSD, Lite-On/Plextor M6e.
add(MARVELL_EXT, [0x9120, 0x9123, 0x9125, 0x9128, 0x9130, 0x9170, 0x9172, 0x917a, 0x9182, 0x9183, 0x91a0, 0x9215, 0x9220, 0x9230, 0x9235], FUNC1);
add(TTI, [0x0642, 0x0645], FUNC1);
add(0x197b, [0x2392], FUNC1);
add(0x1c28, [0x0122], FUNC1);
add(0x8086, [0x2260, 0x2264], MIC_X200);
add(0x8086, [0x2954, 0x2955, 0x2956, 0x2958, 0x2959, 0x295a], WHOLE_BUS('quirk_pex_vca_alias'));
add(0x10b5, [0x87b0, 0x87b1], WHOLE_BUS('quirk_plx_ntb_dma_alias'));

/** `fixed_dma_alias_tbl`: matched with the subsystem IDs. Adaptec 3405 → devfn 01.0. */
const FIXED: { vendor: number; device: number; subVendor: number; subDevice: number; devfn: number }[] = [{ vendor: 0x9005, device: 0x0285, subVendor: 0x9005, subDevice: 0x02bb, devfn: devfn(1, 0) }];

export function dmaAliasQuirk(vendor: number | null, device: number | null, subVendor: number | null, subDevice: number | null): DmaAliasQuirk | null {
  if (vendor === null || device === null) return null;
  const q = TABLE.get(`${vendor}:${device}`);
  if (q) return q;
  const f = FIXED.find((x) => x.vendor === vendor && x.device === device && x.subVendor === subVendor && x.subDevice === subDevice);
  return f ? { quirk: 'quirk_fixed_dma_alias', aliases: () => [f.devfn] } : null;
}

/** Bridges of `quirk_use_pcie_bridge_dma_alias`: PCIe-to-PCI bridges without a PCI Express capability. */
const PCIE_BRIDGE_ALIAS = new Set(
  [
    [0x1b21, 0x1080], // ASMedia ASM1083/1085
    [0x10e3, 0x8113], // Tundra 8113
    [0x1283, 0x8892], // ITE 8892
    [0x1283, 0x8893], // ITE 8893
    [0x8086, 0x244e], // Intel 82801 PCI bridge
  ].map(([v, d]) => `${v}:${d}`),
);

export function usesPcieBridgeAlias(vendor: number | null, device: number | null): boolean {
  return vendor !== null && device !== null && PCIE_BRIDGE_ALIAS.has(`${vendor}:${device}`);
}
