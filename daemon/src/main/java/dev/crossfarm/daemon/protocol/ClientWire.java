package dev.crossfarm.daemon.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The client's side of the wire, as stock distcc writes and reads it: a whole request, a whole
 * reply. For what talks to a volunteer as a client does: health probes, and tests that send what
 * the stock client never would.
 */
public final class ClientWire {

  private ClientWire() {}

  /** One file of a pump request: its contents, or the target of a symbolic link. */
  public record FileEntry(String name, byte[] content, String link) {
    public static FileEntry file(String name, byte[] content) {
      return new FileEntry(name, content, null);
    }

    public static FileEntry link(String name, String target) {
      return new FileEntry(name, null, target);
    }
  }

  /** A reply, every body decompressed; {@code dependencies} is null unless a pump job succeeded. */
  public record Reply(
      int version, int status, byte[] stderr, byte[] stdout, byte[] object, byte[] dependencies) {

    /** The exit code in STAT (a refusal's, or the compiler's). */
    public int exitCode() {
      return status >> 8 & 0xff;
    }

    public String stderrText() {
      return new String(stderr, StandardCharsets.UTF_8);
    }
  }

  /** A plain request: {@code DIST v, ARGC, ARGV..., DOTI} (LZO from version 2). */
  public static void writePlain(ProtocolWriter out, int version, List<String> argv, byte[] source)
      throws IOException {
    out.writeToken(Token.DIST, version);
    writeArguments(out, argv);
    out.writeItem(Token.DOTI, source, version >= 2);
    out.flush();
  }

  /**
   * A pump request: {@code DIST 3, CDIR, ARGC, ARGV..., NFIL}, then each NAME with FILE or LINK.
   */
  public static void writePump(
      ProtocolWriter out, String cwd, List<String> argv, List<FileEntry> files) throws IOException {
    out.writeToken(Token.DIST, 3);
    out.writeString(Token.CDIR, cwd);
    writeArguments(out, argv);
    out.writeToken(Token.NFIL, files.size());
    for (FileEntry e : files) {
      out.writeString(Token.NAME, e.name());
      if (e.link() != null) {
        out.writeString(Token.LINK, e.link());
      } else {
        out.writeItem(Token.FILE, e.content(), true);
      }
    }
    out.flush();
  }

  private static void writeArguments(ProtocolWriter out, List<String> argv) throws IOException {
    out.writeToken(Token.ARGC, argv.size());
    for (String a : argv) {
      out.writeString(Token.ARGV, a);
    }
  }

  /**
   * Reads a whole reply: {@code DONE, STAT, SERR, SOUT, DOTO}, and {@code DOTD} after a pump job
   * that succeeded.
   *
   * @param maxBytes the most any one body may decompress to
   */
  public static Reply readReply(ProtocolReader in, long maxBytes) throws IOException {
    int version = (int) in.readParameter(Token.DONE);
    boolean lzo = version >= 2;
    int status = (int) in.readParameter(Token.STAT);
    byte[] stderr = body(in, Token.SERR, lzo, maxBytes);
    byte[] stdout = body(in, Token.SOUT, lzo, maxBytes);
    byte[] object = body(in, Token.DOTO, lzo, maxBytes);
    byte[] dependencies = version == 3 && status == 0 ? body(in, Token.DOTD, true, maxBytes) : null;
    return new Reply(version, status, stderr, stdout, object, dependencies);
  }

  private static byte[] body(ProtocolReader in, String token, boolean lzo, long maxBytes)
      throws IOException {
    long n = in.readParameter(token);
    if (n > maxBytes) {
      throw new ProtocolException(token + " of " + n + " bytes is over " + maxBytes);
    }
    byte[] raw = in.readBody((int) n);
    return lzo && n > 0 ? Lzo.decompress(raw, (int) n, maxBytes) : raw;
  }
}
