// The product's version: stamped in by the build (scripts/build.mjs), read from package.json when
// the sources run directly (tests).

import pkg from '../../package.json';

declare const IOMMU_CHECK_VERSION: string | undefined;

export const VERSION: string = typeof IOMMU_CHECK_VERSION === 'string' ? IOMMU_CHECK_VERSION : pkg.version;
