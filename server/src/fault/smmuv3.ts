// Arm SMMUv3 event-queue records as drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c prints them
// (`arm_smmu_dump_raw_event`, `arm_smmu_dump_event`), all with the SMMU's dev_err prefix:
//   arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:
//   arm-smmu-v3 arm-smmu-v3.0.auto: 	0x0000010000000010      the four 64-bit words of the record
//   arm-smmu-v3 arm-smmu-v3.0.auto: 	0x0000020880000000
//   arm-smmu-v3 arm-smmu-v3.0.auto: 	0x0000000008000040
//   arm-smmu-v3 arm-smmu-v3.0.auto: 	0x0000000000000000
// and, in recent kernels, the decoded record after them:
//   arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0x8000040 ipa: 0
//   arm-smmu-v3 arm-smmu-v3.0.auto: unpriv data write s1 "Input address caused fault" stag: 0
// (fetch faults print `fetch_addr:` instead of `iova: … ipa:`, other events only client, sid and
// ssid; `%#x` prints zero as `0`). Older kernels print only the raw words (dev_info before
// v4.x), so the record is decoded here per the SMMUv3 event-record layout (the kernel's
// EVTQ_* fields): word 0 ID[7:0] SSV[11] SSID[31:12] SID[63:32]; word 1 STAG[15:0] STALL[31]
// PnU[33] InD[34] RnW[35] S2[39] CLASS[41:40] TT_READ[44]; word 2 the input address; word 3
// IPA[51:12] (FETCH_ADDR[51:3] for fetch faults).
// Stage-1 faults of a device with a vIOMMU (iommufd nesting) are handed to the VMM
// (`arm_vmaster_report_event`) and printed only when that fails.

import type { FaultEvent, FaultKind, Requester } from './event';
import { parseBdf, parseHex } from './event';
import type { LogLine } from './logLine';
import type { DriverParser, ParseStep } from './parser';

/** Event IDs of the SMMUv3 architecture (the kernel names those it decodes the same way). */
export const SMMUV3_EVENTS: Readonly<Record<number, { name: string; kind: FaultKind }>> = {
  0x01: { name: 'F_UUT', kind: 'other' },
  0x02: { name: 'C_BAD_STREAMID', kind: 'context' },
  0x03: { name: 'F_STE_FETCH', kind: 'context' },
  0x04: { name: 'C_BAD_STE', kind: 'context' },
  0x05: { name: 'F_BAD_ATS_TREQ', kind: 'other' },
  0x06: { name: 'F_STREAM_DISABLED', kind: 'context' },
  0x07: { name: 'F_TRANSL_FORBIDDEN', kind: 'other' },
  0x08: { name: 'C_BAD_SUBSTREAMID', kind: 'context' },
  0x09: { name: 'F_CD_FETCH', kind: 'context' },
  0x0a: { name: 'C_BAD_CD', kind: 'context' },
  0x0b: { name: 'F_WALK_EABT', kind: 'hardware' },
  0x10: { name: 'F_TRANSLATION', kind: 'translation' },
  0x11: { name: 'F_ADDR_SIZE', kind: 'address-size' },
  0x12: { name: 'F_ACCESS', kind: 'access-flag' },
  0x13: { name: 'F_PERMISSION', kind: 'permission' },
  0x20: { name: 'F_TLB_CONFLICT', kind: 'hardware' },
  0x21: { name: 'F_CFG_CONFLICT', kind: 'hardware' },
  0x24: { name: 'E_PAGE_REQUEST', kind: 'other' },
  0x25: { name: 'F_VMS_FETCH', kind: 'hardware' },
};

const CLASS_NAMES = ['CD fetch', 'Stage 1 translation table fetch', 'Input address caused fault', 'Reserved'];
/** Events whose record carries an input address and IPA (the kernel's translation-fault group). */
const ADDRESSED = new Set([0x10, 0x11, 0x12, 0x13]);

const SMMU_PREFIX = /^(arm-smmu-v3|arm_smmu_v3|arm-smmu-v3-\S+) (\S+?): (.*)$/s;
const RECEIVED = /^event 0x([0-9a-f]{1,2}) received:\s*$/i;
// a tab before the word; /dev/kmsg writes it escaped as \x09
const WORD = /^(?:\s|\\x09|\\t)*0x([0-9a-f]{16})\s*$/i;
const DECODED = /^event: (\S+) client: (.+?) sid: (0x[0-9a-f]+|0) ssid: (0x[0-9a-f]+|0)(?: iova: (0x[0-9a-f]+|0) ipa: (0x[0-9a-f]+|0)| fetch_addr: (0x[0-9a-f]+|0))?\s*$/i;
const FLAGS_LINE = /^(priv|unpriv) (inst|data) (read|write) (s1|s2) "([^"]*)"((?: ttd_read| ttd_write)?)((?: stall)?) stag: (0x[0-9a-f]+|0)\s*$/;

function smmuLine(l: LogLine | undefined, instance?: string): { instance: string; rest: string } | null {
  if (!l) return null;
  const m = SMMU_PREFIX.exec(l.message);
  if (!m) return null;
  if (instance !== undefined && m[2] !== instance) return null;
  return { instance: m[2]!, rest: m[3]! };
}

interface Decoded {
  id: number;
  sid: number;
  ssid: number | null;
  address: bigint | null;
  ipa: bigint | null;
  read: boolean;
  s2: boolean;
  detail: FaultEvent['detail'];
}

/** The fields of a raw 4-word record. */
export function decodeRecord(words: readonly bigint[]): Decoded {
  const [w0 = 0n, w1 = 0n, w2 = 0n, w3 = 0n] = words;
  const bit = (w: bigint, b: number) => ((w >> BigInt(b)) & 1n) === 1n;
  const id = Number(w0 & 0xffn);
  const ssv = bit(w0, 11);
  const ssid = Number((w0 >> 12n) & 0xfffffn);
  const sid = Number((w0 >> 32n) & 0xffffffffn);
  const cls = Number((w1 >> 40n) & 3n);
  const addressed = ADDRESSED.has(id);
  const fetch = id === 0x03 || id === 0x09 || id === 0x25;
  return {
    id,
    sid,
    ssid: ssv ? ssid : null,
    address: addressed ? w2 : null,
    ipa: addressed ? w3 & 0x000f_ffff_ffff_f000n : null,
    read: bit(w1, 35),
    s2: bit(w1, 39),
    detail: {
      stag: '0x' + (w1 & 0xffffn).toString(16),
      stall: bit(w1, 31),
      privileged: bit(w1, 33),
      instruction: bit(w1, 34),
      class: CLASS_NAMES[cls]!,
      ...(fetch ? { fetchAddr: '0x' + (w3 & 0x000f_ffff_ffff_fff8n).toString(16) } : {}),
    },
  };
}

function eventOf(lines: readonly LogLine[], first: number, last: number, instance: string, d: Decoded, client: string | null, named: string | null): FaultEvent {
  const known = SMMUV3_EVENTS[d.id];
  const name = known?.name ?? named ?? `event 0x${d.id.toString(16).padStart(2, '0')}`;
  const kind = known?.kind ?? 'other';
  const clientBdf = client ? parseBdf(client) : null;
  const requester: Requester = clientBdf ? { kind: 'pci', bdf: clientBdf } : { kind: 'stream', sid: d.sid, smmu: instance, client: client && client !== '(unassigned sid)' ? client : null };
  const addressed = d.address !== null;
  const l = lines[first]!;
  return {
    driver: 'smmuv3',
    name,
    kind,
    requester,
    address: d.address,
    ipa: d.s2 && addressed ? d.ipa : null,
    access: addressed ? (d.read ? 'read' : 'write') : null,
    pasid: d.ssid,
    stage: addressed ? (d.s2 ? 'stage-2' : 'stage-1') : null,
    reason: `${name}${addressed ? ` (${d.s2 ? 'stage 2' : 'stage 1'}, ${d.read ? 'read' : 'write'}, ${String(d.detail['class'])})` : ''}`,
    detail: { eventId: '0x' + d.id.toString(16).padStart(2, '0'), sid: '0x' + d.sid.toString(16), client: client ?? null, ...d.detail },
    instance,
    lines: { first: l.line, last: lines[last]!.line },
    columns: { start: Math.max(0, l.column), end: l.length },
  };
}

/** The decoded lines (recent kernels) at `i`, when they follow. */
function decodedAt(lines: readonly LogLine[], i: number, instance: string) {
  const s = smmuLine(lines[i], instance);
  const m = s ? DECODED.exec(s.rest) : null;
  if (!m) return null;
  const f = smmuLine(lines[i + 1], instance);
  const flags = f ? FLAGS_LINE.exec(f.rest) : null;
  return { m, flags, consumed: flags ? 2 : 1 };
}

function parse(lines: readonly LogLine[], i: number): ParseStep {
  const head = smmuLine(lines[i])!;
  const rest = head.rest;
  if (/^EVTQ overflow|^GERROR|^unexpected global error|^(?:PRIQ|EVTQ|CMDQ) (?:MSI )?write aborted|callbacks suppressed/.test(rest)) return { kind: 'context', consumed: 1 };
  const r = RECEIVED.exec(rest);
  if (r) {
    const words: bigint[] = [];
    let j = i + 1;
    while (words.length < 4) {
      const s = smmuLine(lines[j], head.instance);
      const w = s ? WORD.exec(s.rest) : null;
      if (!w) break;
      words.push(BigInt('0x' + w[1]!));
      j++;
    }
    if (words.length < 4) return { kind: 'unrecognised', why: `the event record is cut short: ${words.length} of its 4 words follow`, consumed: 1 + words.length };
    const d = decodeRecord(words);
    if (d.id !== parseInt(r[1]!, 16)) return { kind: 'unrecognised', why: `the record's event ID 0x${d.id.toString(16)} is not the announced 0x${r[1]}`, consumed: 5 };
    let last = j - 1;
    let client: string | null = null;
    // the decoded lines belong to this record only if they name its StreamID (another record's may follow)
    const found = decodedAt(lines, j, head.instance);
    const dec = found && Number(parseHex(found.m[3]!) ?? -1n) === d.sid ? found : null;
    if (dec) {
      client = dec.m[2]!.trim();
      last = j + dec.consumed - 1;
    }
    return { kind: 'event', consumed: last - i + 1, event: eventOf(lines, i, last, head.instance, d, client, dec?.m[1] ?? null) };
  }
  const dec = DECODED.test(rest) ? decodedAt(lines, i, head.instance) : null;
  if (dec) {
    // the decoded lines without the raw words (an excerpt): rebuild the record from them
    const [, name, client, sidText, ssidText, iovaText, ipaText, fetchText] = dec.m;
    const id = Number(Object.entries(SMMUV3_EVENTS).find(([, e]) => e.name === name)?.[0] ?? -1);
    const sid = Number(parseHex(sidText!) ?? 0n);
    const ssid = Number(parseHex(ssidText!) ?? 0n);
    const flags = dec.flags;
    const addressed = iovaText !== undefined;
    const d: Decoded = {
      id: id < 0 ? 0xff : id,
      sid,
      ssid: ssid === 0 ? null : ssid,
      address: addressed ? parseHex(iovaText!) : null,
      ipa: addressed ? parseHex(ipaText!) : null,
      read: flags ? flags[3] === 'read' : true,
      s2: flags ? flags[4] === 's2' : false,
      detail: {
        stag: flags ? flags[8]! : null,
        stall: flags ? flags[7] !== '' : null,
        privileged: flags ? flags[1] === 'priv' : null,
        instruction: flags ? flags[2] === 'inst' : null,
        class: flags ? flags[5]! : null,
        ...(fetchText !== undefined ? { fetchAddr: fetchText } : {}),
      },
    };
    if (addressed && !flags) return { kind: 'unrecognised', why: 'the decoded event is cut short: the access line (read/write, s1/s2) does not follow', consumed: 1 };
    return { kind: 'event', consumed: dec.consumed, event: eventOf(lines, i, i + dec.consumed - 1, head.instance, d, client!.trim(), name!) };
  }
  if (WORD.test(rest) || FLAGS_LINE.test(rest)) return { kind: 'unrecognised', why: 'a piece of an event record whose head (event 0x.. received) is missing', consumed: 1 };
  return { kind: 'unrecognised', why: 'an SMMUv3 event line that does not parse', consumed: 1 };
}

export const SMMUV3_PARSER: DriverParser = {
  driver: 'smmuv3',
  claims(message) {
    if (!message.startsWith('arm-smmu-v3') && !message.startsWith('arm_smmu_v3')) return false;
    const s = smmuLine({ line: 0, message, column: 0, length: message.length });
    if (!s) return false;
    return /^(?:event 0x|event: |(?:\s|\\x09|\\t)*0x[0-9a-f]{16}\s*$|(?:un)?priv (?:inst|data) |EVTQ overflow)/i.test(s.rest);
  },
  parse,
};
