// The address map of a domain or a device, as plain data: lanes (one per address space), bands
// on them (maps, implicit maps, reserved regions, doorbell pages, MSI addresses), arrows from a
// map to where it lands, the axis of each lane with long empty stretches collapsed, and the
// diagnostics marked on the band they are about. The text and SVG forms both render this.

import type { RegionType } from '../../model/types';

/** Where a band or a diagnostic comes from: absolute path, offsets, and the 0-based start position. */
export interface SourceRef {
  path: string;
  start: number;
  end: number;
  line: number;
  character: number;
}

export type SpaceName = 'IOVA' | 'guest IOVA' | 'IPA' | 'PA' | 'IOVA = PA';

export type BandKind =
  /** An explicit `map`. */
  | 'map'
  /** A SW_MSI doorbell slot the kernel maps (implicit). */
  | 'slot'
  /** The stage-2 map an `msi-bind` creates in the parent (implicit). */
  | 'msi-bind'
  /** The guest's identity map over an `rmr` (implicit, stage 1). */
  | 'rmr'
  /** A DMA domain's identity map over a `direct`/`direct-relaxable` region (implicit). */
  | 'direct-map'
  /** A reserved region (hatched), by type. */
  | 'reserved'
  /** Where a map lands in the next space: memory (or IPA). */
  | 'target'
  /** An irqchip's doorbell page. */
  | 'doorbell'
  /** The page holding the address a device's MSIs are programmed with. */
  | 'msi'
  /** A nested domain's PASID / context-descriptor table (an IPA range the IOMMU walks). */
  | 'pasid-table';

/** For doorbells: the device's MSI reaches it / some map points at it but no MSI arrives / nothing maps it. For MSI addresses: reaches its doorbell or faults. */
export type BandState = 'reached' | 'mapped' | 'unmapped' | 'fault';

export interface Band {
  /** Unique within one map: `V<view>.L<lane>.<n>`. */
  id: string;
  kind: BandKind;
  /** For `reserved` bands. */
  regionType?: RegionType;
  start: bigint;
  last: bigint;
  /** One short line: what it is ("map rw 1G", "SW_MSI slot 0 → its0", "sw-msi window"). */
  label: string;
  /** A second line with more detail (the owners of a region, the resolution of an MSI address). */
  detail: string;
  state?: BandState;
  /** Side-by-side column within the lane (overlapping bands get different tracks). */
  track: number;
  /** How many tracks it spans from `track` (it widens over neighbouring tracks left free). */
  span: number;
  source: SourceRef | null;
  /** Indices into the view's diagnostics. */
  diagnostics: number[];
}

export interface Arrow {
  from: string;
  to: string;
}

/** A stretch of the lane's axis: used (some band covers it) or an empty stretch drawn collapsed. */
export interface Row {
  start: bigint;
  last: bigint;
  kind: 'used' | 'gap' | 'beyond';
  /** Height in pixels in the drawing. */
  height: number;
}

export interface Limit {
  /** 2^bits: the first address outside. */
  value: bigint;
  bits: number;
  what: 'aperture' | 'output range';
}

export interface Lane {
  space: SpaceName;
  /** Which table translates it, or what it is ("stage 2: s2", "physical memory"). */
  caption: string;
  limit: Limit | null;
  bands: Band[];
  rows: Row[];
  tracks: number;
}

export interface MarkedDiagnostic {
  code: string;
  severity: 'error' | 'warning' | 'information';
  message: string;
  source: SourceRef;
  /** The band it is marked on, or null when it is about the domain as a whole. */
  band: string | null;
}

export interface DomainView {
  /** The domain's name (an implicit default domain's generated name). */
  domain: string;
  /** "domain guest : nested" with the facts that shape the picture. */
  title: string;
  /** For a device's map: how the device uses this domain ("RID domain", "PASID 3"). */
  role: string | null;
  notes: string[];
  lanes: Lane[];
  arrows: Arrow[];
  diagnostics: MarkedDiagnostic[];
  source: SourceRef | null;
}

export interface AddressMap {
  subject: { kind: 'domain' | 'device' | 'configuration'; name: string };
  /** Backend and page size, one line. */
  context: string;
  /** The configuration's root file (absolute): sources elsewhere are shown with their file name. */
  root: string;
  views: DomainView[];
}
