/** Where `assay serve` records scored samples unless told otherwise. */
export const DEFAULT_STORE = '.assay/runs.sqlite';
