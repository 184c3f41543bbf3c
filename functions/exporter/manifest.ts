/**
 * The QuickSight manifest of a poll's export (QuickSight's own S3 manifest format): the URIs of every part,
 * with the CSV settings the parts are written with. QuickSight takes at most 1,000 files from a manifest;
 * past that the manifest names the poll's folder as a URI prefix instead, which holds exactly the same
 * parts (a part name is reused, never duplicated, when a run is repeated).
 */

/** QuickSight's limit on the files one manifest names. */
export const MANIFEST_MAX_URIS = 1000;

/** A QuickSight S3 manifest. */
export interface QuickSightManifest {
  readonly fileLocations: readonly (
    | { readonly URIs: readonly string[] }
    | { readonly URIPrefixes: readonly string[] }
  )[];
  readonly globalUploadSettings: {
    readonly format: 'CSV';
    readonly delimiter: ',';
    readonly textqualifier: '"';
    readonly containsHeader: 'true';
  };
}

const CSV_SETTINGS = { format: 'CSV', delimiter: ',', textqualifier: '"', containsHeader: 'true' } as const;

/** The manifest for the parts at `uris`, or for everything under `prefixUri` when there are too many. */
export function quickSightManifest(uris: readonly string[], prefixUri: string): QuickSightManifest {
  return {
    fileLocations: [uris.length <= MANIFEST_MAX_URIS ? { URIs: uris } : { URIPrefixes: [prefixUri] }],
    globalUploadSettings: CSV_SETTINGS,
  };
}
