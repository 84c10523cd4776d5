package dev.crossfarm.daemon.protocol;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a protocol 1 or 2 compile request ({@code DIST v, ARGC n, n x ARGV, DOTI}) within {@link
 * RequestLimits}. The version is read first and kept, so that even a request that fails later can
 * be answered in the client's own version.
 */
public final class RequestReader {

  /** Highest version stock distcc speaks; a higher one is garbage, not a future client. */
  public static final int MAX_VERSION = 3;

  private final ProtocolReader in;
  private final RequestLimits limits;
  private int version;

  public RequestReader(ProtocolReader in, RequestLimits limits) {
    this.in = in;
    this.limits = limits;
  }

  /** The version from DIST, or 0 before it was read (or when it was not a valid version). */
  public int version() {
    return version;
  }

  /** Reads DIST and checks it is a version this volunteer can answer. */
  public int readVersion() throws IOException {
    long v = in.readParameter(Token.DIST);
    if (v < 1 || v > MAX_VERSION) {
      throw new ProtocolException(
          "unsupported protocol version " + v + " (distcc speaks 1, 2 and 3)");
    }
    version = (int) v;
    return version;
  }

  /** Reads ARGC and every ARGV, within the limits. */
  public Request readArguments() throws IOException {
    long argc = in.readParameter(Token.ARGC);
    if (argc < 1 || argc > limits.maxArgs()) {
      throw new ProtocolException(
          "ARGC " + argc + " is outside 1.." + limits.maxArgs() + " (--max-args)");
    }
    List<String> argv = new ArrayList<>((int) argc);
    for (int i = 0; i < argc; i++) {
      long length = in.readParameter(Token.ARGV);
      if (length > limits.maxArgLength()) {
        throw new ProtocolException(
            "argument "
                + i
                + " is "
                + length
                + " bytes, over the limit of "
                + limits.maxArgLength()
                + " (--max-arg-length)");
      }
      byte[] body = in.readBody((int) length);
      for (byte b : body) {
        if (b == 0) {
          throw new ProtocolException("argument " + i + " contains a NUL byte");
        }
      }
      argv.add(new String(body, StandardCharsets.UTF_8));
    }
    return new Request(version, argv);
  }

  /**
   * Reads DOTI into {@code file}: streamed as it arrives in protocol 1, decompressed within the
   * source limit in protocol 2.
   */
  public void readSource(Path file) throws IOException {
    long length = sourceLength();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
      if (version >= 2 && length > 0) {
        byte[] plain =
            Lzo.decompress(in.readBody((int) length), (int) length, limits.maxSourceBytes());
        out.write(plain);
      } else {
        in.copyBody(length, out);
      }
    }
  }

  /** Reads and drops DOTI: the answer is a refusal, but the client must get to read it. */
  public void skipSource() throws IOException {
    in.skipBody(sourceLength());
  }

  private long sourceLength() throws IOException {
    long length = in.readParameter(Token.DOTI);
    if (length > limits.maxSourceBytes()) {
      throw new ProtocolException(
          "the source is "
              + length
              + " bytes, over the limit of "
              + limits.maxSourceBytes()
              + " (--max-source-size)");
    }
    return length;
  }
}
