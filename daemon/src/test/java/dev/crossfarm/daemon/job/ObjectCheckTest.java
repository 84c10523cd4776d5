package dev.crossfarm.daemon.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectCheckTest {

  @TempDir Path dir;
  private final ToolchainCatalog catalog = ToolchainCatalog.builtIn();

  /** A minimal ELF header: class, byte order, e_machine at offset 18. */
  private Path elf(int elfClass, boolean little, int machine) throws Exception {
    byte[] h = new byte[64];
    h[0] = 0x7f;
    h[1] = 'E';
    h[2] = 'L';
    h[3] = 'F';
    h[4] = (byte) (elfClass == 64 ? 2 : 1);
    h[5] = (byte) (little ? 1 : 2);
    h[little ? 18 : 19] = (byte) machine;
    h[little ? 19 : 18] = (byte) (machine >> 8);
    Path file = dir.resolve("o" + elfClass + machine + little);
    Files.write(file, h);
    return file;
  }

  @Test
  void acceptsEachTargetsOwnMachine() throws Exception {
    assertDoesNotThrow(
        () -> new ObjectCheck(catalog.get("aarch64").elf()).verify(elf(64, true, 183)));
    assertDoesNotThrow(
        () -> new ObjectCheck(catalog.get("armv7h").elf()).verify(elf(32, true, 40)));
    assertDoesNotThrow(
        () -> new ObjectCheck(catalog.get("x86_64").elf()).verify(elf(64, true, 62)));
  }

  @Test
  void refusesAnX86ObjectOnTheAarch64Volunteer() throws Exception {
    Path x86 = elf(64, true, 62);
    JobRefusedException e =
        assertThrows(
            JobRefusedException.class,
            () -> new ObjectCheck(catalog.get("aarch64").elf()).verify(x86));
    assertTrue(e.getMessage().contains("AArch64") && e.getMessage().contains("not sent"));
  }

  @Test
  void refusesWrongClassAndByteOrder() throws Exception {
    ObjectCheck arm = new ObjectCheck(catalog.get("armv7h").elf());
    Path arm64bit = elf(64, true, 40);
    Path armBig = elf(32, false, 40);
    assertThrows(JobRefusedException.class, () -> arm.verify(arm64bit));
    assertThrows(JobRefusedException.class, () -> arm.verify(armBig));
  }

  @Test
  void refusesTextAndMissingFiles() throws Exception {
    ObjectCheck check = new ObjectCheck(catalog.get("x86_64").elf());
    Path text = Files.writeString(dir.resolve("t.o"), "\t.file \"x.c\"\n\t.text\n");
    assertThrows(JobRefusedException.class, () -> check.verify(text));
    assertThrows(JobRefusedException.class, () -> check.verify(dir.resolve("missing.o")));
  }
}
