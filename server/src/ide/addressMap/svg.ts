// The address map as a self-contained SVG: lanes side by side (input space on the left, physical
// memory on the right), rows stacked top-down from low to high addresses, collapsed empty
// stretches drawn as breaks, bands coloured by kind (reserved regions hatched), arrows from each
// map to where it lands, diagnostics as numbered marks listed under each view. Colours come from
// CSS classes with a dark variant (prefers-color-scheme), and an embedding page (the VS Code
// webview) may override the variables. Each band carries its source position as data-*
// attributes so that an embedding page can reveal it on click.

import { hexGrouped } from '../../model/intervals';
import { bandTag, diagnosticLabel, gapLabel, limitLabel, rangeLabel, sourceLabel } from './labels';
import type { AddressMap, Band, DomainView, Lane } from './types';

const MARGIN = 24;
const AXIS = 128;
const TRACK = 176;
const MIN_BAR = 264;
const LANE_GAP = 96;
const LANE_HEAD = 54;
const LINE = 16;
const WRAP = 150;

const STYLE = `
svg.address-map { --am-bg: #ffffff; --am-fg: #1f2328; --am-muted: #656d76; --am-grid: #d0d7de; --am-error: #cf222e; --am-warning: #9a6700; --am-info: #0969da; --am-arrow: #57606a; }
@media (prefers-color-scheme: dark) {
  svg.address-map { --am-bg: #0d1117; --am-fg: #e6edf3; --am-muted: #8d96a0; --am-grid: #30363d; --am-error: #ff7b72; --am-warning: #d29922; --am-info: #58a6ff; --am-arrow: #8d96a0; }
}
svg.address-map text { font-family: ui-sans-serif, system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; fill: var(--am-fg); }
svg.address-map .am-mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
svg.address-map .am-bg { fill: var(--am-bg); }
svg.address-map .am-title { font-size: 15px; font-weight: 600; }
svg.address-map .am-note, svg.address-map .am-caption, svg.address-map .am-axis, svg.address-map .am-gap-text { font-size: 11px; fill: var(--am-muted); }
svg.address-map .am-space { font-size: 13px; font-weight: 600; }
svg.address-map .am-label { font-size: 11px; font-weight: 600; }
svg.address-map .am-detail { font-size: 10.5px; }
svg.address-map .am-lane { fill: none; stroke: var(--am-grid); }
svg.address-map .am-gap { fill: var(--am-bg); stroke: none; }
svg.address-map .am-break { fill: none; stroke: var(--am-muted); stroke-width: 1; }
svg.address-map .am-beyond { fill: url(#am-hatch-beyond); stroke: none; }
svg.address-map .am-limit { stroke: var(--am-warning); stroke-width: 1.5; stroke-dasharray: 6 3; }
svg.address-map .am-limit-text { font-size: 10.5px; fill: var(--am-warning); }
svg.address-map .am-arrow { fill: none; stroke: var(--am-arrow); stroke-width: 1.3; opacity: .85; }
svg.address-map .am-arrowhead { fill: var(--am-arrow); }
svg.address-map .am-band rect.am-box { stroke-width: 1.2; }
svg.address-map .am-band.am-has-diag rect.am-box { stroke: var(--am-error); stroke-width: 2.4; }
svg.address-map .am-badge { fill: var(--am-error); }
svg.address-map .am-badge-text { font-size: 10px; font-weight: 700; fill: #ffffff; }
svg.address-map .am-diag-error { fill: var(--am-error); }
svg.address-map .am-diag-warning { fill: var(--am-warning); }
svg.address-map .am-diag-information { fill: var(--am-info); }
svg.address-map .k-map rect.am-box { fill: rgba(56, 132, 244, .22); stroke: #3884f4; }
svg.address-map .k-slot rect.am-box, svg.address-map .k-msi-bind rect.am-box { fill: rgba(163, 89, 214, .25); stroke: #a359d6; }
svg.address-map .k-rmr rect.am-box, svg.address-map .k-direct-map rect.am-box { fill: rgba(22, 160, 133, .25); stroke: #16a085; }
svg.address-map .k-target rect.am-box { fill: rgba(46, 160, 67, .18); stroke: #2ea043; }
svg.address-map .k-target.s-unmapped rect.am-box { fill: rgba(207, 34, 46, .12); stroke: var(--am-error); stroke-dasharray: 5 3; }
svg.address-map .k-pasid-table rect.am-box { fill: rgba(154, 103, 0, .2); stroke: #9a6700; }
svg.address-map .k-doorbell rect.am-box { fill: rgba(230, 170, 0, .35); stroke: #d4a000; }
svg.address-map .k-doorbell.s-mapped rect.am-box { fill: rgba(230, 170, 0, .15); stroke-dasharray: 5 3; }
svg.address-map .k-doorbell.s-unmapped rect.am-box { fill: rgba(207, 34, 46, .10); stroke: var(--am-error); stroke-dasharray: 5 3; }
svg.address-map .k-msi rect.am-box { fill: rgba(46, 160, 67, .25); stroke: #2ea043; }
svg.address-map .k-msi.s-fault rect.am-box { fill: rgba(207, 34, 46, .20); stroke: var(--am-error); }
svg.address-map .k-reserved rect.am-box { stroke-dasharray: 3 2; }
svg.address-map .r-direct rect.am-box { fill: url(#am-hatch-direct); stroke: #bc4c00; }
svg.address-map .r-direct-relaxable rect.am-box { fill: url(#am-hatch-direct-relaxable); stroke: #d18616; }
svg.address-map .r-reserved rect.am-box { fill: url(#am-hatch-reserved); stroke: #6e7781; }
svg.address-map .r-msi rect.am-box { fill: url(#am-hatch-msi); stroke: #bf3989; }
svg.address-map .r-sw-msi rect.am-box { fill: url(#am-hatch-sw-msi); stroke: #8250df; }
svg.address-map .am-legend-text { font-size: 11px; }
`;

const HATCHES: [string, string][] = [
  ['direct', '#bc4c00'],
  ['direct-relaxable', '#d18616'],
  ['reserved', '#6e7781'],
  ['msi', '#bf3989'],
  ['sw-msi', '#8250df'],
  ['beyond', '#8c959f'],
];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function defs(): string {
  const pats = HATCHES.map(
    ([name, c]) =>
      `<pattern id="am-hatch-${name}" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)"><rect width="8" height="8" fill="${c}" fill-opacity=".10"/><line x1="0" y1="0" x2="0" y2="8" stroke="${c}" stroke-width="3" stroke-opacity=".45"/></pattern>`,
  );
  return `<defs>${pats.join('')}<marker id="am-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="am-arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>`;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = '  ' + word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

interface LaneGeometry {
  lane: Lane;
  x: number;
  barX: number;
  barW: number;
  trackW: number;
  /** Top y of each row, and the bottom of the last. */
  rowY: number[];
}

function laneGeometry(lanes: Lane[], top: number): LaneGeometry[] {
  let x = MARGIN;
  return lanes.map((lane) => {
    const barW = Math.max(MIN_BAR, lane.tracks * TRACK);
    const rowY: number[] = [];
    let y = top;
    for (const r of lane.rows) {
      rowY.push(y);
      y += r.height;
    }
    rowY.push(y);
    const g = { lane, x, barX: x + AXIS, barW, trackW: barW / lane.tracks, rowY };
    x += AXIS + barW + LANE_GAP;
    return g;
  });
}

/** Row index of an address boundary (a band's start, or last + 1). */
function rowAt(lane: Lane, addr: bigint, end: boolean): number {
  let lo = 0;
  let hi = lane.rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = lane.rows[mid]!;
    if (end ? r.last < addr : r.start < addr) lo = mid + 1;
    else hi = mid - 1;
  }
  return lo;
}

function bandBox(g: LaneGeometry, b: Band): { x: number; y: number; w: number; h: number } {
  const first = rowAt(g.lane, b.start, false);
  const last = rowAt(g.lane, b.last, true);
  const y = g.rowY[first]!;
  const bottom = g.rowY[last + 1] ?? g.rowY[g.rowY.length - 1]!;
  return { x: g.barX + b.track * g.trackW + 3, y: y + 1, w: g.trackW * b.span - 6, h: Math.max(4, bottom - y - 2) };
}

function bandSvg(map: AddressMap, view: DomainView, g: LaneGeometry, b: Band, pathOf: PathOf): string {
  const box = bandBox(g, b);
  const classes = ['am-band', `k-${b.kind}`];
  if (b.regionType) classes.push(`r-${b.regionType}`);
  if (b.state) classes.push(`s-${b.state}`);
  if (b.diagnostics.length) classes.push('am-has-diag');
  const src = b.source;
  const data = src ? ` data-path="${esc(pathOf(src.path))}" data-line="${src.line}" data-character="${src.character}"` : '';
  const state = b.state ? ` [${b.state}]` : '';
  const tip = [`${bandTag(b)}: ${b.label}${state}`, rangeLabel(b.start, b.last), b.detail, ...(src ? [sourceLabel(map, src)] : []), ...b.diagnostics.map((i) => diagnosticLabel(map, i, view.diagnostics[i]!))].join('\n');
  const parts = [`<g class="${classes.join(' ')}" data-band="${b.id}"${data}><title>${esc(tip)}</title>`];
  parts.push(`<rect class="am-box" x="${box.x.toFixed(1)}" y="${box.y.toFixed(1)}" width="${box.w.toFixed(1)}" height="${box.h.toFixed(1)}" rx="3"/>`);
  // text clipped to the box by a nested viewport
  const lines: [string, string][] = [[`${b.label}${state}`, 'am-label'], [rangeLabel(b.start, b.last), 'am-detail am-mono'], [b.detail, 'am-detail']];
  const fit = Math.max(1, Math.floor((box.h - 4) / 13));
  const texts = lines.slice(0, fit).map(([t, cls], i) => `<text class="${cls}" x="5" y="${13 + i * 13}">${esc(t)}</text>`);
  parts.push(`<svg x="${box.x.toFixed(1)}" y="${box.y.toFixed(1)}" width="${box.w.toFixed(1)}" height="${box.h.toFixed(1)}">${texts.join('')}</svg>`);
  if (b.diagnostics.length) {
    const label = b.diagnostics.map((i) => `!${i + 1}`).join(' ');
    const w = 8 + label.length * 6.5;
    const bx = box.x + box.w - w - 2;
    const by = box.y + 2;
    parts.push(`<rect class="am-badge" x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${w.toFixed(1)}" height="14" rx="7"/><text class="am-badge-text" x="${(bx + w / 2).toFixed(1)}" y="${(by + 10.5).toFixed(1)}" text-anchor="middle">${esc(label)}</text>`);
  }
  parts.push('</g>');
  return parts.join('');
}

function laneSvg(map: AddressMap, view: DomainView, g: LaneGeometry, top: number, pathOf: PathOf): string {
  const { lane } = g;
  const out: string[] = [];
  const head = top - LANE_HEAD;
  out.push(`<text class="am-space" x="${g.barX}" y="${head + 14}">${esc(lane.space)}</text>`);
  out.push(`<text class="am-caption" x="${g.barX}" y="${head + 29}">${esc(lane.caption)}</text>`);
  if (lane.limit) out.push(`<text class="am-caption" x="${g.barX}" y="${head + 43}">${esc(`${lane.limit.what} 2^${lane.limit.bits} = ${hexGrouped(lane.limit.value)}`)}</text>`);
  const bottom = g.rowY[g.rowY.length - 1]!;
  out.push(`<rect class="am-lane" x="${g.barX}" y="${top}" width="${g.barW}" height="${bottom - top}"/>`);
  lane.rows.forEach((r, i) => {
    const y = g.rowY[i]!;
    out.push(`<text class="am-axis am-mono" x="${g.barX - 6}" y="${y + 10}" text-anchor="end">${esc(hexGrouped(r.start))}</text>`);
    if (r.kind === 'used') return;
    const cls = r.kind === 'beyond' ? 'am-beyond' : 'am-gap';
    out.push(`<rect class="${cls}" x="${g.barX + 1}" y="${y + 1}" width="${g.barW - 2}" height="${r.height - 2}"/>`);
    // a torn edge: two zigzags across the lane
    const zig = (yy: number) => {
      const pts: string[] = [];
      for (let x = 0, k = 0; x <= g.barW; x += 8, k++) pts.push(`${(g.barX + x).toFixed(1)},${(yy + (k % 2 ? 2.5 : -2.5)).toFixed(1)}`);
      return `<polyline class="am-break" points="${pts.join(' ')}"/>`;
    };
    out.push(zig(y + 6), zig(y + r.height - 6));
    out.push(`<text class="am-gap-text" x="${g.barX + g.barW / 2}" y="${y + r.height / 2 + 4}" text-anchor="middle">${esc(gapLabel(r))}</text>`);
  });
  out.push(`<text class="am-axis am-mono" x="${g.barX - 6}" y="${bottom}" text-anchor="end">${esc(hexGrouped((lane.rows[lane.rows.length - 1]?.last ?? -1n) + 1n))}</text>`);
  if (lane.limit) {
    const i = lane.rows.findIndex((r) => r.start === lane.limit!.value);
    const y = i >= 0 ? g.rowY[i]! : lane.rows.length && lane.rows[lane.rows.length - 1]!.last + 1n === lane.limit.value ? bottom : null;
    if (y !== null) {
      out.push(`<line class="am-limit" x1="${g.barX - AXIS + 8}" y1="${y}" x2="${g.barX + g.barW + 8}" y2="${y}"/>`);
      // in the axis column, under the address of the limit, clear of the lane's own labels
      out.push(`<text class="am-limit-text" x="${g.barX - 6}" y="${y + 21}" text-anchor="end"><title>${esc(limitLabel(lane.limit))}</title>${esc(`${lane.limit.what === 'aperture' ? 'aperture' : 'output'} end 2^${lane.limit.bits}`)}</text>`);
    }
  }
  for (const b of lane.bands) out.push(bandSvg(map, view, g, b, pathOf));
  return out.join('');
}

function arrowsSvg(view: DomainView, geo: LaneGeometry[]): string {
  const where = new Map<string, { g: LaneGeometry; b: Band }>();
  for (const g of geo) for (const b of g.lane.bands) where.set(b.id, { g, b });
  const out: string[] = [];
  for (const a of view.arrows) {
    const from = where.get(a.from);
    const to = where.get(a.to);
    if (!from || !to) continue;
    const fb = bandBox(from.g, from.b);
    const tb = bandBox(to.g, to.b);
    const sx = fb.x + fb.w;
    const sy = fb.y + Math.min(fb.h / 2, 24);
    const ex = tb.x;
    const ey = tb.y + Math.min(tb.h / 2, 24);
    const laneRight = from.g.barX + from.g.barW;
    const laneLeft = to.g.barX - 4;
    const mid = (laneRight + laneLeft) / 2;
    out.push(`<path class="am-arrow" d="M${sx.toFixed(1)},${sy.toFixed(1)} H${laneRight.toFixed(1)} C${mid.toFixed(1)},${sy.toFixed(1)} ${mid.toFixed(1)},${ey.toFixed(1)} ${laneLeft.toFixed(1)},${ey.toFixed(1)} H${ex.toFixed(1)}" marker-end="url(#am-arrow)" data-from="${a.from}" data-to="${a.to}"/>`);
  }
  return out.join('');
}

function viewSvg(map: AddressMap, view: DomainView, top: number, pathOf: PathOf): { svg: string; height: number; width: number } {
  const out: string[] = [`<g class="am-view" data-domain="${esc(view.domain)}">`];
  let y = top + 16;
  out.push(`<text class="am-title" x="${MARGIN}" y="${y}">${esc(view.title + (view.role ? ` — ${view.role}` : ''))}</text>`);
  for (const n of view.notes) {
    y += LINE;
    out.push(`<text class="am-note" x="${MARGIN}" y="${y}">${esc(n)}</text>`);
  }
  const lanesTop = y + 14 + LANE_HEAD;
  const geo = laneGeometry(view.lanes, lanesTop);
  out.push(arrowsSvg(view, geo));
  for (const g of geo) out.push(laneSvg(map, view, g, lanesTop, pathOf));
  let bottom = Math.max(lanesTop, ...geo.map((g) => g.rowY[g.rowY.length - 1]!)) + 24;
  const width = geo.length ? geo[geo.length - 1]!.barX + geo[geo.length - 1]!.barW + MARGIN : 600;
  if (view.diagnostics.length) {
    bottom += LINE;
    out.push(`<text class="am-space" x="${MARGIN}" y="${bottom}">diagnostics</text>`);
    const wrapAt = Math.max(60, Math.floor((width - 2 * MARGIN) / 6.6));
    view.diagnostics.forEach((d, i) => {
      for (const line of wrap(diagnosticLabel(map, i, d), Math.min(WRAP, wrapAt))) {
        bottom += LINE;
        out.push(`<text class="am-detail am-diag-${d.severity}" x="${MARGIN}" y="${bottom}" data-path="${esc(pathOf(d.source.path))}" data-line="${d.source.line}" data-character="${d.source.character}">${esc(line)}</text>`);
      }
    });
  }
  out.push('</g>');
  return { svg: out.join(''), height: bottom - top + 8, width };
}

const LEGEND: [string, string, string][] = [
  ['k-map', '', 'map'],
  ['k-slot', '', 'SW_MSI slot / msi-bind'],
  ['k-rmr', '', 'rmr / direct identity map'],
  ['k-target', '', 'memory (target)'],
  ['k-doorbell', '', 'doorbell page'],
  ['k-msi', '', 'MSI address'],
  ['k-reserved r-sw-msi', '', 'sw-msi'],
  ['k-reserved r-msi', '', 'msi'],
  ['k-reserved r-direct', '', 'direct'],
  ['k-reserved r-direct-relaxable', '', 'direct-relaxable'],
  ['k-reserved r-reserved', '', 'reserved'],
];

function legendSvg(top: number): { svg: string; height: number; width: number } {
  const out: string[] = ['<g class="am-legend">'];
  let x = MARGIN;
  for (const [cls, , text] of LEGEND) {
    out.push(`<g class="${cls}"><rect class="am-box" x="${x}" y="${top}" width="18" height="12" rx="2"/></g><text class="am-legend-text" x="${x + 23}" y="${top + 10}">${esc(text)}</text>`);
    x += 23 + text.length * 6.4 + 18;
  }
  out.push('</g>');
  return { svg: out.join(''), height: 24, width: x + MARGIN };
}

/** How a source file is named in the data-path attributes (absolute for an editor, relative in a file). */
export type PathOf = (absolute: string) => string;

export function addressMapSvg(map: AddressMap, pathOf: PathOf = (p) => p): string {
  const body: string[] = [];
  let y = MARGIN;
  body.push(`<text class="am-title" x="${MARGIN}" y="${y + 4}">${esc(`address map of ${map.subject.kind} ${map.subject.name}`)}</text>`);
  body.push(`<text class="am-note" x="${MARGIN}" y="${y + 20}">${esc(map.context)}</text>`);
  y += 36;
  let width = 600;
  for (const v of map.views) {
    const r = viewSvg(map, v, y, pathOf);
    body.push(r.svg);
    y += r.height + 20;
    width = Math.max(width, r.width);
  }
  const legend = legendSvg(y);
  body.push(legend.svg);
  y += legend.height + MARGIN;
  width = Math.max(width, legend.width);
  const w = Math.ceil(width);
  const h = Math.ceil(y);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" class="address-map" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(`address map of ${map.subject.kind} ${map.subject.name}`)}">\n` +
    `<style>${STYLE}</style>\n${defs()}\n<rect class="am-bg" x="0" y="0" width="${w}" height="${h}"/>\n${body.join('\n')}\n</svg>\n`
  );
}
