/**
 * WebSocket framing for server-to-client text frames (RFC 6455 section 5.2). A change is framed
 * once and the same bytes are written to every socket, so fan-out costs one write per client
 * instead of a JSON.stringify and a frame build per client. Server frames are never masked.
 */

const encoder = new TextEncoder();

/** Frames a UTF-8 payload as one final, unmasked text frame (opcode 0x1). */
export function encodeTextFrame(text: string): Uint8Array {
  const payload = encoder.encode(text);
  const n = payload.length;
  const headerLength = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = new Uint8Array(headerLength + n);
  frame[0] = 0x81; // FIN + text
  if (n < 126) {
    frame[1] = n;
  } else if (n < 65536) {
    frame[1] = 126;
    frame[2] = n >>> 8;
    frame[3] = n & 0xff;
  } else {
    frame[1] = 127;
    // 64-bit length; payloads here stay far below 2^32, so the high word is zero.
    new DataView(frame.buffer).setUint32(6, n);
  }
  frame.set(payload, headerLength);
  return frame;
}
