// `iommu-check translate FILE DEVICE ADDR [--pasid N] [--read|--write]`: resolve one address of
// one device through the translation model and print the chain hop by hop (the text hover shows).

import * as path from 'node:path';
import { numberValue } from '../../../grammar/src/index';
import { analyze } from '../engine';
import { hexGrouped } from '../model/intervals';
import { formatResolution, type Access, type Programmed, type Resolution } from '../model/translation';
import type { Device, Diagnostic } from '../model/types';
import { didYouMean } from '../../../grammar/src/spelling';
import { escapeControl } from './terminal';

export const TRANSLATE_HELP = `usage: iommu-check translate FILE DEVICE ADDR [--pasid N] [--read|--write] [--format text|json]

Resolve ADDR, as emitted by DEVICE, through the configuration FILE: the MSI window, the domain
(the PASID's with --pasid, else the device's RID domain), stage 1 and stage 2, and print every
hop and the end (a physical address and what is there, or the fault and why). The access is a
write unless --read is given. Numbers are written as in the language: 0x8000_0000, 4096, 0b1010,
with an optional K/M/G/T/P suffix. When FILE has errors, a warning says so on standard error:
the chain is computed all the same, but the kernel would not get that far. In a dma or dma-fq
domain the kernel maps buffers on demand, so only explicit maps are known; a note says so.

--format json prints one object: device, pasid, access, address, domain, hops (stage, domain,
input, output, via, text), end (address: pa, irqchip, interrupt; fault: cause, stage, domain,
at, reason), msi (how the device's MSI address is programmed) and the file's error and warning
counts. Addresses are hex strings.

exit status:
  0  the address translates (to memory or to a doorbell)
  1  the translation ends in a fault
  2  usage error: missing or bad arguments, unreadable FILE, unknown DEVICE, bad number`;

const PREFIX = 'iommu-check translate';

function parseNumber(text: string): bigint | string {
  const v = numberValue(text);
  if (v === undefined) return `'${text}' is not a number (write e.g. 0x8000040, 4096, 1M)`;
  if (v === null) return `'${text}' does not fit in 64 bits`;
  return v;
}

export interface TranslateOptions {
  /** Relative FILE paths are resolved against it (default: the process's). */
  cwd?: string;
  /** Warnings (standard error); default: `out`. */
  warn?: (s: string) => void;
}

const hexOf = (v: bigint) => hexGrouped(v);

/** The resolution as the JSON of `--format json` (addresses as hex strings). */
export function resolutionJson(r: Resolution, msi: Programmed | null, diags: Diagnostic[]) {
  const end =
    r.end.kind === 'address'
      ? { kind: 'address' as const, pa: hexOf(r.end.pa), irqchip: r.end.irqchip?.name ?? null, interrupt: r.end.interrupt }
      : { kind: 'fault' as const, cause: r.end.cause, stage: r.end.stage, domain: r.end.domain?.name ?? null, at: hexOf(r.end.at), reason: r.end.reason };
  return {
    device: r.device.name,
    pasid: r.pasid === null ? null : Number(r.pasid),
    access: r.access,
    address: hexOf(r.address),
    domain: r.domain ? { name: r.domain.name, type: r.domain.type } : null,
    hops: r.hops.map((h) => ({
      stage: h.stage,
      domain: h.domain?.name ?? null,
      input: hexOf(h.input),
      output: hexOf(h.output),
      via: typeof h.via === 'string' ? h.via : 'map',
      text: h.text,
    })),
    end,
    msi: msi ? { kind: msi.kind, ...(msi.kind === 'address' ? { address: hexOf(msi.address) } : {}), how: msi.how } : null,
    file: {
      errors: diags.filter((d) => d.severity === 'error').length,
      warnings: diags.filter((d) => d.severity === 'warning').length,
    },
  };
}

/** What the hover says of a device in a domain whose IOVAs the kernel allocates. */
function dmaNote(r: Resolution, msi: Programmed | null): string | null {
  const dom = r.domain;
  if (!dom || (dom.type !== 'dma' && dom.type !== 'dma-fq')) return null;
  const msiText = msi?.kind === 'kernel' ? `; its MSI doorbell is mapped at an IOVA the kernel allocates (${msi.how})` : '';
  return `note: '${dom.name}' is a ${dom.type} domain: the kernel maps buffers on demand (dma_map_*), so only its explicit maps are known here${msiText}`;
}

function deviceOf(sym: { kind: string } | undefined): Device | null {
  return sym && sym.kind === 'device' ? (sym as unknown as Device) : null;
}

/** Run the subcommand; `args` are the words after `translate`. Returns the exit status. */
export function runTranslate(args: string[], out: (s: string) => void, opts: TranslateOptions = {}): number {
  const positional: string[] = [];
  let pasid: bigint | null = null;
  let access: Access = 'write';
  let format: 'text' | 'json' = 'text';
  const warn = opts.warn ?? out;
  const fail = (msg: string): number => {
    out(`${PREFIX}: ${escapeControl(msg, { newlines: true })}`);
    return 2;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--read') access = 'read';
    else if (a === '--write') access = 'write';
    else if (a === '--pasid' || a.startsWith('--pasid=')) {
      const v = a === '--pasid' ? args[++i] : a.slice('--pasid='.length);
      if (v === undefined || v === '') return fail('--pasid needs a number');
      const n = parseNumber(v);
      if (typeof n === 'string') return fail(`bad PASID: ${n}`);
      pasid = n;
    } else if (a === '--format' || a.startsWith('--format=')) {
      const v = a === '--format' ? args[++i] : a.slice('--format='.length);
      if (v !== 'text' && v !== 'json') return fail(`--format: '${v ?? ''}' is not one of text, json${didYouMean(v ?? '', ['text', 'json'])}`);
      format = v;
    } else if (a === '--help' || a === '-h') {
      for (const line of TRANSLATE_HELP.split('\n')) out(line);
      return 0;
    } else if (a.startsWith('-') && a.length > 1 && !/^-?\d/.test(a))
      return fail(`unknown option '${a}'${didYouMean(a, ['--pasid', '--read', '--write', '--format', '--help'])} (usage: iommu-check translate FILE DEVICE ADDR [--pasid N] [--read|--write] [--format text|json])`);
    else positional.push(a);
  }
  if (positional.length !== 3) return fail(`expected FILE DEVICE ADDR, got ${positional.length} argument${positional.length === 1 ? '' : 's'} (usage: iommu-check translate FILE DEVICE ADDR [--pasid N] [--read|--write])`);
  const [file, deviceName, addrText] = positional as [string, string, string];
  const address = parseNumber(addrText);
  if (typeof address === 'string') return fail(`bad address: ${address}`);
  const analysis = analyze(path.resolve(opts.cwd ?? process.cwd(), file));
  if (!analysis) return fail(`cannot read ${file}`);
  const sym = analysis.config.symbols.get(deviceName);
  const device = deviceOf(sym);
  if (!device) {
    const known = analysis.config.devices.map((d) => d.name);
    const hint = sym ? '' : didYouMean(deviceName, known);
    return fail(
      `no device named '${deviceName}' in ${file}${sym ? ` ('${deviceName}' is ${sym.kind === 'iommu' ? 'an' : 'a'} ${sym.kind})` : ''}${hint}${known.length && !hint ? `; devices: ${known.join(', ')}` : ''}`,
    );
  }
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    const p = first.loc.file.lines.position(first.loc.span.start);
    const where = `${path.relative(opts.cwd ?? process.cwd(), first.loc.file.path) || path.basename(first.loc.file.path)}:${p.line + 1}:${p.character + 1}`;
    warn(
      `${PREFIX}: warning: ${file} has ${errors.length} error${errors.length === 1 ? '' : 's'} (first: ${where}: ${first.code}); the kernel would refuse this configuration, so the chain below may never be set up`
        .replace(/[\x00-\x1f\x7f]/g, (c) => escapeControl(c, { newlines: true })),
    );
  }
  const r = analysis.tx.resolve(device, pasid, address, access);
  const msi = device.msi ? analysis.tx.programmedAddress(device) : null;
  if (format === 'json') out(JSON.stringify(resolutionJson(r, msi, analysis.diagnostics), null, 2));
  else {
    for (const line of formatResolution(r)) out(line);
    const note = dmaNote(r, msi);
    if (note) out(note);
  }
  return r.end.kind === 'fault' ? 1 : 0;
}

