package dev.crossfarm.daemon.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uses the machine's gcc to make a real -g object in a directory standing for a job root. */
class DebugPathsTest {

  @TempDir Path dir;

  @Test
  void replacesTheRootBySlashesOfTheSameLengthInTheDebugSectionsOnly() throws Exception {
    Path root = Files.createDirectories(dir.resolve("job-1/root"));
    Path src = Files.createDirectories(root.resolve("home/u/src"));
    Files.writeString(src.resolve("a.c"), "int a(int x) { return x + 1; }\n");
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-g",
                "-c",
                src.resolve("a.c").toString(),
                "-o",
                dir.resolve("a.o").toString())
            .directory(src.toFile())
            .inheritIO()
            .start();
    assertEquals(0, gcc.waitFor());
    long size = Files.size(dir.resolve("a.o"));

    int replaced = DebugPaths.rewrite(dir.resolve("a.o"), root.toString());

    assertTrue(replaced >= 2, "comp dir and source name: " + replaced);
    assertEquals(size, Files.size(dir.resolve("a.o")), "no offset moves");
    String text = new String(Files.readAllBytes(dir.resolve("a.o")), StandardCharsets.ISO_8859_1);
    assertFalse(text.contains(root.toString()));
    assertTrue(text.contains("/".repeat(root.toString().length()) + "/home/u/src"));
  }

  @Test
  void leavesNonElfAlone() throws Exception {
    Path f = Files.writeString(dir.resolve("x.s"), "\t.text\n");
    assertEquals(0, DebugPaths.rewrite(f, "/tmp"));
  }
}
