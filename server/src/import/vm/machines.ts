// Machine types and CPU models, as QEMU names them.

import { VmError, type CpuVendor, type MachineFamily } from './types';

/** `pc-q35-8.2` → q35 8.2; `q35` → q35, latest; `pc-i440fx-7.0`, `pc` → pc; `virt-9.0`, `virt` → virt. */
export function machineOf(type: string, arch: string, where: () => string): { family: MachineFamily; type: string; version: [number, number] | null } {
  const t = type.trim();
  const version = (s: string | undefined): [number, number] | null => {
    const m = s ? /^(\d+)\.(\d+)/.exec(s) : null;
    return m ? [Number(m[1]), Number(m[2])] : null;
  };
  let m: RegExpExecArray | null;
  if (t === 'q35') return { family: 'q35', type: t, version: null };
  if ((m = /^pc-q35-(.+)$/.exec(t))) return { family: 'q35', type: t, version: version(m[1]) };
  if (t === 'pc') return { family: 'pc', type: t, version: null };
  if ((m = /^pc-i440fx-(.+)$/.exec(t)) || (m = /^pc-(\d+\.\d+)$/.exec(t))) return { family: 'pc', type: t, version: version(m[1]) };
  if (t === 'virt') return { family: 'virt', type: t, version: null };
  if ((m = /^virt-(.+)$/.exec(t))) return { family: 'virt', type: t, version: version(m[1]) };
  throw new VmError(`${where()}: machine type '${t}'${arch ? ` (${arch})` : ''} is not modelled: import-vm knows q35 (pc-q35-*), pc (pc-i440fx-*) and virt (virt-*)`);
}

const AMD_MODELS = /^(EPYC|Opteron|phenom|athlon|Dhyana|qemu64|YongFeng)/i;
const INTEL_MODELS = /^(Skylake|Cascadelake|Cooperlake|Icelake|SapphireRapids|GraniteRapids|SierraForest|ClearwaterForest|Broadwell|Haswell|IvyBridge|SandyBridge|Westmere|Nehalem|Penryn|Conroe|Denverton|Snowridge|KnightsMill|kvm64|kvm32|core2duo|coreduo|pentium|n270|486|qemu32)/i;

/**
 * The vendor a CPU model reports (target/i386/cpu.c builtin_x86_defs): QEMU's default `qemu64`
 * reports AuthenticAMD; `host`, `max`, host-passthrough and host-model report the host's.
 */
export function vendorOfModel(model: string): CpuVendor {
  const m = model.split(',')[0]!.trim();
  if (m === 'host' || m === 'max' || m === 'host-passthrough' || m === 'host-model') return 'host';
  if (AMD_MODELS.test(m)) return 'amd';
  if (INTEL_MODELS.test(m)) return 'intel';
  return 'unknown';
}
