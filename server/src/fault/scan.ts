// Reading a kernel log for IOMMU faults: every line goes through the driver parsers (one module
// per driver family); what they recognise becomes a FaultEvent, what looks like a fault line but
// does not parse is counted as unrecognised, and the rest of the log is left alone.

import { logLines, type LogLine } from './logLine';
import type { DriverParser, ParseStep } from './parser';
import type { FaultEvent, Unrecognised } from './event';
import { VTD_PARSER } from './vtd';
import { AMD_VI_PARSER } from './amdvi';
import { SMMUV3_PARSER } from './smmuv3';
import { SMMUV2_PARSER } from './smmuv2';

export const PARSERS: readonly DriverParser[] = [VTD_PARSER, AMD_VI_PARSER, SMMUV3_PARSER, SMMUV2_PARSER];

export interface ScanResult {
  events: FaultEvent[];
  unrecognised: Unrecognised[];
  /** Lines in the log. */
  lines: number;
  /** Lines that belong to fault reports without being faults themselves. */
  context: number;
}

/** Every IOMMU fault and event of a log text. Never throws. */
export function scanLog(text: string): ScanResult {
  return scanLines(logLines(text));
}

export function scanLines(lines: readonly LogLine[]): ScanResult {
  const events: FaultEvent[] = [];
  const unrecognised: Unrecognised[] = [];
  let context = 0;
  for (let i = 0; i < lines.length; ) {
    const l = lines[i]!;
    const parser = PARSERS.find((p) => p.claims(l.message));
    if (!parser) {
      i++;
      continue;
    }
    let step: ParseStep;
    try {
      step = parser.parse(lines, i);
    } catch (e) {
      // a parser bug must not lose the rest of the log: the line counts as unrecognised
      step = { kind: 'unrecognised', why: `internal error: ${e instanceof Error ? e.message : String(e)}`, consumed: 1 };
    }
    const consumed = Math.max(1, step.consumed);
    if (step.kind === 'event') events.push(step.event);
    else if (step.kind === 'unrecognised') unrecognised.push({ line: l.line, column: Math.max(0, l.column), end: l.length, driver: parser.driver, text: l.message, why: step.why });
    else context += consumed;
    i += consumed;
  }
  return { events, unrecognised, lines: lines.length, context };
}
