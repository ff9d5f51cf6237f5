// Arm SMMU (v1/v2, MMU-500) faults as drivers/iommu/arm/arm-smmu/arm-smmu.c prints them:
//   context faults (`arm_smmu_context_fault`, `arm_smmu_print_context_fault_info` since v6.11):
//     arm-smmu 2b400000.iommu: Unhandled context fault: fsr=0x402, iova=0x12345000, fsynr=0x1b0013, cbfrsynra=0x100, cb=3
//     arm-smmu 2b400000.iommu: FSR    = 00000402 [Format=2 TF], SID=0x100            (v6.11+, part of the report)
//     arm-smmu 2b400000.iommu: FSYNR0 = 001b0013 [S1CBNDX=27 WNR PLVL=3]
//   older kernels: `… fsr=0x402, iova=0x…, fsynr=0x…, cb=3` (no cbfrsynra, before v5.2), and
//   before v4.x `Unhandled context fault: iova=0x…, fsynr=0x…`.
//   global faults (`arm_smmu_global_fault`):
//     arm-smmu 2b400000.iommu: Blocked unknown Stream ID 0x100; boot with "arm-smmu.disable_bypass=0" to allow, but this may have security implications
//     arm-smmu 2b400000.iommu: Unexpected global fault, this could be serious
//     arm-smmu 2b400000.iommu: 	GFSR 0x80000002, GFSYNR0 0x00000000, GFSYNR1 0x00000100, GFSYNR2 0x00000000
// FSR bits (SMMU architecture, ARM_SMMU_CB_FSR): TF[1] translation, AFF[2] access flag, PF[3]
// permission, EF[4] external, TLBMCF[5], TLBLKF[6], ASF[7] address size, UUT[8], SS[30], MULTI[31].
// FSYNR0: WNR[4] write, PNU[5], IND[6]. CBFRSYNRA[15:0] and GFSYNR1[15:0]: the StreamID.

import type { FaultEvent, FaultKind } from './event';
import { parseHex } from './event';
import type { LogLine } from './logLine';
import type { DriverParser, ParseStep } from './parser';

const PREFIX = /^(arm-smmu|arm_smmu|qcom-smmu|arm-smmu-\S+?) (\S+?): (.*)$/s;
const CONTEXT_FAULT = /^Unhandled context fault: /;
const FIELD = /(\w+)=(\S*?)(?:,|\s|$)/g;

/** The fields of a context-fault line; null without iova and fsynr, or with a field that is not a number. */
function contextFields(rest: string) {
  const text = new Map<string, string>();
  for (const m of rest.slice('Unhandled context fault: '.length).matchAll(FIELD)) text.set(m[1]!.toLowerCase(), m[2]!);
  const num = (k: string): bigint | null | undefined => {
    const v = text.get(k);
    if (v === undefined) return undefined;
    return /^\d+$/.test(v) && k === 'cb' ? BigInt(v) : parseHex(v);
  };
  const [fsr, iova, fsynr, cbfrsynra, cb] = ['fsr', 'iova', 'fsynr', 'cbfrsynra', 'cb'].map(num);
  if (iova == null || fsynr == null || fsr === null || cbfrsynra === null || cb === null) return null;
  if (!/^0x/i.test(text.get('iova')!)) return null;
  return { fsr: fsr === undefined ? null : Number(fsr), address: iova, fsynr: Number(fsynr), cbfrsynra: cbfrsynra === undefined ? null : Number(cbfrsynra), cb: cb === undefined ? null : Number(cb), text };
}
const BLOCKED = /^Blocked unknown Stream ID (0x[0-9a-f]+);/i;
const GFSR = /^(?:\s|\\x09|\\t)*GFSR (0x[0-9a-f]+), GFSYNR0 (0x[0-9a-f]+), GFSYNR1 (0x[0-9a-f]+), GFSYNR2 (0x[0-9a-f]+)\s*$/i;

const FSR_BITS: readonly [number, string][] = [
  [1 << 1, 'TF'],
  [1 << 2, 'AFF'],
  [1 << 3, 'PF'],
  [1 << 4, 'EF'],
  [1 << 5, 'TLBMCF'],
  [1 << 6, 'TLBLKF'],
  [1 << 7, 'ASF'],
  [1 << 8, 'UUT'],
  [1 << 30, 'SS'],
];

export function fsrNames(fsr: number): string[] {
  const out = FSR_BITS.filter(([b]) => (fsr & b) !== 0).map(([, n]) => n);
  if (fsr & 0x80000000) out.push('MULTI');
  return out;
}

function kindOf(fsr: number | null): FaultKind {
  if (fsr === null) return 'translation';
  if (fsr & (1 << 7)) return 'address-size';
  if (fsr & (1 << 3)) return 'permission';
  if (fsr & (1 << 2)) return 'access-flag';
  if (fsr & (1 << 1)) return 'translation';
  if (fsr & (1 << 4) || fsr & (1 << 5) || fsr & (1 << 6)) return 'hardware';
  return 'other';
}

function base(l: LogLine, last: number, instance: string): Pick<FaultEvent, 'driver' | 'instance' | 'lines' | 'columns' | 'ipa' | 'stage'> {
  return { driver: 'smmuv2', instance, ipa: null, stage: null, lines: { first: l.line, last }, columns: { start: Math.max(0, l.column), end: l.length } };
}

function parse(lines: readonly LogLine[], i: number): ParseStep {
  const l = lines[i]!;
  const p = PREFIX.exec(l.message)!;
  const instance = p[2]!;
  const rest = p[3]!;
  if (/^(?:FSR|FSYNR0|FSYNR1)\s+= /.test(rest) || /^Unexpected global fault/.test(rest) || /callbacks suppressed/.test(rest)) {
    // the v6.11 register decode after a context fault, and the global-fault headline whose GFSR line follows
    if (/^Unexpected global fault/.test(rest)) {
      const g = lines[i + 1] ? PREFIX.exec(lines[i + 1]!.message) : null;
      const m = g && g[2] === instance ? GFSR.exec(g[3]!) : null;
      if (m) return globalFault(l, lines[i + 1]!.line, instance, m, null);
    }
    return { kind: 'context', consumed: 1 };
  }
  if (CONTEXT_FAULT.test(rest)) {
    // `key=value` pairs in any order (vendor kernels reorder them); iova and fsynr are required
    const f = contextFields(rest);
    if (!f) return { kind: 'unrecognised', why: 'a context fault without iova and fsynr, or with a field that is not a number', consumed: 1 };
    const { fsr, address, fsynr, cbfrsynra, cb, text } = f;
    const write = (fsynr & (1 << 4)) !== 0;
    const names = fsr !== null ? fsrNames(fsr) : [];
    return {
      kind: 'event',
      consumed: 1,
      event: {
        ...base(l, l.line, instance),
        name: 'context fault',
        kind: kindOf(fsr),
        requester: cbfrsynra !== null ? { kind: 'stream', sid: cbfrsynra & 0xffff, smmu: instance, client: null } : null,
        address,
        access: write ? 'write' : 'read',
        pasid: null,
        reason: `${fsr !== null ? `fsr ${text.get('fsr')} [${names.join(' ') || 'none'}]` : 'context fault'}, ${write ? 'write' : 'read'}${cb !== null ? `, context bank ${cb}` : ''}`,
        detail: { fsr: text.get('fsr') ?? null, fsrNames: names.join(' '), fsynr: text.get('fsynr')!, cbfrsynra: text.get('cbfrsynra') ?? null, cb },
      },
    };
  }
  const b = BLOCKED.exec(rest);
  if (b) {
    const g = lines[i + 1] ? PREFIX.exec(lines[i + 1]!.message) : null;
    const m = g && g[2] === instance ? GFSR.exec(g[3]!) : null;
    return globalFault(l, m ? lines[i + 1]!.line : l.line, instance, m, Number(parseHex(b[1]!) ?? 0n) & 0xffff);
  }
  if (GFSR.test(rest)) return { kind: 'unrecognised', why: 'a GFSR line whose global-fault headline is missing', consumed: 1 };
  return { kind: 'unrecognised', why: 'an Arm SMMU fault line that does not parse', consumed: 1 };
}

function globalFault(l: LogLine, last: number, instance: string, m: RegExpExecArray | null, blockedSid: number | null): ParseStep {
  const gfsr = m ? Number(parseHex(m[1]!)) : null;
  const sid = blockedSid ?? (m ? Number(parseHex(m[3]!) ?? 0n) & 0xffff : null);
  const usf = gfsr !== null && (gfsr & 0x2) !== 0;
  return {
    kind: 'event',
    consumed: last - l.line + 1,
    event: {
      ...base(l, last, instance),
      name: blockedSid !== null || usf ? 'unknown Stream ID' : 'global fault',
      kind: 'context',
      requester: sid !== null ? { kind: 'stream', sid, smmu: instance, client: null } : null,
      address: null,
      access: null,
      pasid: null,
      reason: blockedSid !== null || usf ? 'the stream matched no stream-mapping entry (GFSR.USF): no device was set up with this StreamID' : `global fault${m ? `, GFSR ${m[1]}` : ''}`,
      detail: { gfsr: m ? m[1]! : null, gfsynr0: m ? m[2]! : null, gfsynr1: m ? m[3]! : null, gfsynr2: m ? m[4]! : null },
    },
  };
}

export const SMMUV2_PARSER: DriverParser = {
  driver: 'smmuv2',
  claims(message) {
    const p = PREFIX.exec(message);
    if (!p || p[1]!.startsWith('arm-smmu-v3')) return false;
    return /^(?:Unhandled context fault|Blocked unknown Stream ID|Unexpected global fault|(?:\s|\\x09|\\t)*GFSR 0x|(?:FSR|FSYNR0|FSYNR1)\s+= )/.test(p[3]!);
  },
  parse,
};
