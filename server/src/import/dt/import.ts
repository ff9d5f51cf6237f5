// `import-dt`: a flattened devicetree into a configuration and firmware findings.

import { firmwareSeverity } from '../catalogue';
import { Findings, type Artifact } from '../findings';
import { emitPlatform, Platform } from '../platform';
import { parseFdt } from './fdt';
import { importDt } from './model';

export { NotADevicetree } from './fdt';

export function importDevicetree(data: Uint8Array, artifact: Artifact, shownCommand: string): { text: string; findings: Findings } {
  const findings = new Findings(firmwareSeverity);
  const fdt = parseFdt(data, artifact, findings);
  const platform = new Platform();
  platform.header.push(`Imported with \`${shownCommand}\`.`);
  importDt(fdt, platform, findings);
  return { text: emitPlatform(platform), findings };
}
