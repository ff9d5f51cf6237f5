// The shape every driver parser has (vtd.ts, amdvi.ts, smmuv3.ts, smmuv2.ts), and the helpers
// they share for the kernel's message prefixes.

import type { FaultDriver, FaultEvent } from './event';
import type { LogLine } from './logLine';

/** What a parser made of the line it was given (and of the lines after it it took). */
export type ParseStep =
  | { kind: 'event'; event: FaultEvent; consumed: number }
  | { kind: 'unrecognised'; why: string; consumed: number }
  /** A line that belongs to a fault report without being one (status, page-table dumps, overflow notices). */
  | { kind: 'context'; consumed: number };

export interface DriverParser {
  driver: FaultDriver;
  /** Cheap test: is this message this driver's fault or event output? */
  claims(message: string): boolean;
  /** Parse the claimed line `lines[i]` (and the lines that continue it). */
  parse(lines: readonly LogLine[], i: number): ParseStep;
}

/** A device-message prefix, `DRIVER DEVICE: ` (dev_err), split off the text. */
export function splitDevicePrefix(message: string): { driver: string; device: string; rest: string } | null {
  const m = /^(\S+) (\S+?): (.*)$/s.exec(message);
  return m ? { driver: m[1]!, device: m[2]!, rest: m[3]! } : null;
}
