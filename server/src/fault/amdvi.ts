// AMD-Vi event-log entries as `iommu_print_event` and `amd_iommu_report_page_fault`
// (drivers/iommu/amd/iommu.c) print them:
//   device known to the kernel (pci_err, dev_fmt "AMD-Vi: "):
//     vfio-pci 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0xfee00000 flags=0x0020]
//   no driver data for the requester (pr_err_ratelimited; segment printed since v6.0):
//     AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x… flags=0x0020]
//     AMD-Vi: Event logged [IO_PAGE_FAULT device=01:00.0 domain=0x0012 address=0x00000000bea106c0 flags=0x0010]   (older)
//   other events, on the IOMMU's own device (dev_err):
//     iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:01:00.0 pasid=0x00000 address=0x… flags=0x0000]
//     … INVALID_DEVICE_REQUEST, DEV_TAB_HARDWARE_ERROR, PAGE_TAB_HARDWARE_ERROR, IOTLB_INV_TIMEOUT,
//     COMMAND_HARDWARE_ERROR, ILLEGAL_COMMAND_ERROR, INVALID_PPR_REQUEST, RMP_PAGE_FAULT, RMP_HW_ERROR
//   and `Event logged [Device not attached to domain properly]` followed by `  device=… domain=…`.
// The IO_PAGE_FAULT flags are the event's bits 27:16 (AMD IOMMU specification, IO_PAGE_FAULT
// event): GN, NX, US, I (interrupt request), PR (the page was present), RW (write), PE
// (permission), RZ (reserved bit set), TR (translation request). With GN set the `domain=` field
// holds the PASID: the kernel prints the event's DomainID/PASID field under that one name.

import type { FaultEvent, FaultKind, Requester } from './event';
import { parseBdf, parseHex } from './event';
import type { LogLine } from './logLine';
import type { DriverParser, ParseStep } from './parser';
import { splitDevicePrefix } from './parser';

const FLAG_NAMES: readonly [number, string][] = [
  [0x001, 'GN'],
  [0x002, 'NX'],
  [0x004, 'US'],
  [0x008, 'I'],
  [0x010, 'PR'],
  [0x020, 'RW'],
  [0x040, 'PE'],
  [0x080, 'RZ'],
  [0x100, 'TR'],
];

export function amdFlagNames(flags: number): string[] {
  return FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n);
}

const EVENT = /Event logged \[(Device not attached to domain properly|[A-Za-z_]+)(?:(?: |, )(.*?))?(\]?)\s*$/;
const FIELD = /([a-z_]+(?:\[\d\])?)=(0x[0-9a-f]+|[0-9a-f]{1,4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]|[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]|[0-9a-f]+)/gi;

const KINDS: Readonly<Record<string, FaultKind>> = {
  IO_PAGE_FAULT: 'translation',
  ILLEGAL_DEV_TABLE_ENTRY: 'context',
  INVALID_DEVICE_REQUEST: 'other',
  DEV_TAB_HARDWARE_ERROR: 'hardware',
  PAGE_TAB_HARDWARE_ERROR: 'hardware',
  IOTLB_INV_TIMEOUT: 'hardware',
  COMMAND_HARDWARE_ERROR: 'hardware',
  ILLEGAL_COMMAND_ERROR: 'hardware',
  INVALID_PPR_REQUEST: 'other',
  RMP_PAGE_FAULT: 'other',
  RMP_HW_ERROR: 'hardware',
  UNKNOWN: 'other',
};

function fieldsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(FIELD)) out.set(m[1]!.toLowerCase(), m[2]!);
  return out;
}

function parse(lines: readonly LogLine[], i: number): ParseStep {
  const l = lines[i]!;
  let msg = l.message;
  // kernels of the 2.6/3.x era printed the event with KERN_CONT pieces; another message can split them
  let extra = 0;
  const next = lines[i + 1];
  if (/Event logged \[\s*$/.test(msg) && next && /^[A-Z_]+[ \]]/.test(next.message)) {
    msg = msg.trimEnd() + next.message;
    extra = 1;
  }
  if (/AMD-Vi: (?:IOMMU event log overflow|No event written to event log|DTE\[\d\])/.test(msg) || /^(?:AMD-Vi: )?\s*device=\S+ domain=/.test(msg)) return { kind: 'context', consumed: 1 + extra };
  const e = EVENT.exec(msg);
  if (!e) return { kind: 'unrecognised', why: 'an AMD-Vi event line that does not parse', consumed: 1 + extra };
  const type = e[1]!.trim();
  const fields = fieldsOf(e[2] ?? '');
  const closed = e[3] === ']';
  // `dev_err(dev, …)` puts the device before `AMD-Vi: `: the requester for page faults, the IOMMU otherwise
  const before = msg.slice(0, e.index);
  const prefix = splitDevicePrefix(before.replace(/AMD-Vi: $/, '').trimEnd() + ' ');
  const prefixBdf = prefix && prefix.rest.trim() === '' ? parseBdf(prefix.device) : null;
  const instance = prefix && prefix.rest.trim() === '' && !prefixBdf ? prefix.device : null;

  if (type === 'Device not attached to domain properly') {
    const next = lines[i + 1];
    const m = next ? /^(?:AMD-Vi: )?\s*device=(\S+) domain=(0x[0-9a-f]+)/i.exec(next.message) : null;
    const bdf = m ? parseBdf(m[1]!) : null;
    return {
      kind: 'event',
      consumed: m ? 2 : 1,
      event: {
        driver: 'amd-vi',
        name: 'Device not attached to domain properly',
        kind: 'context',
        requester: bdf ? { kind: 'pci', bdf } : null,
        address: null,
        ipa: null,
        access: null,
        pasid: null,
        stage: null,
        reason: 'the device faulted while the kernel had no domain for it',
        detail: { domainId: m ? m[2]! : null },
        instance: null,
        lines: { first: l.line, last: l.line + (m ? 1 : 0) },
        columns: { start: Math.max(0, l.column), end: l.length },
      },
    };
  }
  const kind = KINDS[type];
  if (!kind) return { kind: 'unrecognised', why: `unknown AMD-Vi event type '${type}'`, consumed: 1 + extra };
  if (!closed && type !== 'UNKNOWN') return { kind: 'unrecognised', why: `the ${type} event is cut short (no closing ']')`, consumed: 1 + extra };

  const devText = fields.get('device');
  const devBdf = devText !== undefined ? parseBdf(devText) : null;
  if (devText !== undefined && !devBdf) return { kind: 'unrecognised', why: `device=${devText} is not a PCI address`, consumed: 1 + extra };
  const bdf = devBdf ?? (type === 'IO_PAGE_FAULT' || type === 'RMP_PAGE_FAULT' ? prefixBdf : null);
  const requester: Requester | null = bdf ? { kind: 'pci', bdf } : null;
  const addressText = fields.get('address') ?? fields.get('gpa') ?? fields.get('spa');
  const address = addressText !== undefined ? parseHex(addressText) : null;
  if (addressText !== undefined && address === null) return { kind: 'unrecognised', why: `address=${addressText} is not a 64-bit number`, consumed: 1 + extra };
  const flagsText = fields.get('flags');
  const flags = flagsText !== undefined ? Number(parseHex(flagsText) ?? -1n) : null;
  if (flags !== null && flags < 0) return { kind: 'unrecognised', why: `flags=${flagsText} is not a number`, consumed: 1 + extra };

  let eventKind = kind;
  let access: 'read' | 'write' | null = null;
  let pasid: number | null = null;
  const domainText = fields.get('domain');
  const pasidText = fields.get('pasid');
  if (pasidText !== undefined) pasid = Number(parseHex(pasidText) ?? 0n) || null;
  let reason = type;
  if (type === 'IO_PAGE_FAULT') {
    if (!requester || address === null || flags === null || domainText === undefined) return { kind: 'unrecognised', why: 'IO_PAGE_FAULT without device, domain, address or flags', consumed: 1 + extra };
    access = flags & 0x020 ? 'write' : 'read';
    if (flags & 0x001) pasid = Number(parseHex(domainText) ?? 0n);
    if (flags & 0x008) eventKind = 'interrupt';
    else if (flags & 0x080) eventKind = 'other';
    else if (flags & 0x010) eventKind = flags & 0x040 ? 'permission' : 'translation';
    const names = amdFlagNames(flags);
    reason = `flags ${flagsText} [${names.join(' ') || 'none'}]: ${flags & 0x008 ? 'interrupt request' : flags & 0x010 ? (flags & 0x040 ? 'permission violation on a present page' : 'the page was present') : 'no translation for the page'}`;
  } else if (flags !== null) {
    reason = `${type} flags ${flagsText}`;
  }
  const detail: FaultEvent['detail'] = {};
  for (const [k, v] of fields) if (k !== 'device' && k !== 'address') detail[k === 'domain' ? 'domainId' : k] = v;
  if (flags !== null) detail['flagNames'] = amdFlagNames(flags).join(' ');
  return {
    kind: 'event',
    consumed: 1 + extra,
    event: {
      driver: 'amd-vi',
      name: type,
      kind: eventKind,
      requester,
      address,
      ipa: null,
      access,
      pasid,
      stage: null,
      reason,
      detail,
      instance,
      lines: { first: l.line, last: l.line + extra },
      columns: { start: Math.max(0, l.column), end: l.length },
    },
  };
}

export const AMD_VI_PARSER: DriverParser = {
  driver: 'amd-vi',
  claims(message) {
    if (message.includes('Event logged [')) return true;
    if (/^(?:AMD-Vi: )?\s*device=\S+ domain=0x/.test(message)) return true;
    return /AMD-Vi: (?:IOMMU event log overflow|No event written to event log)/.test(message);
  },
  parse,
};
