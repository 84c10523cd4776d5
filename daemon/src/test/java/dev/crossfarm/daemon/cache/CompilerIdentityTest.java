package dev.crossfarm.daemon.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.crossfarm.daemon.job.CompilerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerIdentityTest {

  @TempDir Path dir;

  private static final Function<Path, Map<String, String>> ENV =
      new CompilerProcess(Duration.ofMinutes(1), "C.UTF-8")::environment;

  /**
   * A stand-in driver: answers the questions as gcc does, names a cc1 beside it, and counts its
   * runs in a file.
   */
  private Path driver(String version) throws IOException {
    Path cc1 = dir.resolve("cc1");
    if (!Files.exists(cc1)) {
      Files.writeString(cc1, "cc1 of " + version);
    }
    Path d = dir.resolve("gcc");
    Files.writeString(
        d,
        "#!/bin/sh\necho run >> "
            + dir.resolve("runs")
            + "\ncase \"$1\" in\n"
            + "  -dumpfullversion) echo "
            + version
            + " ;;\n  -dumpmachine) echo x86_64-linux-gnu ;;\n"
            + "  -print-prog-name=cc1) echo "
            + cc1
            + " ;;\n  *) echo \"${1#-print-prog-name=}\" ;;\nesac\n");
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    return d;
  }

  private long runs() throws IOException {
    return Files.exists(dir.resolve("runs")) ? Files.readAllLines(dir.resolve("runs")).size() : 0;
  }

  @Test
  void isTakenOnceAndKeptWhileTheFilesStayAsTheyWere() throws Exception {
    Path gcc = driver("12.2.0");
    CompilerIdentity identity = new CompilerIdentity(null, ENV);
    byte[] first = identity.of(gcc);
    long asked = runs();
    assertArrayEquals(first, identity.of(gcc));
    assertEquals(asked, runs(), "the second job asks the compiler nothing");
  }

  @Test
  void aCompilerUpgradedInPlaceGetsANewIdentity() throws Exception {
    Path gcc = driver("12.2.0");
    CompilerIdentity identity = new CompilerIdentity(null, ENV);
    byte[] before = identity.of(gcc);
    Files.writeString(dir.resolve("cc1"), "a rebuilt cc1 for 12.3.0");
    byte[] after = identity.of(gcc);
    assertFalse(Arrays.equals(before, after), "cc1 changed");
    driver("12.3.0");
    assertFalse(Arrays.equals(after, identity.of(gcc)), "the driver changed");
  }

  @Test
  void anotherProcessReadsTheSavedIdentityWithoutRunningTheCompiler() throws Exception {
    Path gcc = driver("12.2.0");
    Path saved = dir.resolve("identity");
    byte[] first = new CompilerIdentity(saved, ENV).of(gcc);
    long asked = runs();
    assertArrayEquals(first, new CompilerIdentity(saved, ENV).of(gcc));
    assertEquals(asked, runs());
    Files.writeString(dir.resolve("cc1"), "a new cc1");
    assertFalse(
        Arrays.equals(first, new CompilerIdentity(saved, ENV).of(gcc)), "stale: taken again");
  }

  @Test
  void realCompilersOfTwoTargetsDiffer() throws Exception {
    CompilerIdentity identity = new CompilerIdentity(null, ENV);
    assertFalse(
        Arrays.equals(
            identity.of(Path.of("/usr/bin/x86_64-linux-gnu-gcc")),
            identity.of(Path.of("/usr/bin/aarch64-linux-gnu-gcc"))));
  }

  @Test
  void anotherLocaleIsAnotherIdentity() throws Exception {
    Path gcc = Path.of("/usr/bin/x86_64-linux-gnu-gcc");
    byte[] utf8 = new CompilerIdentity(null, ENV).of(gcc);
    byte[] c =
        new CompilerIdentity(null, new CompilerProcess(Duration.ofMinutes(1), "C")::environment)
            .of(gcc);
    assertFalse(Arrays.equals(utf8, c), "diagnostics quote differently: another identity");
  }

  @Test
  void aCompilerThatCannotAnswerIsAnError() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken"), "#!/bin/sh\nexit 3\n");
    Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThrows(IOException.class, () -> new CompilerIdentity(null, ENV).of(broken));
  }
}
