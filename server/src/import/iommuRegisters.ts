// What an IOMMU instance offers, decoded from the registers sysfs shows:
//   VT-d  /sys/class/iommu/dmarN/intel-iommu/{cap,ecap}  (include/linux/intel-iommu.h, drivers/iommu/intel/iommu.h)
//   AMD   /sys/class/iommu/ivhdN/amd-iommu/features      (the extended feature register, amd_iommu_types.h)
// The widths are those the kernel gives its paging domains, not the raw register fields.

export interface Capabilities {
  /** Input address width of paging domains (the aperture is [0, 2^ias - 1]). */
  ias: number | null;
  oas: number | null;
  /** Page sizes of paging domains. */
  pgsizes: bigint[] | null;
  nesting: boolean | null;
  /** PASID width the instance supports; null when it supports none. */
  pasidBits: number | null;
  /** Interrupt remapping supported (VT-d ecap IR). */
  irqRemap: boolean | null;
  /** One line per fact, for the comment above the instance. */
  notes: string[];
}

const bits = (v: bigint, lo: number, width: number) => Number((v >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));
const bit = (v: bigint, n: number) => ((v >> BigInt(n)) & 1n) === 1n;
const K4 = 4096n;
const M2 = 2n << 20n;
const G1 = 1n << 30n;

/**
 * VT-d: paging domains use first-stage tables when the unit is in scalable mode with first-stage
 * support (ecap SMTS and FLTS; `intel_iommu_domain_alloc_paging_flags`), else second-stage.
 * Address width: the widest AGAW the unit supports (`__iommu_calculate_sagaw`), capped at MGAW
 * (`paging_domain_alloc`); a first-stage aperture drops the top bit (canonical addresses).
 * Superpages: first stage 2M, and 1G with FL1GP; second stage from SLLPS.
 */
export function vtdCapabilities(cap: bigint, ecap: bigint): Capabilities {
  const mgaw = bits(cap, 16, 6) + 1;
  const slSagaw = bits(cap, 8, 5);
  const scalable = bit(ecap, 43);
  const flts = bit(ecap, 47);
  const slts = bit(ecap, 46);
  const firstStage = scalable && flts;
  const flSagaw = 0b100 | (bit(cap, 60) ? 0b1000 : 0);
  const sagaw = !scalable || !flts ? slSagaw : !slts ? flSagaw : flSagaw & slSagaw;
  let agawWidth = 0;
  for (let agaw = 3; agaw >= 0; agaw--) {
    if (sagaw & (1 << agaw)) {
      agawWidth = 30 + agaw * 9;
      break;
    }
  }
  const gaw = agawWidth === 0 ? mgaw : Math.min(agawWidth, mgaw);
  const ias = firstStage ? gaw - 1 : gaw;
  const pgsizes = [K4];
  if (firstStage) {
    pgsizes.push(M2);
    if (bit(cap, 56)) pgsizes.push(G1);
  } else {
    const sllps = bits(cap, 34, 4);
    if (sllps & 1) pgsizes.push(M2);
    if (sllps & 2) pgsizes.push(G1);
  }
  const nesting = bit(ecap, 26);
  const pasid = bit(ecap, 40) ? bits(ecap, 35, 5) + 1 : null;
  const widths = [39, 48, 57].filter((_, i) => (slSagaw >> (i + 1)) & 1);
  return {
    ias,
    oas: null,
    pgsizes,
    nesting,
    pasidBits: pasid,
    irqRemap: bit(ecap, 3),
    notes: [
      `MGAW ${mgaw}, SAGAW ${widths.length ? widths.join('/') : 'none'}; ${firstStage ? `scalable mode, first-stage paging domains (aperture 2^${ias})` : `second-stage paging domains${scalable ? ' (scalable mode without first-stage support)' : ''}`}`,
      `superpages ${pgsizes.slice(1).map((p) => (p === M2 ? '2M' : '1G')).join(' ') || 'none'}; nesting ${nesting ? 'yes' : 'no'} (ecap NEST); PASID ${pasid ? `${pasid} bits` : 'no'}; interrupt remapping ${bit(ecap, 3) ? 'supported' : 'not supported'}`,
    ],
  };
}

/**
 * AMD-Vi v1 page tables: the host address translation size HATS gives the levels (4, 5 or 6:
 * 48, 57 or 64 bits; `amd_iommu_hpt_level`); output width 52 (IOMMU_OUT_ADDR_BIT_SIZE). PASIDs
 * from PASMAX, guest translation (GT) for nesting.
 */
export function amdCapabilities(features: bigint): Capabilities {
  const hats = bits(features, 10, 2);
  const levels = hats === 3 ? 4 : 4 + hats;
  const ias = Math.min(64, 12 + 9 * levels);
  const gt = bit(features, 4);
  const pasmax = bits(features, 32, 5);
  const pasid = gt ? pasmax + 1 : null;
  return {
    ias,
    oas: 52,
    pgsizes: null,
    nesting: null,
    pasidBits: pasid,
    irqRemap: null,
    notes: [`extended features 0x${features.toString(16)}: HATS ${levels}-level host page tables (${ias} bits); guest translation ${gt ? 'yes' : 'no'}; PASID ${pasid ? `${pasid} bits` : 'no'}`],
  };
}
