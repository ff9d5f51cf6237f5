// expect-failed: `expect` assertions (language.md §10): resolve the address through the
// translation model and compare the end of the chain with the assertion.

import { doorbellPage } from '../../model/defaults';
import { hex } from '../../model/intervals';
import { describeMapping, formatResolution, type Resolution } from '../../model/translation';
import type { Expectation, Related } from '../../model/types';
import { example, type AnalysisCheck } from '../check';

/** Does the resolution satisfy the expectation? */
export function expectationHolds(e: Expectation, r: Resolution, pageSize: bigint): boolean {
  const end = r.end;
  switch (e.result.kind) {
    case 'fault':
      return end.kind === 'fault';
    case 'address':
      return end.kind === 'address' && end.pa === e.result.value;
    case 'irqchip': {
      const chip = e.result.irqchip;
      if (end.kind !== 'address') return false;
      // x86: delivered in the hardware MSI window as an interrupt
      if (chip.untranslated) return end.interrupt && (end.irqchip === null || end.irqchip === chip || end.irqchip.untranslated);
      if (chip.doorbell === null) return false;
      const page = doorbellPage(chip.doorbell, pageSize);
      return end.pa >= page && end.pa < page + pageSize;
    }
  }
}

function describeExpected(e: Expectation, pageSize: bigint): string {
  const subject = `${e.device.name}${e.pasid !== null ? ` pasid ${e.pasid}` : ''}${e.access ? ` ${e.access}` : ''} ${hex(e.address)}`;
  switch (e.result.kind) {
    case 'fault':
      return `expected ${subject} to fault${e.access ? ` (or the ${e.access} to be refused)` : ''}`;
    case 'address':
      return `expected ${subject} -> ${hex(e.result.value)}`;
    case 'irqchip': {
      const chip = e.result.irqchip;
      if (chip.untranslated) return `expected ${subject} -> ${chip.name} (the hardware MSI window, delivered as an interrupt)`;
      const page = chip.doorbell === null ? null : doorbellPage(chip.doorbell, pageSize);
      return `expected ${subject} -> ${chip.name}${page !== null ? ` (doorbell page ${hex(page)})` : ''}`;
    }
  }
}

const check: AnalysisCheck = {
  code: 'expect-failed',
  severity: 'error',
  family: 'hygiene',
  title: 'An expect assertion does not hold.',
  explanation: {
    anchor: 'the `expect`',
    what: 'The assertion does not hold; the message shows the actual chain.',
    why: 'The configuration does not translate the address as asserted; the message shows the actual chain, hop by hop.',
    fix: 'Fix the configuration, or the expectation: the message shows the chain the address actually takes.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
      expect gpu 0x4000_1000 -> 0x9_0000_1000
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        attach gpu
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
      expect gpu 0x4000_1000 -> 0x8_0000_1000
    `,
  },
  run(ctx) {
    const { tx, config } = ctx;
    for (const e of config.expectations) {
      if (e.device.broken) continue;
      if (e.result.kind === 'irqchip' && (e.result.irqchip.broken || (e.result.irqchip.doorbell === null && !e.result.irqchip.untranslated))) continue;
      const r = tx.resolve(e.device, e.pasid, e.address, e.access);
      if (expectationHolds(e, r, config.pageSize)) continue;
      const actual = formatResolution(r);
      const related: Related[] = [];
      if (r.domain) related.push({ loc: r.domain.nameLoc, message: `translated by ${r.domain.implicit ? r.domain.name : `domain '${r.domain.name}'`}` });
      for (const h of r.hops) if (typeof h.via === 'object') related.push({ loc: h.via.loc, message: `${h.stage === 'single' ? '' : `${h.stage}: `}${describeMapping(h.via)}` });
      if (r.end.kind === 'fault' && r.end.map) related.push({ loc: r.end.map.loc, message: `refused by ${describeMapping(r.end.map)}` });
      ctx.report('expect-failed', e.loc, `${describeExpected(e, config.pageSize)}, but the actual chain is:\n${actual.join('\n')}`, related);
    }
  },
};

export default check;
