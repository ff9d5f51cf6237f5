// Names a person would write for imported devices, from the PCI class code: `gpu`, `nvme0`,
// `hda`, `xhci`, `nic`… (numbered when a kind occurs more than once; NVMe controllers always,
// as the kernel numbers them), and what the class code means, for the comment beside it.

interface Kind {
  name: string;
  what: string;
  /** Always numbered (nvme0, nvme1…). */
  numbered?: boolean;
}

/** Class code (base, sub, prog-if) → kind; the most specific match wins. */
const KINDS: [number, number, Kind][] = [
  [0x010802, 0xffffff, { name: 'nvme', what: 'NVMe controller', numbered: true }],
  [0x010600, 0xffff00, { name: 'sata', what: 'SATA controller' }],
  [0x010400, 0xffff00, { name: 'raid', what: 'RAID controller' }],
  [0x010700, 0xffff00, { name: 'sas', what: 'SAS controller' }],
  [0x010000, 0xff0000, { name: 'storage', what: 'mass storage controller' }],
  [0x020000, 0xffff00, { name: 'nic', what: 'Ethernet controller' }],
  [0x028000, 0xffff00, { name: 'wifi', what: 'network controller' }],
  [0x020700, 0xffff00, { name: 'ib', what: 'InfiniBand controller' }],
  [0x020000, 0xff0000, { name: 'net', what: 'network controller' }],
  [0x030000, 0xff0000, { name: 'gpu', what: 'display controller' }],
  [0x040300, 0xffff00, { name: 'hda', what: 'HD audio controller' }],
  [0x040000, 0xff0000, { name: 'media', what: 'multimedia controller' }],
  [0x050000, 0xff0000, { name: 'mem', what: 'memory controller' }],
  [0x060000, 0xffff00, { name: 'host', what: 'host bridge' }],
  [0x060100, 0xffff00, { name: 'lpc', what: 'ISA bridge' }],
  [0x060400, 0xffff00, { name: 'bridge', what: 'PCI bridge' }],
  [0x060000, 0xff0000, { name: 'bridge', what: 'bridge' }],
  [0x070000, 0xff0000, { name: 'serial', what: 'communication controller' }],
  [0x078000, 0xffff00, { name: 'mei', what: 'communication controller' }],
  [0x080000, 0xff0000, { name: 'sys', what: 'system peripheral' }],
  [0x0c0330, 0xffffff, { name: 'xhci', what: 'USB xHCI controller' }],
  [0x0c0320, 0xffffff, { name: 'ehci', what: 'USB EHCI controller' }],
  [0x0c0300, 0xffff00, { name: 'usb', what: 'USB controller' }],
  [0x0c0500, 0xffff00, { name: 'smbus', what: 'SMBus controller' }],
  [0x0c8000, 0xffff00, { name: 'serialbus', what: 'serial bus controller' }],
  [0x0c0000, 0xff0000, { name: 'serialbus', what: 'serial bus controller' }],
  [0x108000, 0xff0000, { name: 'crypto', what: 'encryption controller' }],
  [0x118000, 0xffff00, { name: 'dsp', what: 'signal processing controller' }],
  [0x110000, 0xff0000, { name: 'dsp', what: 'signal processing controller' }],
  [0x120000, 0xff0000, { name: 'accel', what: 'processing accelerator' }],
];

/** A bridge's name comes from its port type. */
const PORT_NAMES: Record<string, Kind> = {
  root: { name: 'rp', what: 'PCIe root port', numbered: true },
  upstream: { name: 'usp', what: 'PCIe switch upstream port', numbered: true },
  downstream: { name: 'dsp', what: 'PCIe switch downstream port', numbered: true },
  'pcie-to-pci': { name: 'pcibridge', what: 'PCIe-to-PCI bridge' },
  'pci-to-pcie': { name: 'pciebridge', what: 'PCI-to-PCIe bridge' },
};

export function kindOf(classCode: number | null, port: string | null): Kind {
  if (port !== null && PORT_NAMES[port]) return PORT_NAMES[port]!;
  if (classCode !== null) for (const [code, mask, kind] of KINDS) if ((classCode & mask) === code) return kind;
  return { name: 'dev', what: classCode === null ? 'device' : `class 0x${classCode.toString(16).padStart(6, '0')}` };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Give each device (in order) a unique name; `base` is its kind's name or a platform device's own. */
export function assignNames(items: { base: string; numbered: boolean }[], taken: Set<string>): string[] {
  const count = new Map<string, number>();
  for (const it of items) count.set(it.base, (count.get(it.base) ?? 0) + 1);
  const next = new Map<string, number>();
  return items.map((it) => {
    let base = IDENT.test(it.base) ? it.base : `dev_${it.base.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
    if (!IDENT.test(base)) base = 'dev';
    const numbered = it.numbered || (count.get(it.base) ?? 0) > 1;
    let name = numbered ? `${base}${next.get(base) ?? 0}` : base;
    while (taken.has(name)) {
      next.set(base, (next.get(base) ?? 0) + 1);
      name = `${base}${next.get(base) ?? 0}`;
    }
    if (numbered) next.set(base, (next.get(base) ?? 0) + 1);
    taken.add(name);
    return name;
  });
}
