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
 * Reads a compile request within {@link RequestLimits}: {@code DIST v, ARGC n, n x ARGV, DOTI} in
 * protocols 1 and 2; {@code DIST 3, CDIR, ARGC n, n x ARGV, NFIL n} and the files for pump. The
 * version is read first and kept, so that even a request that fails later can be answered in the
 * client's own version.
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
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
      readSource(out);
    }
  }

  /** Reads DOTI into {@code out}, which the caller closes. */
  public void readSource(OutputStream out) throws IOException {
    long length = sourceLength();
    if (version >= 2 && length > 0) {
      byte[] plain =
          Lzo.decompress(in.readBody((int) length), (int) length, limits.maxSourceBytes());
      out.write(plain);
    } else {
      in.copyBody(length, out);
    }
  }

  /** Pump: reads CDIR, the client's working directory. */
  public String readWorkingDirectory() throws IOException {
    return readString(Token.CDIR, "the working directory");
  }

  /**
   * Where each file of a pump request goes: the job's root, which checks every name and refuses
   * with an exception of its own, {@code E}, that reaches the caller of {@link #readFiles} as it
   * is.
   */
  public interface FileSink<E extends Exception> {
    OutputStream createFile(String clientPath) throws IOException, E;

    void createLink(String clientPath, String target) throws IOException, E;
  }

  /**
   * Pump: reads NFIL and every NAME with its FILE (LZO) or LINK into {@code sink}, within the file
   * count and total size limits.
   */
  public <E extends Exception> void readFiles(FileSink<E> sink) throws IOException, E {
    long count = fileCount();
    long total = 0;
    for (long i = 0; i < count; i++) {
      String name = readString(Token.NAME, "a file name");
      ProtocolReader.Header h = in.readHeader();
      if (h.token().equals(Token.FILE)) {
        if (h.parameter() > limits.maxSourceBytes()) {
          throw new ProtocolException(
              name + " is " + h.parameter() + " bytes compressed, over --max-source-size");
        }
        byte[] content =
            h.parameter() == 0
                ? new byte[0]
                : Lzo.decompress(
                    in.readBody((int) h.parameter()), (int) h.parameter(), limits.maxSourceBytes());
        total += content.length;
        if (total > limits.maxTotalBytes()) {
          throw new ProtocolException(
              "the files of this job exceed " + limits.maxTotalBytes() + " bytes");
        }
        try (OutputStream out = sink.createFile(name)) {
          out.write(content);
        }
      } else if (h.token().equals(Token.LINK)) {
        sink.createLink(name, readBodyString(h.parameter(), "a link target"));
      } else {
        throw new ProtocolException(
            "expected FILE or LINK after NAME but the client sent '" + h.token() + "'");
      }
    }
  }

  /** Pump: reads and drops every file entry, for a refusal the client must still get to read. */
  private void skipFiles() throws IOException {
    long count = fileCount();
    for (long i = 0; i < count; i++) {
      readString(Token.NAME, "a file name");
      ProtocolReader.Header h = in.readHeader();
      if (!h.token().equals(Token.FILE) && !h.token().equals(Token.LINK)) {
        throw new ProtocolException(
            "expected FILE or LINK but the client sent '" + h.token() + "'");
      }
      if (h.parameter() > limits.maxSourceBytes()) {
        throw new ProtocolException(
            "a file entry of " + h.parameter() + " bytes is over --max-source-size");
      }
      in.skipBody(h.parameter());
    }
  }

  private long fileCount() throws IOException {
    long count = in.readParameter(Token.NFIL);
    if (count > limits.maxFiles()) {
      throw new ProtocolException(
          "NFIL " + count + " is over the limit of " + limits.maxFiles() + " files");
    }
    return count;
  }

  private String readString(String token, String what) throws IOException {
    return readBodyString(in.readParameter(token), what);
  }

  private String readBodyString(long length, String what) throws IOException {
    if (length > limits.maxArgLength()) {
      throw new ProtocolException(what + " of " + length + " bytes is over --max-arg-length");
    }
    byte[] body = in.readBody((int) length);
    for (byte b : body) {
      if (b == 0) {
        throw new ProtocolException(what + " contains a NUL byte");
      }
    }
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * Reads and drops the input of a refused job (DOTI, or a pump job's files), so the client gets to
   * read the refusal.
   */
  public void skipInput() throws IOException {
    if (version == 3) {
      skipFiles();
    } else {
      skipSource();
    }
  }

  /** Reads and drops DOTI: the answer is a refusal, but the client must get to read it. */
  private void skipSource() throws IOException {
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
