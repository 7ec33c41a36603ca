package genpay.redis;

import java.nio.charset.StandardCharsets;

/** Redis Cluster's key → hash slot: CRC16 (XMODEM) of the key, or of its hash tag {…}, mod 16384. */
public final class HashSlots {

  public static final int COUNT = 16_384;

  private HashSlots() {
  }

  public static int of(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int start = 0;
    int end = bytes.length;
    int open = indexOf(bytes, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(bytes, (byte) '}', open + 1);
      // An empty tag "{}" is no tag: the whole key is hashed.
      if (close > open + 1) {
        start = open + 1;
        end = close;
      }
    }
    return crc16(bytes, start, end) % COUNT;
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  private static int crc16(byte[] bytes, int start, int end) {
    int crc = 0;
    for (int i = start; i < end; i++) {
      crc ^= (bytes[i] & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
    }
    return crc & 0xffff;
  }
}
