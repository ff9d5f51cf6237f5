// Table sources shared by the firmware checks' examples: a small devicetree and a small DMAR,
// each check file varies one line of them.

const DT_HEAD = `/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	its: msi-controller@8080000 {
		compatible = "arm,gic-v3-its";
		reg = <0x0 0x08080000 0x0 0x20000>;
		msi-controller;
		#msi-cells = <1>;
	};
	smmu: iommu@9050000 {
		compatible = "arm,smmu-v3";
		reg = <0x0 0x09050000 0x0 0x20000>;
		#iommu-cells = <1>;
	};
`;

/** A devicetree with an ITS and an SMMUv3 (labels `its`, `smmu`), then `body`. */
export function dts(body: string): string {
  return DT_HEAD + body.replace(/^\n/, '').replace(/\s*$/, '\n') + '};\n';
}

/** The ACPI table header in iasl's data-table source format (iasl fills in length and checksum). */
export function aslHeader(signature: string, revision: string): string {
  return `[0004]                          Signature : "${signature}"
[0004]                       Table Length : 00000000
[0001]                           Revision : ${revision}
[0001]                           Checksum : 00
[0006]                             Oem ID : "OEM   "
[0008]                       Oem Table ID : "MACHINE "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925
`;
}

/** A DMAR with one INCLUDE_PCI_ALL unit, the given flags, revision and structures after it. */
export function dmar(structures: string, flags = '01', revision = '01'): string {
  return `${aslHeader('DMAR', revision)}
[0001]                 Host Address Width : 26
[0001]                              Flags : ${flags}
[0010]                           Reserved : 00 00 00 00 00 00 00 00 00 00

[0002]                      Subtable Type : 0000 [Hardware Unit Definition]
[0002]                             Length : 0010

[0001]                              Flags : 01
[0001]                           Reserved : 00
[0002]                 PCI Segment Number : 0000
[0008]              Register Base Address : 00000000FED91000
${structures}`;
}

/** An RMRR structure for one PCI endpoint on bus 0. */
export function rmrr(base: string, limit: string, path = '14,00'): string {
  return `
[0002]                      Subtable Type : 0001 [Reserved Memory Region]
[0002]                             Length : 0020

[0002]                           Reserved : 0000
[0002]                 PCI Segment Number : 0000
[0008]                       Base Address : ${base}
[0008]                End Address (limit) : ${limit}

[0001]                  Device Scope Type : 01 [PCI Endpoint Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : ${path}
`;
}

/**
 * `acpidump` text of a 64-byte DMAR (one INCLUDE_PCI_ALL unit at 0xFED91000) with the given
 * checksum byte and DRHD length byte (a correct table: 0x80 and 0x10).
 */
export function dmarDump(checksum: string, drhdLength: string): string {
  return `DMAR @ 0x000000007b7fe000
    0000: 44 4D 41 52 40 00 00 00 01 ${checksum} 4F 45 4D 20 20 20  DMAR@....?OEM
    0010: 4D 41 43 48 49 4E 45 20 01 00 00 00 49 4E 54 4C  MACHINE ....INTL
    0020: 25 09 20 20 26 01 00 00 00 00 00 00 00 00 00 00  %.  &...........
    0030: 00 00 ${drhdLength} 00 01 00 00 00 00 10 D9 FE 00 00 00 00  ................
`;
}
