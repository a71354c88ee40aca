/**
 * KSUIDs, the sync ids of a c1z: 20 bytes, a big-endian uint32 of seconds since the
 * KSUID epoch (2014-05-13T16:53:20Z) followed by 16 random bytes, written as 27 base-62
 * characters, zero-padded, so that string order is time order. Same format as segmentio/ksuid,
 * which the Go SDK uses.
 */
import { randomBytes } from "node:crypto";

/** Seconds between the Unix epoch and the KSUID epoch. */
export const KSUID_EPOCH_SECONDS = 1_400_000_000;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ENCODED_LENGTH = 27;
const BYTE_LENGTH = 20;
const PAYLOAD_LENGTH = 16;

/** A new KSUID for the given time (default now) and payload (default 16 random bytes). */
export function newKsuid(
  now: Date = new Date(),
  payload: Uint8Array = randomBytes(PAYLOAD_LENGTH),
): string {
  if (payload.length !== PAYLOAD_LENGTH) {
    throw new RangeError(`KSUID payload must be ${PAYLOAD_LENGTH} bytes, got ${payload.length}`);
  }
  const seconds = Math.floor(now.getTime() / 1000) - KSUID_EPOCH_SECONDS;
  if (seconds < 0 || seconds > 0xffff_ffff) {
    throw new RangeError(`time ${now.toISOString()} is outside the KSUID range`);
  }
  const bytes = new Uint8Array(BYTE_LENGTH);
  new DataView(bytes.buffer).setUint32(0, seconds, false);
  bytes.set(payload, 4);
  return encodeKsuid(bytes);
}

/** The 27-character base-62 form of 20 KSUID bytes. */
export function encodeKsuid(bytes: Uint8Array): string {
  if (bytes.length !== BYTE_LENGTH) {
    throw new RangeError(`a KSUID is ${BYTE_LENGTH} bytes, got ${bytes.length}`);
  }
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(ENCODED_LENGTH, "0");
}

/** The 20 bytes of a KSUID string; throws on a malformed one. */
export function decodeKsuid(id: string): Uint8Array {
  if (id.length !== ENCODED_LENGTH) {
    throw new RangeError(`a KSUID is ${ENCODED_LENGTH} characters, got ${id.length}`);
  }
  let n = 0n;
  for (const ch of id) {
    const digit = ALPHABET.indexOf(ch);
    if (digit < 0) throw new RangeError(`invalid KSUID character ${JSON.stringify(ch)}`);
    n = n * 62n + BigInt(digit);
  }
  if (n >> 160n !== 0n) throw new RangeError(`KSUID ${id} is out of range`);
  const bytes = new Uint8Array(BYTE_LENGTH);
  for (let i = BYTE_LENGTH - 1; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return bytes;
}

/** The creation time encoded in a KSUID (whole seconds). */
export function ksuidTime(id: string): Date {
  const seconds = new DataView(decodeKsuid(id).buffer).getUint32(0, false);
  return new Date((seconds + KSUID_EPOCH_SECONDS) * 1000);
}
