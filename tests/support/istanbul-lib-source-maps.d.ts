// The one function of istanbul-lib-source-maps (a jest dependency, without published types for its v5) the
// coverage environment uses.
declare module 'istanbul-lib-source-maps' {
  import type { CoverageMap } from 'istanbul-lib-coverage';
  export function createSourceMapStore(): { transformCoverage(map: CoverageMap): Promise<CoverageMap> };
}
