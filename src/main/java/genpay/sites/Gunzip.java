package genpay.sites;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Gzip decoded as its bytes arrive (RFC 1952, concatenated members too), so a sitemap is parsed while it
 * downloads and never held whole. Output beyond {@code maxOutput} bytes fails: a small archive may unpack huge.
 */
final class Gunzip {

  /** Where decoded bytes go; answers false to stop. */
  interface Sink {
    boolean accept(byte[] bytes, int offset, int length);
  }

  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int MAX_HEADER = 64 * 1024;

  private final Inflater inflater = new Inflater(true);
  private final byte[] out = new byte[16 * 1024];
  private final long maxOutput;
  private final Sink sink;
  private ByteArrayOutputStream header = new ByteArrayOutputStream();
  private int trailerLeft;
  private long produced;
  private int members;
  private boolean ignoreRest;

  Gunzip(long maxOutput, Sink sink) {
    this.maxOutput = maxOutput;
    this.sink = sink;
  }

  /** Feeds raw bytes; answers false once the sink asked to stop. Throws {@link FetchException} on bad data. */
  boolean feed(byte[] bytes, int offset, int length) {
    int at = offset;
    int end = offset + length;
    while (at < end && !ignoreRest) {
      if (trailerLeft > 0) {
        int skip = Math.min(trailerLeft, end - at);
        trailerLeft -= skip;
        at += skip;
        if (trailerLeft == 0) {
          header = new ByteArrayOutputStream();
        }
        continue;
      }
      if (header != null) {
        if (members > 0 && header.size() == 0 && (bytes[at] & 0xff) != 0x1f) {
          // Padding after the last member, as some servers write: the data itself is complete.
          ignoreRest = true;
          break;
        }
        header.write(bytes[at++]);
        byte[] seen = header.toByteArray();
        if (seen.length > MAX_HEADER) {
          throw FetchException.unusable("gzip header too long");
        }
        if (headerLength(seen) > 0) {
          header = null;
          inflater.reset();
        }
        continue;
      }
      inflater.setInput(bytes, at, end - at);
      try {
        while (true) {
          int n = inflater.inflate(out);
          if (n > 0) {
            produced += n;
            if (produced > maxOutput) {
              throw FetchException.unusable("unpacks to more than " + maxOutput + " bytes");
            }
            if (!sink.accept(out, 0, n)) {
              return false;
            }
          }
          if (inflater.finished()) {
            at = end - inflater.getRemaining();
            trailerLeft = 8;
            members++;
            break;
          }
          if (inflater.needsDictionary()) {
            throw FetchException.unusable("gzip data needs a dictionary");
          }
          if (n == 0 && inflater.needsInput()) {
            at = end;
            break;
          }
        }
      } catch (DataFormatException e) {
        throw FetchException.unusable("broken gzip data");
      }
    }
    return true;
  }

  /** The header's length once {@code seen} holds all of it, else 0; throws when it is not gzip. */
  private static int headerLength(byte[] seen) {
    if (seen.length >= 1 && (seen[0] & 0xff) != 0x1f || seen.length >= 2 && (seen[1] & 0xff) != 0x8b
        || seen.length >= 3 && seen[2] != 8) {
      throw FetchException.unusable("not gzip data");
    }
    if (seen.length < 10) {
      return 0;
    }
    int flags = seen[3] & 0xff;
    int at = 10;
    if ((flags & FEXTRA) != 0) {
      if (seen.length < at + 2) {
        return 0;
      }
      at += 2 + ((seen[at] & 0xff) | (seen[at + 1] & 0xff) << 8);
    }
    for (int flag : new int[] {FNAME, FCOMMENT}) {
      if ((flags & flag) != 0) {
        while (at < seen.length && seen[at] != 0) {
          at++;
        }
        if (at >= seen.length) {
          return 0;
        }
        at++;
      }
    }
    if ((flags & FHCRC) != 0) {
      at += 2;
    }
    return seen.length >= at ? at : 0;
  }
}
