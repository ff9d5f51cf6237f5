// Intel VT-d fault records as `dmar_fault_do_one` (drivers/iommu/intel/dmar.c) prints them:
//   v5.17+:      DMAR: [DMA Read NO_PASID] Request device [01:00.0] fault addr 0xfee00000 [fault reason 0x06] PTE Read access is not set
//                DMAR: [DMA Write PASID 0x5] Request device [01:00.0] fault addr 0x… [fault reason 0x85] SM: No write permission …
//                DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 0x2 [fault reason 0x22] Present field in the IRTE entry is clear
//   v5.14–5.16:  the same with `[0x01:0x00.0]`
//   v5.0–5.13:   DMAR: [DMA Read] Request device [01:00.0] PASID ffffffff fault addr fee00000 [fault reason 06] PTE Read access is not set
//   v4.x:        DMAR: [DMA Read] Request device [01:00.0] fault addr fee00000 [fault reason 06] PTE Read access is not set
//   v3.x and before, one printk over two lines:
//                DMAR:[DMA Write] Request device [00:02.0] fault addr 7e000
//                DMAR:[fault reason 05] PTE Write access is not set
//                INTR-REMAP: Request device [[f0:1f.0] fault index 2
//                INTR-REMAP:[fault reason 34] Present field in the IRTE entry is clear
// Before v5.14 the reason was printed in decimal (`%02d`), since then as `0x%02x`. A pasid of
// ffffffff (v5.0–5.13) means the request had none. `DRHD: handling fault status reg N` and the
// page-table dump that follows a fault (`dmar_fault_dump_ptes`) are part of the report.

import type { FaultEvent, FaultKind } from './event';
import { parseBdf, parseHex } from './event';
import type { LogLine } from './logLine';
import type { DriverParser, ParseStep } from './parser';

const PREFIX = /^(?:(?:dmar|DMAR)(?:\d+|-IR)?: ?)+/;
const DMA = /^\[(DMA Read|DMA Write)(?: (NO_PASID|PASID (?:0x)?([0-9a-f]+)))?\] Request device \[([0-9a-fx:.]+)\](?: PASID ([0-9a-f]+))? fault addr (?:0x)?([0-9a-f]+)(?: \[fault reason (0x)?([0-9a-f]+)(h?)\] ?(.*))?\s*$/i;
const INTR = /^(?:\[INTR-REMAP\]|INTR-REMAP:) Request device \[\[?([0-9a-fx:.]+)\] fault index (?:0x)?([0-9a-f]+)(?: \[fault reason (0x)?([0-9a-f]+)(h?)\] ?(.*))?\s*$/i;
const REASON_LINE = /^(?:(?:dmar|DMAR)\d*: ?|INTR-REMAP: ?)*\[fault reason (0x)?([0-9a-f]+)(h?)\] ?(.*)$/;
const CONTEXT = /^(?:DRHD: handling fault status reg|Dump \S+ table entries for IOVA|(?:scalable mode )?root entry:|context entry:|pasid (?:dir|table) entry|pte level:|PTE not present at level|.*callbacks suppressed)/;

/** The reason code: hex when written `0x..` or `..h`, decimal otherwise (kernels before v5.14). */
function reasonCode(prefix0x: string | undefined, digits: string, hSuffix: string | undefined): number | null {
  const hex = Boolean(prefix0x) || Boolean(hSuffix);
  if (!hex && !/^\d+$/.test(digits)) return null;
  return parseInt(digits, hex ? 16 : 10);
}

/**
 * What a VT-d fault reason means (VT-d specification, chapter 7 fault reasons; the strings of
 * `dma_remap_fault_reasons` and `dma_remap_sm_fault_reasons`). Legacy reasons 5 and 6 are what
 * an absent page gives too (a not-present entry has neither R nor W): only the model can tell a
 * missing map from a read-only one.
 */
export function vtdReasonKind(code: number): { kind: FaultKind; level: 'first' | 'second' | null } {
  if (code === 0x04) return { kind: 'address-size', level: null };
  if (code === 0x05 || code === 0x06) return { kind: 'translation', level: null };
  if (code <= 0x0d) return { kind: code === 0x0c || code === 0x07 ? 'other' : 'context', level: null };
  if (code >= 0x20 && code <= 0x26) return { kind: 'interrupt', level: null };
  if (code >= 0x30 && code <= 0x5f) return { kind: 'context', level: null };
  if (code === 0x70 || code === 0x72 || code === 0x73) return { kind: 'other', level: 'first' };
  if (code === 0x71) return { kind: 'translation', level: 'first' };
  if (code === 0x74 || code === 0x80) return { kind: 'address-size', level: 'first' };
  if (code >= 0x75 && code <= 0x77) return { kind: 'permission', level: 'first' };
  if (code === 0x79) return { kind: 'permission', level: 'second' };
  if (code === 0x78 || (code >= 0x7a && code <= 0x7c)) return { kind: 'other', level: 'second' };
  if (code === 0x81 || code === 0x82) return { kind: 'permission', level: 'first' };
  if (code === 0x83) return { kind: 'address-size', level: null };
  if (code === 0x84) return { kind: 'address-size', level: 'second' };
  if (code === 0x85 || code === 0x86) return { kind: 'permission', level: null };
  return { kind: 'other', level: null };
}

function strip(message: string): string {
  const m = PREFIX.exec(message);
  return m ? message.slice(m[0].length) : message;
}

function event(l: LogLine, last: number, fields: Omit<FaultEvent, 'driver' | 'lines' | 'columns' | 'ipa' | 'stage' | 'instance'>): FaultEvent {
  return {
    driver: 'vtd',
    ipa: null,
    stage: null,
    instance: null,
    ...fields,
    lines: { first: l.line, last },
    columns: { start: Math.max(0, l.column), end: l.length },
  };
}

/**
 * The reason of a record: on its own line (`[fault reason …] text`: the 0x, the digits, an `h`,
 * the text), else on the next (v3.x); null when neither has one.
 */
function reasonOf(lines: readonly LogLine[], i: number, inline: (string | undefined)[]): { code: number | null; text: string; consumed: number } | null {
  const [ox, digits, h, text] = inline;
  if (digits !== undefined) return { code: reasonCode(ox, digits, h), text: (text ?? '').trim(), consumed: 1 };
  const next = nextReason(lines, i);
  return next ? { ...next, consumed: 2 } : null;
}

/** The reason of a two-line record (v3.x), when the next line carries it. */
function nextReason(lines: readonly LogLine[], i: number): { code: number | null; text: string } | null {
  const next = lines[i + 1];
  if (!next) return null;
  const m = REASON_LINE.exec(next.message);
  if (!m) return null;
  return { code: reasonCode(m[1], m[2]!, m[3]), text: m[4]!.trim() };
}

function parse(lines: readonly LogLine[], i: number): ParseStep {
  const l = lines[i]!;
  const text = strip(l.message);
  if (CONTEXT.test(text)) return { kind: 'context', consumed: 1 };
  const d = DMA.exec(text);
  if (d) {
    const bdf = parseBdf(d[4]!.replace(/0x/gi, ''));
    const address = parseHex(d[6]!);
    if (!bdf || address === null) return { kind: 'unrecognised', why: 'the requester or the address does not parse', consumed: 1 };
    const reason = reasonOf(lines, i, d.slice(7, 11));
    if (!reason) return { kind: 'unrecognised', why: 'the fault record is cut short: no [fault reason] follows', consumed: 1 };
    const { code, text: reasonText, consumed } = reason;
    const pasidText = d[3] ?? d[5];
    const pasidValue = pasidText !== undefined ? parseInt(pasidText, 16) : null;
    const pasid = pasidValue === null || pasidValue === 0xffffffff || Number.isNaN(pasidValue) ? null : pasidValue;
    const { kind, level } = code !== null ? vtdReasonKind(code) : { kind: 'other' as FaultKind, level: null };
    return {
      kind: 'event',
      consumed,
      event: event(l, l.line + consumed - 1, {
        name: d[1]!,
        kind,
        requester: { kind: 'pci', bdf },
        address,
        access: d[1] === 'DMA Read' ? 'read' : 'write',
        pasid,
        reason: `fault reason ${code !== null ? '0x' + code.toString(16).padStart(2, '0') : '?'}${reasonText ? ` (${reasonText})` : ''}`,
        detail: { reasonCode: code, reasonText, level, pasidPrinted: pasidText ?? null },
      }),
    };
  }
  const r = INTR.exec(text);
  if (r) {
    const bdf = parseBdf(r[1]!.replace(/0x/gi, ''));
    const index = parseHex(r[2]!);
    if (!bdf || index === null) return { kind: 'unrecognised', why: 'the requester or the index does not parse', consumed: 1 };
    const reason = reasonOf(lines, i, r.slice(3, 7));
    if (!reason) return { kind: 'unrecognised', why: 'the interrupt-remapping record is cut short: no [fault reason] follows', consumed: 1 };
    const { code, text: reasonText, consumed } = reason;
    return {
      kind: 'event',
      consumed,
      event: event(l, l.line + consumed - 1, {
        name: 'INTR-REMAP',
        kind: 'interrupt',
        requester: { kind: 'pci', bdf },
        address: null,
        access: 'write',
        pasid: null,
        reason: `fault reason ${code !== null ? '0x' + code.toString(16).padStart(2, '0') : '?'}${reasonText ? ` (${reasonText})` : ''}`,
        detail: { reasonCode: code, reasonText, irteIndex: '0x' + index.toString(16) },
      }),
    };
  }
  // a lone reason line whose record line is missing (cut out of the excerpt)
  return { kind: 'unrecognised', why: /^\[fault reason/.test(text) ? 'a fault reason without its record line' : 'a VT-d fault line that does not parse', consumed: 1 };
}

export const VTD_PARSER: DriverParser = {
  driver: 'vtd',
  claims(message) {
    if (!message.includes('Request device [') && !message.includes('[fault reason') && !message.includes('DRHD: handling fault')) return false;
    return /^(?:(?:dmar|DMAR)(?:\d+|-IR)?: ?|INTR-REMAP|\[INTR-REMAP\]|\[DMA (?:Read|Write)|DRHD:)/.test(message);
  },
  parse,
};
