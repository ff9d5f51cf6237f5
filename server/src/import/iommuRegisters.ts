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
  // iommu_superpage_capability: first stage 1 (2M) or 2 (2M, 1G with FL1GP); second stage
  // fls(SLLPS), of which domain_super_pgsize_bitmap knows only 1 and 2.
  const sllps = bits(cap, 34, 4);
  const superpage = firstStage ? (bit(cap, 56) ? 2 : 1) : sllps === 0 ? 0 : 32 - Math.clz32(sllps);
  const pgsizes = [K4];
  if (superpage === 1) pgsizes.push(M2);
  else if (superpage === 2) pgsizes.push(M2, G1);
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
 * AMD-Vi: the kernel's paging domains use the v1 (host) page table (`amd_iommu_pgtable` =
 * PD_MODE_V1) unless host translation is disabled (`amd_iommu_hatdis`: HATS = 3 in the feature
 * register, or the IVHD's HATDis attribute, which sysfs does not show), then v2. v1: the host address translation size HATS gives the levels (4, 5 or
 * 6: 48, 57 or 64 bits; `amd_iommu_hpt_level`); pages every power of two from 4K to 2^51 but
 * 512G (AMD_IOMMU_PGSIZES); output width 52 (IOMMU_OUT_ADDR_BIT_SIZE). v2: 4-level (48 bits,
 * 5-level with GATS 5 and 5-level CPU paging, not assumed), 4K 2M 1G (AMD_IOMMU_PGSIZES_V2).
 * PASIDs from PASMAX; nested domains (drivers/iommu/amd/nested.c) need guest translation (GT).
 */
export function amdCapabilities(features: bigint): Capabilities {
  const hats = bits(features, 10, 2);
  const levels = hats === 3 ? 4 : 4 + hats;
  const hatDis = hats === 3;
  const gt = bit(features, 4);
  const v2 = hatDis && gt;
  const ias = v2 ? 48 : Math.min(64, 12 + 9 * levels);
  const pasmax = bits(features, 32, 5);
  const pasid = gt ? pasmax + 1 : null;
  const pgsizes = v2 ? [K4, M2, G1] : amdV1PageSizes();
  return {
    ias,
    oas: 52,
    pgsizes,
    nesting: gt,
    pasidBits: pasid,
    irqRemap: null,
    notes: [
      `extended features 0x${features.toString(16)}: ${v2 ? 'host translation disabled (HATS 3): v2 (guest-format) page tables, 4-level (48 bits)' : `HATS ${levels}-level host page tables (${ias} bits), v1 format`}; guest translation ${gt ? 'yes (nested domains possible)' : 'no (no nesting)'}; PASID ${pasid ? `${pasid} bits` : 'no'}`,
    ],
  };
}

/** AMD_IOMMU_PGSIZES: GENMASK_ULL(51, 12) ^ SZ_512G. */
function amdV1PageSizes(): bigint[] {
  const out: bigint[] = [];
  for (let b = 12n; b <= 51n; b++) if (b !== 39n) out.push(1n << b);
  return out;
}
