// `iommu-check map FILE [--domain NAME | --device NAME] [--format text|svg] [--output F]`: the
// address map of a domain or a device, as text or as a self-contained SVG.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../engine';
import { buildAddressMap, buildAddressMaps } from '../ide/addressMap/build';
import { findSubjects, type SubjectQuery } from '../ide/addressMap/subject';
import { addressMapSvg } from '../ide/addressMap/svg';
import { addressMapText } from '../ide/addressMap/text';
import { displayPath, fsReason, UsageError, type CliIo } from './io';
import { readArgs } from './options';

export const MAP_HELP = `Usage: iommu-check map FILE [--domain NAME | --device NAME] [--format text|svg] [--output F]

Draws the address map of a domain, or of a device (its RID domain and its PASID domains): one
lane per address space (IOVA, or guest IOVA, IPA and PA for a nested domain), every map and
implicit map (SW_MSI doorbell slots, msi-bind, rmr identity maps) with an arrow to where it
lands, reserved regions by type, doorbell pages (reached, mapped, unmapped), the device's MSI
address and where a write to it ends, the aperture (2^ias) and output range (2^oas), and every
diagnostic on the band it is about. Long empty stretches are collapsed. Without --domain or
--device: every declared domain.

  --format text|svg   text (default) or a self-contained SVG (default when --output ends in .svg)
  --output F          write to F instead of standard output

Exit status: 0 drawn; 2 usage error, unreadable FILE, or no such domain or device.
`;

const FORMATS = ['text', 'svg'] as const;

export function runMap(argv: readonly string[], io: CliIo): number {
  const read = readArgs('map', argv, { values: ['--domain', '--device', '--format', '--output'], short: { '-o': '--output' } });
  if (read.help) {
    io.stdout(MAP_HELP);
    return 0;
  }
  const files = [...read.operands, ...(read.rest ?? [])];
  let query: SubjectQuery = { all: true };
  let named = false;
  let format: 'text' | 'svg' | null = null;
  let output: string | null = null;
  for (const { name, value } of read.options) {
    switch (name) {
      case '--domain':
      case '--device':
        if (named) throw new UsageError('map: give one --domain or one --device');
        named = true;
        query = name === '--domain' ? { domain: value } : { device: value };
        break;
      case '--format':
        if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(`map: --format '${value}' is not one of ${FORMATS.join(', ')}`);
        format = value as 'text' | 'svg';
        break;
      default:
        output = value;
    }
  }
  if (files.length !== 1) throw new UsageError(`map takes one FILE, got ${files.length} (usage: iommu-check map FILE [--domain NAME | --device NAME] [--format text|svg])`);
  const file = files[0]!;
  const abs = path.resolve(io.cwd, file);
  try {
    if (fs.statSync(abs).isDirectory()) throw new UsageError(`map: ${file} is a directory; give one .iommu file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`map: cannot read ${file}: ${fsReason(e)}`);
  }
  const analysis = analyze(abs);
  if (!analysis) throw new UsageError(`map: cannot read ${file}`);
  const subjects = findSubjects(analysis, query);
  if (typeof subjects === 'string') throw new UsageError(`map: ${subjects} in ${file}`);
  const map = subjects.length === 1 && !('all' in query) ? buildAddressMap(analysis, subjects[0]!) : buildAddressMaps(analysis, subjects, path.basename(file));
  const fmt = format ?? (output?.toLowerCase().endsWith('.svg') ? 'svg' : 'text');
  // the file names the sources relative to the working directory, as the CLI's reports do
  const text = fmt === 'svg' ? addressMapSvg(map, (p) => displayPath(io.cwd, p)) : addressMapText(map);
  if (output === null) io.stdout(text);
  else
    try {
      fs.writeFileSync(path.resolve(io.cwd, output), text);
    } catch (e) {
      throw new UsageError(`map: cannot write ${output}: ${fsReason(e)}`);
    }
  return 0;
}
