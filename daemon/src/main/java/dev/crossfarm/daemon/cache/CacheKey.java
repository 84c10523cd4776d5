package dev.crossfarm.daemon.cache;

import dev.crossfarm.daemon.job.CompileCommand;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The name of one compile's result: SHA-256 over the entry format's version, the compiler's
 * identity, the command as the volunteer runs it (the policy's rewritten arguments, with the job's
 * own paths left as the markers they are, so nothing job-specific enters) and the digest of the
 * preprocessed source after decompression. Every part is written with its length, so no two
 * different requests can be made to read the same.
 */
public record CacheKey(String hex) {

  /** Changes whenever what a key covers or an entry holds changes. */
  static final String FORMAT = "crossfarm result 1";

  public CacheKey {
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a cache key: " + hex);
    }
  }

  /**
   * @param compiler the compiler's {@link CompilerIdentity}
   * @param source the SHA-256 of the preprocessed source
   */
  public static CacheKey of(byte[] compiler, CompileCommand command, byte[] source) {
    MessageDigest d = Digests.sha256();
    field(d, FORMAT);
    field(d, compiler);
    field(d, command.compiler().tool());
    field(d, command.inputExtension());
    field(d, command.assemblyOnly() ? "assembly" : "object");
    field(d, command.pump() ? "pump" : "plain");
    field(d, Integer.toString(command.arguments().size()));
    for (Object a : command.arguments()) {
      if (a instanceof CompileCommand.Slot slot) {
        field(d, new byte[] {0, 1}); // a marker no argument can be: arguments carry no NUL
        field(d, slot.name());
      } else if (a instanceof CompileCommand.Rooted rooted) {
        field(d, new byte[] {0, 2});
        field(d, rooted.option());
        field(d, rooted.path());
      } else {
        field(d, (String) a);
      }
    }
    field(d, source);
    return new CacheKey(HexFormat.of().formatHex(d.digest()));
  }

  private static void field(MessageDigest d, String text) {
    field(d, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void field(MessageDigest d, byte[] bytes) {
    d.update(ByteBuffer.allocate(8).putLong(bytes.length).array());
    d.update(bytes);
  }
}
