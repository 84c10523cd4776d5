package dev.crossfarm.daemon.job;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.toolchain.ElfTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Checks the ELF header of every object before it is sent: class, byte order and machine must be
 * the volunteer's target. The catalog already picks the target's compiler, so this is the last line
 * against stock distcc issue #440 (an arm64 client silently given x86-64 objects): a wrong object
 * is never sent, whatever produced it.
 */
public final class ObjectCheck {

  private final ElfTarget target;

  public ObjectCheck(ElfTarget target) {
    this.target = target;
  }

  /**
   * @throws JobRefusedException when the object is missing, not ELF, or for another machine
   */
  public void verify(Path object) throws JobRefusedException, IOException {
    byte[] h = new byte[20];
    int n;
    try (InputStream in = Files.newInputStream(object)) {
      n = in.readNBytes(h, 0, h.length);
    } catch (NoSuchFileException e) {
      throw new JobRefusedException(
          ExitCode.DISTCC_FAILED, "the compiler reported success but wrote no object");
    }
    if (n < h.length || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
      throw new JobRefusedException(
          ExitCode.DISTCC_FAILED, "the compiler's output is not an ELF object; not sent");
    }
    int elfClass = h[4] == 1 ? 32 : h[4] == 2 ? 64 : 0;
    boolean little = h[5] == 1;
    int machine =
        little ? (h[18] & 0xff) | (h[19] & 0xff) << 8 : (h[19] & 0xff) | (h[18] & 0xff) << 8;
    if (elfClass != target.elfClass()
        || little != target.littleEndian()
        || machine != target.machine()) {
      throw new JobRefusedException(
          ExitCode.DISTCC_FAILED,
          "the object is ELF"
              + elfClass
              + (little ? " little" : " big")
              + "-endian machine "
              + machine
              + ", but this volunteer builds "
              + target.describe()
              + " (machine "
              + target.machine()
              + "); it was not sent");
    }
  }
}
