// `iommu-check import-vm SRC... [--host HOST] [--output FILE] [-- QEMU-ARGS...]`: the command
// around server/src/import/vm/.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { importVms, type VmSource } from '../import/vm/emit';
import { openHost, type Host } from '../import/vm/host';
import { parseCloudHypervisor } from '../import/vm/cloudHypervisor';
import { parseLibvirt } from '../import/vm/libvirt';
import { parseQemu, shellWords } from '../import/vm/qemu';
import { VmError } from '../import/vm/types';
import { fsReason, UsageError, type CliIo } from './io';
import { readArgs } from './options';

export const IMPORT_VM_HELP = `Usage: iommu-check import-vm SRC... [--host HOST] [--output FILE] [--arch x86_64|aarch64]
       iommu-check import-vm [--host HOST] [--output FILE] -- QEMU-ARGUMENTS...

Turns VM definitions into a configuration that checks them against their host before they boot.
SRC is a libvirt domain XML (virsh dumpxml NAME), a file holding a QEMU command line, or a
cloud-hypervisor VM config (JSON, as ch-remote info prints it); after '--', the QEMU arguments
themselves. HOST is the host's configuration (.iommu, included), a snapshot archive or a sysfs
root (imported as import-sysfs does, and embedded). Each VM becomes one domain with the VFIO
backend it uses (iommufd or vfio-type1), its guest RAM mapped at IOVA = GPA as the machine type
lays it out (q35, pc, virt, cloud-hypervisor), its host devices attached by PCI address, and its
vIOMMU (a nested domain with the vIORT RMR for an accelerated SMMUv3). Comments name the XML
element or argument each statement comes from, and diagnostics point there.
--arch picks the architecture of a cloud-hypervisor config (default: aarch64 when the host has
an SMMU, else x86_64). What the VMM itself refuses at start is printed as an error (exit 1).
`;

function readDefinition(abs: string, shown: string, arch: 'x86_64' | 'aarch64'): VmSource {
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${shown}: ${fsReason(e)}`);
  }
  const head = text.replace(/^\uFEFF/, '').trimStart();
  const parsed = head.startsWith('<') ? parseLibvirt(text, shown) : head.startsWith('{') ? parseCloudHypervisor(text, shown, arch) : parseQemu(shellWords(text, shown), shown);
  return { vm: parsed.vm, abs, warnings: parsed.warnings };
}

export function runImportVm(argv: readonly string[], io: CliIo): number {
  const read = readArgs('import-vm', argv, { values: ['--output', '--host', '--arch'], short: { '-o': '--output' } });
  if (read.help) {
    io.stdout(IMPORT_VM_HELP);
    return 0;
  }
  let output: string | null = null;
  let hostArg: string | null = null;
  let arch: 'x86_64' | 'aarch64' | null = null;
  const files = read.operands;
  const qemuArgs = read.rest;
  for (const { name, value } of read.options) {
    if (name === '--output') output = value;
    else if (name === '--host') hostArg = value;
    else {
      if (value !== 'x86_64' && value !== 'aarch64') throw new UsageError(`import-vm: --arch: '${value}' is not x86_64 or aarch64`);
      arch = value;
    }
  }
  if (files.length === 0 && qemuArgs === null) throw new UsageError('import-vm needs a VM definition (usage: iommu-check import-vm SRC... [--host HOST], or -- QEMU-ARGUMENTS)');
  if (qemuArgs !== null && qemuArgs.length === 0) throw new UsageError("import-vm: no QEMU arguments after '--'");
  const outAbs = output === null ? null : path.resolve(io.cwd, output);
  const outDir = outAbs === null ? io.cwd : path.dirname(outAbs);
  try {
    let host: Host | null = null;
    if (hostArg !== null) host = openHost(hostArg, path.resolve(io.cwd, hostArg), path.join(outDir, '.host.iommu'));
    const hostArch = host?.analysis.config.iommus.some((i) => i.model === 'smmuv3' || i.model === 'smmuv2') ? 'aarch64' : 'x86_64';
    const sources = files.map((f) => readDefinition(path.resolve(io.cwd, f), f, arch ?? hostArch));
    if (qemuArgs !== null) {
      const parsed = parseQemu(qemuArgs.map((text, index) => ({ text, index, line: null, column: null })), null);
      sources.push({ vm: parsed.vm, abs: null, warnings: parsed.warnings });
    }
    const shown = ['import-vm', ...files, ...(hostArg !== null ? ['--host', hostArg] : []), ...(qemuArgs !== null ? ['--', ...qemuArgs] : [])].join(' ');
    const result = importVms(sources, host, outDir, shown);
    for (const w of result.warnings) io.stderr(`iommu-check: warning: ${w}\n`);
    for (const r of result.refusals) io.stderr(`iommu-check: error: ${r}\n`);
    if (outAbs === null) io.stdout(result.text);
    else {
      try {
        fs.writeFileSync(outAbs, result.text);
      } catch (e) {
        throw new UsageError(`cannot write ${output}: ${fsReason(e)}`);
      }
    }
    return result.refusals.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof VmError) throw new UsageError(e.message);
    throw e;
  }
}
