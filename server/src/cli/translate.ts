// `iommu-check translate FILE DEVICE ADDR [--pasid N] [--read|--write]`: resolve one address of
// one device through the translation model and print the chain hop by hop (the text hover shows).

import * as path from 'node:path';
import { numberValue } from '../../../grammar/src/index';
import { analyze } from '../engine';
import { formatResolution, type Access } from '../model/translation';

export const TRANSLATE_HELP = `usage: iommu-check translate FILE DEVICE ADDR [--pasid N] [--read|--write]

Resolve ADDR, as emitted by DEVICE, through the configuration FILE: the MSI window, the domain
(the PASID's with --pasid, else the device's RID domain), stage 1 and stage 2, and print every
hop and the end (a physical address and what is there, or the fault and why). The access is a
write unless --read is given. Numbers are written as in the language: 0x8000_0000, 4096, 0b1010,
with an optional K/M/G/T/P suffix.

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

/** Run the subcommand; `args` are the words after `translate`. Returns the exit status. */
export function runTranslate(args: string[], out: (s: string) => void): number {
  const positional: string[] = [];
  let pasid: bigint | null = null;
  let access: Access = 'write';
  const fail = (msg: string): number => {
    out(`${PREFIX}: ${msg}`);
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
    } else if (a === '--help' || a === '-h') {
      for (const line of TRANSLATE_HELP.split('\n')) out(line);
      return 0;
    } else if (a.startsWith('-') && a.length > 1 && !/^-?\d/.test(a)) return fail(`unknown option '${a}' (usage: iommu-check translate FILE DEVICE ADDR [--pasid N] [--read|--write])`);
    else positional.push(a);
  }
  if (positional.length !== 3) return fail(`expected FILE DEVICE ADDR, got ${positional.length} argument${positional.length === 1 ? '' : 's'} (usage: iommu-check translate FILE DEVICE ADDR [--pasid N] [--read|--write])`);
  const [file, deviceName, addrText] = positional as [string, string, string];
  const address = parseNumber(addrText);
  if (typeof address === 'string') return fail(`bad address: ${address}`);
  const analysis = analyze(path.resolve(file));
  if (!analysis) return fail(`cannot read ${file}`);
  const sym = analysis.config.symbols.get(deviceName);
  if (!sym || sym.kind !== 'device') {
    const known = analysis.config.devices.map((d) => d.name);
    return fail(`no device named '${deviceName}' in ${file}${sym ? ` ('${deviceName}' is ${sym.kind === 'iommu' ? 'an' : 'a'} ${sym.kind})` : ''}${known.length ? `; devices: ${known.join(', ')}` : ''}`);
  }
  const r = analysis.tx.resolve(sym, pasid, address, access);
  for (const line of formatResolution(r)) out(line);
  return r.end.kind === 'fault' ? 1 : 0;
}

