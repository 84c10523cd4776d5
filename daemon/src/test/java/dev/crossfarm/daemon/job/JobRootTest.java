package dev.crossfarm.daemon.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRootTest {

  @TempDir Path dir;

  private JobRoot root() throws Exception {
    return new JobRoot(dir.resolve("root"));
  }

  @Test
  void recreatesClientPathsUnderTheRoot() throws Exception {
    JobRoot root = root();
    try (OutputStream out = root.createFile("/home/u/src/a.c")) {
      out.write('x');
    }
    assertEquals("x", Files.readString(dir.resolve("root/home/u/src/a.c")));
  }

  @Test
  void reRootsAbsoluteLinkTargetsAndKeepsSafeRelativeOnes() throws Exception {
    JobRoot root = root();
    root.createLink("/usr/include/sys", "/usr/include/x86_64-linux-gnu/sys");
    root.createLink("/home/u/src/up.h", "../../lib/up.h");
    assertEquals(
        dir.resolve("root/usr/include/x86_64-linux-gnu/sys"),
        Files.readSymbolicLink(dir.resolve("root/usr/include/sys")));
    assertEquals(
        Path.of("../../lib/up.h"), Files.readSymbolicLink(dir.resolve("root/home/u/src/up.h")));
  }

  @Test
  void relativeTargetsMayClimbOnlyToTheRootAndOnlyAtTheirStart() throws Exception {
    JobRoot root = root();
    assertThrows(JobRefusedException.class, () -> root.linkTarget("/a/b", "../../x"));
    assertThrows(JobRefusedException.class, () -> root.linkTarget("/a/b", "c/../../x"));
    assertThrows(JobRefusedException.class, () -> root.linkTarget("/a/b", "./x"));
    assertEquals(Path.of("../x"), root.linkTarget("/a/b", "../x"));
  }

  @Test
  void refusesUnplainNames() throws Exception {
    JobRoot root = root();
    for (String bad : new String[] {"relative/a.c", "/a/../b", "/a/./b", "/a\0b"}) {
      assertThrows(JobRefusedException.class, () -> root.createFile(bad), bad);
    }
  }

  @Test
  void neverWritesThroughALinkTheClientSent() throws Exception {
    JobRoot root = root();
    Path outside = Files.createDirectories(dir.resolve("outside"));
    root.createLink(
        "/escape", outside.toString()); // re-rooted: points at ROOT/<outside>, but still a link
    JobRefusedException e =
        assertThrows(JobRefusedException.class, () -> root.createFile("/escape/x"));
    assertTrue(e.getMessage().contains("through a link"), e.getMessage());
    try (var s = Files.list(outside)) {
      assertEquals(0, s.count());
    }
  }
}
