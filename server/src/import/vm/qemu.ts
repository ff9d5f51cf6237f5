// A QEMU command line → VmDefinition: a file holding the command (shell continuation lines,
// quotes and comments as a shell script would have them) or the arguments themselves. Every
// option records its argument index (and, from a file, its line and column).

import { machineOf, vendorOfModel } from './machines';
import type { Parsed } from './libvirt';
import { qemuBytes, VmError, type HostDev, type Origin, type VmDefinition, type ViommuConfig } from './types';

export interface Arg {
  text: string;
  index: number;
  line: number | null;
  column: number | null;
}

/** Split a command written in a file into words as a POSIX shell would (quotes, `\` escapes and continuations, `#` comments). */
export function shellWords(text: string, file: string): Arg[] {
  const out: Arg[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const adv = () => {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
    i++;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '\n') {
      adv();
      adv();
      continue;
    }
    if (/\s/.test(c)) {
      adv();
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') adv();
      continue;
    }
    const start = { line, col };
    let word = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      const ch = text[i]!;
      if (ch === '\\') {
        adv();
        if (i < text.length && text[i] !== '\n') word += text[i];
        if (i < text.length) adv();
      } else if (ch === "'" || ch === '"') {
        const q = ch;
        const open = { line, col };
        adv();
        while (i < text.length && text[i] !== q) {
          if (q === '"' && text[i] === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) adv();
          word += text[i];
          adv();
        }
        if (i >= text.length) throw new VmError(`${file}:${open.line}:${open.col}: unterminated ${q === '"' ? 'double' : 'single'} quote`);
        adv();
      } else {
        word += ch;
        adv();
      }
    }
    out.push({ text: word, index: out.length, line: start.line, column: start.col });
  }
  return out;
}

/** `key=value,key2=value2` with a leading bare word (the driver or type) as `''`; `,,` is a literal comma. */
export function optionList(text: string): { first: string; props: Map<string, string> } {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ',' && text[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (text[i] === ',') {
      parts.push(cur);
      cur = '';
    } else cur += text[i];
  }
  parts.push(cur);
  const props = new Map<string, string>();
  let first = '';
  parts.forEach((p, k) => {
    const eq = p.indexOf('=');
    if (eq < 0) {
      if (k === 0) first = p;
      else props.set(p, 'on');
    } else props.set(p.slice(0, eq), p.slice(eq + 1));
  });
  return { first, props };
}

/** A host PCI address as QEMU takes it (`01:00.0`, `0000:01:00.0`) → `SSSS:BB:DD.F`, or null. */
export function normalBdf(text: string): string | null {
  const m = /^(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])$/i.exec(text.trim());
  if (!m) return null;
  return `${(m[1] ?? '0').padStart(4, '0')}:${m[2]!.padStart(2, '0')}:${m[3]!.padStart(2, '0')}.${m[4]}`.toLowerCase();
}

const onOff = (v: string | undefined) => v === 'on' || v === 'true' || v === 'yes';

export function parseQemu(args: Arg[], file: string | null): Parsed {
  const warnings: string[] = [];
  const at = (a: Arg) => (file !== null && a.line !== null ? `${file}:${a.line}:${a.column}` : `argv[${a.index}]`);
  const origin = (a: Arg, what: string): Origin => ({ line: file !== null ? a.line : null, column: file !== null ? a.column : null, argv: a.index, what });
  if (args.length === 0) throw new VmError(`${file ?? 'the command line'}: no arguments`);
  let k = 0;
  let arch = 'x86_64';
  const first = args[0]!;
  if (!first.text.startsWith('-')) {
    const m = /qemu-system-([a-z0-9_]+)$/.exec(first.text);
    if (m) arch = m[1]!;
    else if (!/qemu|kvm/.test(first.text)) throw new VmError(`${at(first)}: '${first.text}' is not a QEMU binary (expected qemu-system-x86_64, qemu-system-aarch64, or the options alone)`);
    k = 1;
  }
  let machineArg: Arg | null = null;
  let machineType: string | null = null;
  let maxRamBelow4g: bigint | null = null;
  let hole64: bigint | null = null;
  let smmuMachine: Arg | null = null;
  let memArg: Arg | null = null;
  let ram = 128n << 20n;
  let maxmem: bigint | null = null;
  let slots = 0;
  let cpuArg: Arg | null = null;
  let cpuModel = arch === 'aarch64' ? 'host' : 'qemu64';
  let physBits: number | null = null;
  const hostdevs: HostDev[] = [];
  const iommufdObjects = new Map<string, Arg>();
  const iommufdUsers: { dev: Arg; id: string }[] = [];
  let legacyDevices = 0;
  let viommu: ViommuConfig | null = null;
  const backends = new Map<string, bigint>();
  const dimms: { size: bigint; origin: Origin }[] = [];
  const nodes: bigint[] = [];
  let nameText: string | null = null;
  const value = (opt: Arg): Arg => {
    const next = args[args.indexOf(opt) + 1];
    if (!next) throw new VmError(`${at(opt)}: ${opt.text} needs a value`);
    return next;
  };
  const size = (text: string, a: Arg, what: string, bare: bigint): bigint => {
    const b = qemuBytes(text, bare);
    if (b === null) throw new VmError(`${at(a)}: ${what} '${text}' is not a size (e.g. 16G, 2048M)`);
    return b;
  };
  for (; k < args.length; k++) {
    const a = args[k]!;
    const opt = a.text.replace(/^--/, '-');
    switch (opt) {
      case '-m': {
        const v = value(a);
        k++;
        const { first: f, props } = optionList(v.text);
        const sz = props.get('size') ?? f;
        if (sz) ram = size(sz, v, '-m size', 1n << 20n);
        if (props.has('maxmem')) maxmem = size(props.get('maxmem')!, v, '-m maxmem', 1n << 20n);
        if (props.has('slots')) {
          if (!/^\d+$/.test(props.get('slots')!)) throw new VmError(`${at(v)}: -m slots='${props.get('slots')}' is not a number`);
          slots = Number(props.get('slots'));
        }
        memArg = v;
        break;
      }
      case '-machine':
      case '-M': {
        const v = value(a);
        k++;
        const { first: f, props } = optionList(v.text);
        const t = props.get('type') ?? (f || null);
        if (t) {
          machineType = t;
          machineArg = v;
        }
        if (props.has('max-ram-below-4g')) maxRamBelow4g = size(props.get('max-ram-below-4g')!, v, 'max-ram-below-4g', 1n);
        if (props.get('iommu') === 'smmuv3') smmuMachine = v;
        break;
      }
      case '-cpu': {
        const v = value(a);
        k++;
        const { first: f, props } = optionList(v.text);
        cpuModel = f || cpuModel;
        cpuArg = v;
        if (props.has('phys-bits')) physBits = Number(props.get('phys-bits'));
        break;
      }
      case '-name': {
        const v = value(a);
        k++;
        const { first: f, props } = optionList(v.text);
        nameText = props.get('guest') ?? f;
        break;
      }
      case '-global': {
        const v = value(a);
        k++;
        const m = /^(q35-pcihost|i440FX-pcihost)\.pci-hole64-size=(.+)$/.exec(v.text);
        if (m) hole64 = size(m[2]!, v, 'pci-hole64-size', 1n);
        break;
      }
      case '-object': {
        const v = value(a);
        k++;
        const { first: f, props } = optionList(v.text);
        if (f === 'iommufd') iommufdObjects.set(props.get('id') ?? '', v);
        else if (f.startsWith('memory-backend-') && props.has('id') && props.has('size')) backends.set(props.get('id')!, size(props.get('size')!, v, `${f} size`, 1n));
        break;
      }
      case '-device': {
        const v = value(a);
        k++;
        const { first: drv, props } = optionList(v.text);
        if (drv === 'pc-dimm' || drv === 'nvdimm') {
          const id = props.get('memdev');
          const sz = id !== undefined ? backends.get(id) : undefined;
          if (sz === undefined) throw new VmError(`${at(v)}: -device ${drv}: memdev=${id ?? ''} names no memory backend given before it (-object memory-backend-…,id=…,size=…)`);
          dimms.push({ size: sz, origin: origin(v, `-device ${v.text}`) });
        } else if (drv === 'vfio-pci' || drv === 'vfio-pci-nohotplug') {
          let host = props.get('host');
          if (!host && props.has('sysfsdev')) host = props.get('sysfsdev')!.replace(/\/+$/, '').split('/').pop();
          if (!host) throw new VmError(`${at(v)}: -device ${drv} without host= (or sysfsdev=): which host device is assigned?`);
          const bdf = normalBdf(host);
          if (!bdf) throw new VmError(`${at(v)}: -device ${drv},host=${host}: not a PCI address (expected 0000:01:00.0 or 01:00.0)`);
          if (props.has('iommufd')) iommufdUsers.push({ dev: v, id: props.get('iommufd')! });
          else legacyDevices++;
          hostdevs.push({ bdf, managed: false, behindViommu: null, origin: origin(v, `-device ${drv},host=${host}`) });
        } else if (drv === 'intel-iommu' || drv === 'virtio-iommu-pci' || drv === 'virtio-iommu' || drv === 'arm-smmuv3' || drv === 'amd-iommu') {
          const aw = props.get('aw-bits');
          if (aw !== undefined && !/^\d+$/.test(aw)) throw new VmError(`${at(v)}: ${drv} aw-bits='${aw}' is not a number of bits`);
          const model = drv === 'intel-iommu' ? 'intel' : drv === 'arm-smmuv3' ? 'smmuv3' : drv === 'amd-iommu' ? 'amd' : 'virtio';
          if (viommu) throw new VmError(`${at(v)}: a second vIOMMU (${drv}); one per VM is modelled`);
          viommu = { model, awBits: aw === undefined ? null : Number(aw), accel: onOff(props.get('accel')), cachingMode: onOff(props.get('caching-mode')), origin: origin(v, `-device ${v.text}`) };
        }
        break;
      }
      case '-numa': {
        const v = value(a);
        k++;
        const { first: f, props } = optionList(v.text);
        if (f !== 'node' && !props.has('nodeid') && f !== '') break;
        if (f !== 'node') break;
        if (props.has('memdev')) {
          const sz = backends.get(props.get('memdev')!);
          if (sz === undefined) throw new VmError(`${at(v)}: -numa node,memdev=${props.get('memdev')} names no memory backend given before it`);
          nodes.push(sz);
        } else if (props.has('mem')) nodes.push(size(props.get('mem')!, v, '-numa mem', 1n << 20n));
        break;
      }
      case '-readconfig':
        throw new VmError(`${at(a)}: -readconfig is not read: give the options on the command line`);
      default:
        break;
    }
  }
  if (smmuMachine && !viommu) viommu = { model: 'smmuv3', awBits: null, accel: false, cachingMode: false, origin: origin(smmuMachine, `-machine ${smmuMachine.text}`) };
  for (const u of iommufdUsers) if (!iommufdObjects.has(u.id)) throw new VmError(`${at(u.dev)}: iommufd=${u.id} names no -object iommufd,id=${u.id}`);
  if (iommufdUsers.length > 0 && legacyDevices > 0) throw new VmError(`${file ?? 'the command line'}: ${iommufdUsers.length} vfio-pci devices use iommufd and ${legacyDevices} the VFIO container: a VM with both is not modelled (one backend per configuration)`);
  if (iommufdObjects.size > 0 && iommufdUsers.length === 0 && hostdevs.length > 0) {
    const o = [...iommufdObjects.values()][0]!;
    warnings.push(`${at(o)}: -object iommufd is declared but no vfio-pci device names it (iommufd=ID): the devices use the VFIO container`);
  }
  if (!machineType) {
    if (arch === 'aarch64') throw new VmError(`${file ?? 'the command line'}: no -machine: qemu-system-aarch64 has no default machine (use -machine virt)`);
    machineType = 'pc';
  }
  if (machineArg === null) machineArg = first;
  const mt = machineType;
  const machine = machineOf(mt, arch, () => `${at(machineArg!)}: -machine ${mt}`);
  if (maxmem === null) maxmem = ram;
  if (nodes.length > 0 && nodes.reduce((x, y) => x + y, 0n) !== ram) throw new VmError(`${memArg ? at(memArg) : file ?? 'the command line'}: the NUMA nodes hold ${nodes.reduce((x, y) => x + y, 0n)} bytes, but -m is ${ram} bytes`);
  if (maxmem < ram) throw new VmError(`${at(memArg!)}: -m maxmem is smaller than the RAM size`);
  const usedIommufd = iommufdUsers[0];
  const vm: VmDefinition = {
    format: 'qemu',
    file,
    name: nameText ?? 'vm',
    origin: origin(first, first.text.startsWith('-') ? 'the command line' : first.text),
    machine: { ...machine, maxRamBelow4g, hole64Size: hole64, origin: origin(machineArg, machineArg === first ? `default machine ${mt}` : `-machine ${machineArg.text}`) },
    cpu: { vendor: vendorOfModel(cpuModel), model: cpuModel, physBits, origin: cpuArg ? origin(cpuArg, `-cpu ${cpuArg.text}`) : null },
    memory: { ram, maxmem, slots, hotplugSize: 0n, dimms, nodes, origin: memArg ? origin(memArg, `-m ${memArg.text}`) : origin(first, 'default -m 128M') },
    hostdevs,
    iommufd: usedIommufd ? origin(iommufdObjects.get(usedIommufd.id)!, `-object ${iommufdObjects.get(usedIommufd.id)!.text}`) : null,
    viommu,
  };
  return { vm, warnings };
}
