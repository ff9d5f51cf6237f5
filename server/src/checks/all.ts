// Every diagnostic code, one file each, in the order of checks.md (the order of `explain`,
// SARIF rules and docs/checks.md). A new check is a new file and one line here.

import type { CheckDefinition } from './check';
import syntaxError from './names/syntax';
import unknownName from './names/unknown-name';
import duplicateName from './names/duplicate-name';
import wrongKind from './names/wrong-kind';
import badNumber from './names/bad-number';
import badValue from './names/bad-value';
import missingProperty from './names/missing-property';
import includeError from './names/include-error';
import unsupportedFeature from './names/unsupported-feature';
import groupSplit from './isolation/group-split';
import groupNotViable from './isolation/group-not-viable';
import groupMembership from './isolation/group-membership';
import groupTopology from './isolation/group-topology';
import acsOverride from './isolation/acs-override';
import domainIommuMismatch from './isolation/domain-iommu-mismatch';
import requireDirect from './isolation/require-direct';
import msiNotIsolated from './isolation/msi-not-isolated';
import unsafeInterrupts from './isolation/unsafe-interrupts';
import iommuOff from './isolation/iommu-off';
import pasidInvalid from './isolation/pasid-invalid';
import pasidConflict from './isolation/pasid-conflict';
import pasidSharedGroup from './isolation/pasid-shared-group';
import mapOverlapsReserved from './reserved/map-overlaps-reserved';
import mapOverlap from './reserved/map-overlap';
import mapUnaligned from './reserved/map-unaligned';
import mapOutsideAperture from './reserved/map-outside-aperture';
import outputOutsideRange from './reserved/output-outside-range';
import pgsizeUnsupported from './reserved/pgsize-unsupported';
import swMsiConflict from './reserved/sw-msi-conflict';
import swMsiWindow from './reserved/sw-msi-window';
import unmappedDoorbell from './doorbells/unmapped-doorbell';
import swMsiExhausted from './doorbells/sw-msi-exhausted';
import msiBindMultiple from './doorbells/msi-bind-multiple';
import doorbellShared from './doorbells/doorbell-shared';
import rmrMismatch from './doorbells/rmr-mismatch';
import badNestParent from './nesting/bad-nest-parent';
import nestingUnsupported from './nesting/nesting-unsupported';
import s2Unmapped from './nesting/s2-unmapped';
import pasidTableFormat from './nesting/pasid-table-format';
import viommuWidth from './nesting/viommu-width';
import cmdlineOverridden from './cmdline/cmdline-overridden';
import cmdlineNoEffect from './cmdline/cmdline-no-effect';
import cmdlineUnknown from './cmdline/cmdline-unknown';
import cmdlineDeprecated from './cmdline/cmdline-deprecated';
import cmdlinePassthrough from './cmdline/cmdline-passthrough';
import expectFailed from './hygiene/expect-failed';
import unusedObject from './hygiene/unused-object';
import unusedSuppression from './hygiene/unused-suppression';
import internalError from './hygiene/internal-error';
import fwTableMalformed from './firmware/table-malformed';
import fwTableChecksum from './firmware/table-checksum';
import fwTableRevision from './firmware/table-revision';
import fwIdMapDangling from './firmware/id-map-dangling';
import fwIdMapOverlap from './firmware/id-map-overlap';
import fwIdCountOffByOne from './firmware/id-count-off-by-one';
import fwSharedStreamId from './firmware/shared-stream-id';
import fwSharedDeviceId from './firmware/shared-device-id';
import fwRmrUnaligned from './firmware/rmr-unaligned';
import fwRmrOverlap from './firmware/rmr-overlap';
import fwRmrNoDevice from './firmware/rmr-no-device';
import fwNoInterruptRemapping from './firmware/no-interrupt-remapping';
import fwIommuMapGap from './firmware/iommu-map-gap';
import fwHostBridgeIommuAddresses from './firmware/host-bridge-iommu-addresses';

export const ALL_CHECKS: readonly CheckDefinition[] = [
  syntaxError,
  unknownName,
  duplicateName,
  wrongKind,
  badNumber,
  badValue,
  missingProperty,
  includeError,
  unsupportedFeature,
  groupSplit,
  groupNotViable,
  groupMembership,
  groupTopology,
  acsOverride,
  domainIommuMismatch,
  requireDirect,
  msiNotIsolated,
  unsafeInterrupts,
  iommuOff,
  pasidInvalid,
  pasidConflict,
  pasidSharedGroup,
  mapOverlapsReserved,
  mapOverlap,
  mapUnaligned,
  mapOutsideAperture,
  outputOutsideRange,
  pgsizeUnsupported,
  swMsiConflict,
  swMsiWindow,
  unmappedDoorbell,
  swMsiExhausted,
  msiBindMultiple,
  doorbellShared,
  rmrMismatch,
  badNestParent,
  nestingUnsupported,
  s2Unmapped,
  pasidTableFormat,
  viommuWidth,
  cmdlineOverridden,
  cmdlineNoEffect,
  cmdlineUnknown,
  cmdlineDeprecated,
  cmdlinePassthrough,
  expectFailed,
  unusedObject,
  unusedSuppression,
  internalError,
  fwTableMalformed,
  fwTableChecksum,
  fwTableRevision,
  fwIdMapDangling,
  fwIdMapOverlap,
  fwIdCountOffByOne,
  fwSharedStreamId,
  fwSharedDeviceId,
  fwRmrUnaligned,
  fwRmrOverlap,
  fwRmrNoDevice,
  fwNoInterruptRemapping,
  fwIommuMapGap,
  fwHostBridgeIommuAddresses,
];
