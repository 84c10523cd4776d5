package dev.crossfarm.daemon.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes the reply to a request of any protocol, in the order stock distccd uses: {@code DONE v,
 * STAT, SERR, SOUT, DOTO}, and {@code DOTD} after a pump job that succeeded. The object is sent
 * only when the status is 0; on failure {@code DOTO} is empty, as stock's.
 */
public final class ReplyWriter {

  private final ProtocolWriter out;

  public ReplyWriter(ProtocolWriter out) {
    this.out = out;
  }

  /**
   * The compiler's own answer: its wait status, its stderr (with any notes of the volunteer
   * appended), its stdout and the object file; a pump reply (version 3) that succeeded ends with
   * DOTD, the dependency file.
   */
  public void writeResult(
      int version, int waitStatus, byte[] stderr, Path stdout, Path object, byte[] dependencies)
      throws IOException {
    boolean lzo = version >= 2;
    out.writeToken(Token.DONE, version);
    out.writeToken(Token.STAT, waitStatus);
    out.writeItem(Token.SERR, stderr, lzo);
    out.writeFile(Token.SOUT, stdout, lzo);
    if (waitStatus == 0) {
      out.writeFile(Token.DOTO, object, lzo);
      if (version == 3) {
        out.writeItem(Token.DOTD, dependencies == null ? new byte[0] : dependencies, lzo);
      }
    } else {
      out.writeToken(Token.DOTO, 0);
    }
    out.flush();
  }

  /**
   * A successful compile's reply kept by the result cache (protocols 1 and 2): the same packets as
   * {@link #writeResult} with status 0, from memory.
   */
  public void writeCached(int version, byte[] stderr, byte[] stdout, byte[] object)
      throws IOException {
    if (version == 3) {
      throw new IllegalArgumentException("pump replies carry a dependency file: never cached");
    }
    boolean lzo = version >= 2;
    out.writeToken(Token.DONE, version);
    out.writeToken(Token.STAT, 0);
    out.writeItem(Token.SERR, stderr, lzo);
    out.writeItem(Token.SOUT, stdout, lzo);
    out.writeItem(Token.DOTO, object, lzo);
    out.flush();
  }

  /**
   * A reply that compiles nothing and says why: a non-zero status with the reason in SERR, so the
   * stock client shows it and falls back to a local compile instead of retrying blindly (stock
   * distccd closes the socket silently in these cases).
   */
  public void writeRefusal(int version, int exitCode, String message) throws IOException {
    boolean lzo = version >= 2;
    out.writeToken(Token.DONE, version);
    out.writeToken(Token.STAT, (long) (exitCode & 0xff) << 8);
    String text = message.endsWith("\n") ? message : message + "\n";
    out.writeItem(Token.SERR, text.getBytes(StandardCharsets.UTF_8), lzo);
    out.writeToken(Token.SOUT, 0);
    out.writeToken(Token.DOTO, 0);
    out.flush();
  }
}
