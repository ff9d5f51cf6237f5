// `no-interrupt-remapping`: raised by import-acpi when the platform isolates no MSIs.

import type { EmittedCheck } from '../check';
import { dmar } from './examples';

const check: EmittedCheck = {
  code: 'no-interrupt-remapping',
  severity: 'warning',
  family: 'firmware',
  title: 'The platform gives no interrupt remapping (or no ITS) for devices behind the IOMMU.',
  explanation: {
    anchor: 'the DMAR flags, the I/O APIC or IVHD entry, or the GICv2m frame',
    what: 'A DMAR without INTR_REMAP; an IVRS that fails the kernel\'s check_ioapic_information (an MADT I/O APIC missing from the IVHD special entries, or no southbridge I/O APIC at 00:14.0); an Arm machine whose MADT has GICv2m frames and no ITS behind its SMMUs.',
    why: 'Without interrupt remapping MSIs are not isolated: a device can write any interrupt message. VFIO and iommufd refuse to give such devices to user space ("No interrupt remapping support. Use the module param allow_unsafe_interrupts…", -EPERM) unless allow_unsafe_interrupts is set (R15, R36). The imported irqchip is x86-compat or gicv2m, so `msi-not-isolated` fires on any assignment in the configuration.',
    fix: 'Enable interrupt remapping in the firmware setup (VT-d / IOMMU options), correct the IVRS special entries, or describe the ITS.',
    fires: { format: 'asl', source: dmar('', '00') },
    nearMiss: { format: 'asl', source: dmar('', '01') },
  },
  rules: 'R15, R36, M30',
  emittedBy: 'firmware',
};

export default check;
