// libvirt domain XML (`virsh dumpxml NAME`) → VmDefinition. Read with @xmldom/xmldom, which keeps
// the line and column of every element, so each part of the VM records the element it came from.

import type { Element } from '@xmldom/xmldom';
import { machineOf, vendorOfModel } from './machines';
import { optionList } from './qemu';
import { libvirtBytes, qemuBytes, VmError, type HostDev, type Origin, type VmDefinition, type ViommuConfig, type ViommuModel } from './types';

/** @xmldom/xmldom, loaded when a libvirt XML is first read (every other command starts without it). */
const xmldom = (): typeof import('@xmldom/xmldom') => require('@xmldom/xmldom') as typeof import('@xmldom/xmldom');

const children = (el: Element, tag: string): Element[] => {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as Element).tagName === tag) out.push(n as Element);
  return out;
};
const child = (el: Element, tag: string): Element | null => children(el, tag)[0] ?? null;
const attr = (el: Element, name: string): string | null => (el.hasAttribute(name) ? el.getAttribute(name) : null);

function origin(el: Element, what: string): Origin {
  const e = el as Element & { lineNumber?: number; columnNumber?: number };
  return { line: e.lineNumber ?? null, column: e.columnNumber ?? null, argv: null, what };
}

/** A PCI address element (`<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>`) as `SSSS:BB:DD.F`. */
function pciAddress(el: Element, where: (el: Element) => string): string {
  const num = (k: string, max: number) => {
    const v = attr(el, k);
    if (v === null) {
      if (k === 'domain') return 0;
      throw new VmError(`${where(el)}: <address> has no ${k}= attribute (a PCI host device needs domain, bus, slot and function)`);
    }
    const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : /^\d+$/.test(v) ? parseInt(v, 10) : NaN;
    if (!Number.isFinite(n) || n > max) throw new VmError(`${where(el)}: <address> ${k}='${v}' is not a PCI ${k} (0..0x${max.toString(16)})`);
    return n;
  };
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${h(num('domain', 0xffff), 4)}:${h(num('bus', 0xff), 2)}:${h(num('slot', 0x1f), 2)}.${num('function', 7)}`;
}

export interface Parsed {
  vm: VmDefinition;
  warnings: string[];
}

export function parseLibvirt(text: string, file: string): Parsed {
  const problems: string[] = [];
  let doc;
  try {
    const { DOMParser } = xmldom();
    doc = new DOMParser({
      onError: (level, msg) => {
        if (level !== 'warning') problems.push(msg.split('\n')[0]!);
      },
    }).parseFromString(text, 'text/xml');
  } catch (e) {
    // a fatal error: xmldom throws, with the place in `locator`
    const loc = (e as { locator?: { lineNumber?: number; columnNumber?: number } }).locator;
    const where = loc?.lineNumber ? `${file}:${loc.lineNumber}${loc.columnNumber ? `:${loc.columnNumber}` : ''}` : file;
    throw new VmError(`${where}: not well-formed XML: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  if (problems.length > 0) throw new VmError(`${file}: not well-formed XML: ${problems[0]}`);
  const root = doc.documentElement;
  if (!root || root.tagName !== 'domain') throw new VmError(`${file}: not a libvirt domain XML (the root element is <${root?.tagName ?? '?'}>, expected <domain>; use 'virsh dumpxml NAME')`);
  const where = (el: Element) => {
    const o = origin(el, '');
    return `${file}:${o.line ?? '?'}${o.column !== null ? `:${o.column}` : ''}`;
  };
  const warnings: string[] = [];
  const name = child(root, 'name')?.textContent?.trim() || 'vm';

  // Machine and CPU.
  const os = child(root, 'os');
  const type = os ? child(os, 'type') : null;
  if (!type) throw new VmError(`${where(os ?? root)}: <os> has no <type machine='…'> (the machine type decides the memory layout)`);
  const arch = attr(type, 'arch') ?? 'x86_64';
  const machineType = attr(type, 'machine') ?? (arch === 'aarch64' ? 'virt' : 'pc');
  const machine = machineOf(machineType, arch, () => `${where(type)}: <type machine='${machineType}'>`);
  const cpuEl = child(root, 'cpu');
  let vendor: VmDefinition['cpu']['vendor'] = 'unknown';
  let model = 'default';
  let physBits: number | null = null;
  if (cpuEl) {
    const mode = attr(cpuEl, 'mode') ?? 'custom';
    if (mode === 'host-passthrough' || mode === 'host-model' || mode === 'maximum') {
      vendor = 'host';
      model = mode;
    } else {
      model = child(cpuEl, 'model')?.textContent?.trim() || 'default';
      const v = child(cpuEl, 'vendor')?.textContent?.trim().toLowerCase();
      vendor = v === 'amd' ? 'amd' : v === 'intel' ? 'intel' : vendorOfModel(model);
    }
    const mpa = child(cpuEl, 'maxphysaddr');
    if (mpa && attr(mpa, 'mode') === 'emulate' && attr(mpa, 'bits')) physBits = Number(attr(mpa, 'bits'));
  } else vendor = vendorOfModel(arch === 'aarch64' ? 'host' : 'qemu64');

  // Memory: <memory> is the boot total including DIMMs; <maxMemory slots=…> allows hot-plug.
  const memEl = child(root, 'memory');
  if (!memEl) throw new VmError(`${where(root)}: <domain> has no <memory> element (the guest's RAM size)`);
  const total = libvirtBytes(memEl.textContent ?? '', attr(memEl, 'unit'));
  if (total === null || total === 0n) throw new VmError(`${where(memEl)}: <memory unit='${attr(memEl, 'unit') ?? 'KiB'}'>${(memEl.textContent ?? '').trim()}</memory> is not a size`);
  let maxmem = total;
  let slots = 0;
  const maxEl = child(root, 'maxMemory');
  if (maxEl) {
    const m = libvirtBytes(maxEl.textContent ?? '', attr(maxEl, 'unit'));
    if (m === null) throw new VmError(`${where(maxEl)}: <maxMemory> '${(maxEl.textContent ?? '').trim()}' is not a size`);
    if (m < total) throw new VmError(`${where(maxEl)}: <maxMemory> is smaller than <memory>`);
    maxmem = m;
    slots = Number(attr(maxEl, 'slots') ?? '0');
  }
  const devices = child(root, 'devices');
  let dimms = 0n;
  const dimmList: { size: bigint; origin: Origin }[] = [];
  for (const md of devices ? children(devices, 'memory') : []) {
    const t = child(md, 'target');
    const s = t ? child(t, 'size') : null;
    const b = s ? libvirtBytes(s.textContent ?? '', attr(s, 'unit')) : null;
    if (b === null) throw new VmError(`${where(md)}: <memory model='${attr(md, 'model') ?? '?'}'> has no <target><size>`);
    const model = attr(md, 'model') ?? 'dimm';
    if (model === 'dimm' || model === 'nvdimm') {
      dimms += b;
      dimmList.push({ size: b, origin: origin(md, `<memory model='${model}'>`) });
    } else warnings.push(`${where(md)}: <memory model='${model}'>: its memory is plugged after boot and is not modelled`);
  }
  if (dimms >= total) throw new VmError(`${where(memEl)}: the memory devices (${dimms} bytes) take all of <memory>`);
  const ram = total - dimms;
  const nodes: bigint[] = [];
  const numa = cpuEl ? child(cpuEl, 'numa') : null;
  for (const cell of numa ? children(numa, 'cell') : []) {
    const b = libvirtBytes(attr(cell, 'memory') ?? '', attr(cell, 'unit'));
    if (b === null) throw new VmError(`${where(cell)}: <cell memory='${attr(cell, 'memory') ?? ''}'> is not a size`);
    nodes.push(b);
  }
  if (nodes.length > 0 && nodes.reduce((a, b) => a + b, 0n) !== ram) throw new VmError(`${where(numa!)}: the NUMA cells hold ${nodes.reduce((a, b) => a + b, 0n)} bytes, but the boot RAM is ${ram} bytes (<memory> less the memory devices)`);
  const cur = child(root, 'currentMemory');
  if (cur) {
    const c = libvirtBytes(cur.textContent ?? '', attr(cur, 'unit'));
    if (c !== null && c < total) warnings.push(`${where(cur)}: <currentMemory> is below <memory>: the balloon takes RAM back inside the guest; the layout (and what VFIO maps) is that of <memory>`);
  }

  // Host devices.
  const hostdevs: HostDev[] = [];
  const iommufdAt: Origin[] = [];
  let legacy = 0;
  for (const hd of devices ? children(devices, 'hostdev') : []) {
    if (attr(hd, 'type') !== 'pci') {
      if (attr(hd, 'type') === 'mdev') warnings.push(`${where(hd)}: <hostdev type='mdev'> (a mediated device) is not modelled`);
      continue;
    }
    const src = child(hd, 'source');
    const addr = src ? child(src, 'address') : null;
    if (!addr) throw new VmError(`${where(hd)}: <hostdev type='pci'> has no <source><address …/></source>`);
    const bdf = pciAddress(addr, where);
    const drv = child(hd, 'driver');
    if (drv && attr(drv, 'name') && attr(drv, 'name') !== 'vfio') throw new VmError(`${where(drv)}: <driver name='${attr(drv, 'name')}'>: only VFIO device assignment is modelled`);
    if (drv && attr(drv, 'iommufd') === 'yes') iommufdAt.push(origin(drv, `<driver iommufd='yes'>`));
    else legacy++;
    hostdevs.push({ bdf, managed: attr(hd, 'managed') !== 'no', behindViommu: null, origin: origin(hd, `<hostdev> ${bdf}`) });
  }
  if (iommufdAt.length > 0 && legacy > 0) throw new VmError(`${file}: ${iommufdAt.length} <hostdev> use iommufd and ${legacy} the VFIO container: a VM with both is not modelled (one backend per configuration)`);

  // vIOMMU.
  let viommu: ViommuConfig | null = null;
  const iommuEl = devices ? child(devices, 'iommu') : null;
  if (iommuEl) {
    const m = attr(iommuEl, 'model');
    const models: Record<string, ViommuModel> = { intel: 'intel', smmuv3: 'smmuv3', virtio: 'virtio', amd: 'amd' };
    if (!m || !models[m]) throw new VmError(`${where(iommuEl)}: <iommu model='${m ?? ''}'> is not a vIOMMU model libvirt offers (intel, smmuv3, virtio, amd)`);
    const d = child(iommuEl, 'driver');
    const aw = d ? attr(d, 'aw_bits') : null;
    if (aw !== null && !/^\d+$/.test(aw)) throw new VmError(`${where(d!)}: <driver aw_bits='${aw}'> is not a number of bits`);
    viommu = { model: models[m]!, awBits: aw === null ? null : Number(aw), accel: d !== null && attr(d, 'accel') === 'on', cachingMode: d !== null && attr(d, 'caching_mode') === 'on', origin: origin(iommuEl, `<iommu model='${m}'>${aw !== null ? ` aw_bits='${aw}'` : ''}`) };
  }

  // <qemu:commandline> arguments that change the layout (libvirt passes them to QEMU as they are).
  let maxRamBelow4g: bigint | null = null;
  let hole64Size: bigint | null = null;
  let machineOrigin = origin(type, `<type machine='${machineType}'>`);
  for (const cl of children(root, 'qemu:commandline')) {
    const args = children(cl, 'qemu:arg');
    args.forEach((arg, k) => {
      const opt = attr(arg, 'value');
      const next = args[k + 1];
      const v = next ? attr(next, 'value') ?? '' : '';
      if (!next || (opt !== '-machine' && opt !== '-M' && opt !== '-global')) return;
      if (opt === '-global') {
        const m = /^(q35-pcihost|i440FX-pcihost)\.pci-hole64-size=(.+)$/.exec(v);
        if (m) {
          hole64Size = qemuBytes(m[2]!, 1n);
          if (hole64Size === null) throw new VmError(`${where(next)}: <qemu:arg value='${v}'>: not a size`);
        }
        return;
      }
      const { props } = optionList(v);
      if (props.has('max-ram-below-4g')) {
        maxRamBelow4g = qemuBytes(props.get('max-ram-below-4g')!, 1n);
        if (maxRamBelow4g === null) throw new VmError(`${where(next)}: <qemu:arg value='${v}'>: max-ram-below-4g is not a size`);
        machineOrigin = origin(next, `<qemu:arg value='${v}'>`);
      }
    });
  }

  const vm: VmDefinition = {
    format: 'libvirt',
    file,
    name,
    origin: origin(root, `<domain> '${name}'`),
    machine: { ...machine, maxRamBelow4g, hole64Size, origin: machineOrigin },
    cpu: { vendor, model, physBits, origin: cpuEl ? origin(cpuEl, `<cpu>`) : null },
    memory: { ram, maxmem, slots, hotplugSize: 0n, dimms: dimmList, nodes, origin: origin(memEl, `<memory> ${(memEl.textContent ?? '').trim()} ${attr(memEl, 'unit') ?? 'KiB'}`) },
    hostdevs,
    iommufd: iommufdAt[0] ?? null,
    viommu,
  };
  return { vm, warnings };
}
