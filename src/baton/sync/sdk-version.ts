/**
 * Hosts send `active_sync_id` only to connectors whose Validate reports an SDK version at or above
 * 0.4.3 (semver with or without Go's leading "v"; a pre-release suffix fails the check, build
 * metadata does not).
 */
const VERSION_WITH_SYNC_ID = [0, 4, 3];

/** Whether a connector reporting `sdkVersion` gets `active_sync_id` in every request. */
export function sendsSyncId(sdkVersion: string): boolean {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:\+[0-9A-Za-z.-]+)?$/.exec(sdkVersion.trim());
  if (!m) return false;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) {
    const have = v[i] ?? 0;
    const need = VERSION_WITH_SYNC_ID[i] ?? 0;
    if (have !== need) return have > need;
  }
  return true;
}
