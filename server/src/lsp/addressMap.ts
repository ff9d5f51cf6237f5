// The `iommu-check/addressMap` request (the VS Code webview and any other editor ask it for the
// address map of a domain or a device, as SVG and/or text) and the "Show address map" code lens
// on each domain and device declaration.

import type { CodeLens, CodeLensParams, Position } from 'vscode-languageserver/node';
import type { Analysis } from '../engine';
import { buildAddressMap } from '../ide/addressMap/build';
import { addressMapLenses, findSubjects, subjectAt } from '../ide/addressMap/subject';
import { addressMapSvg } from '../ide/addressMap/svg';
import { addressMapText } from '../ide/addressMap/text';
import type { SourceFile } from '../model/types';
import type { FeatureContext } from './features/context';

export const ADDRESS_MAP_REQUEST = 'iommu-check/addressMap';
/** The client command a code lens runs: arguments (uri, 'domain' | 'device', name). */
export const SHOW_ADDRESS_MAP_COMMAND = 'iommuCheck.showAddressMap';

export interface AddressMapParams {
  textDocument: { uri: string };
  /** Name a domain or a device; or give a position inside a declaration or on a name. */
  domain?: string;
  device?: string;
  position?: Position;
  /** What to return; default both. */
  format?: 'svg' | 'text' | 'both';
}

export interface AddressMapResult {
  /** What was drawn, or null with `error` saying why not. */
  subject: { kind: 'domain' | 'device'; name: string } | null;
  svg?: string;
  text?: string;
  error?: string;
  /** Every domain and device of the configuration, for a picker. */
  domains: string[];
  devices: string[];
}

export function addressMapResult(c: { a: Analysis; file: SourceFile } | null, params: AddressMapParams): AddressMapResult {
  if (!c) return { subject: null, error: 'no analysis for this document (is it an .iommu file?)', domains: [], devices: [] };
  const { a, file } = c;
  const lists = { domains: a.config.domains.map((d) => d.name), devices: a.config.devices.map((d) => d.name) };
  let subject;
  if (params.domain !== undefined || params.device !== undefined) {
    const found = findSubjects(a, params.domain !== undefined ? { domain: params.domain } : { device: params.device! });
    if (typeof found === 'string') return { subject: null, error: found, ...lists };
    subject = found[0]!;
  } else if (params.position) {
    subject = subjectAt(a, file, file.lines.offset(params.position));
    if (!subject) return { subject: null, error: 'the cursor is not on a domain or a device', ...lists };
  } else return { subject: null, error: 'name a domain or a device, or give a position', ...lists };
  const map = buildAddressMap(a, subject);
  const format = params.format ?? 'both';
  return {
    subject: map.subject as AddressMapResult['subject'],
    ...(format !== 'text' ? { svg: addressMapSvg(map) } : {}),
    ...(format !== 'svg' ? { text: addressMapText(map) } : {}),
    ...lists,
  };
}

/** The address map request, on the analysis owner, from an analysis of the text now. */
export function onAddressMap(ctx: FeatureContext, params: AddressMapParams): AddressMapResult {
  const v = ctx.freshView(params.textDocument.uri);
  if (!v || !params.position) return addressMapResult(v && { a: v.analysis, file: v.file }, params);
  const at = ctx.offset(v, params.position);
  if (at === null) return addressMapResult(null, params);
  return addressMapResult({ a: v.analysis, file: v.file }, { ...params, position: v.file.lines.position(at) });
}

/** "Show address map" on each domain and device declaration. */
export function onCodeLens(ctx: FeatureContext, params: CodeLensParams): CodeLens[] {
  const v = ctx.view(params.textDocument.uri);
  if (!v) return [];
  const out: CodeLens[] = [];
  for (const l of addressMapLenses(v.analysis, v.file)) {
    const range = ctx.range(v.file, l.span);
    if (range) out.push({ range, command: { title: 'Show address map', command: SHOW_ADDRESS_MAP_COMMAND, arguments: [params.textDocument.uri, l.kind, l.name] } });
  }
  return out;
}
