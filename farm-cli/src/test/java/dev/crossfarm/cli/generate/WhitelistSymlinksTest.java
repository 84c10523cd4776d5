package dev.crossfarm.cli.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WhitelistSymlinksTest {

  @TempDir Path dir;
  private final Path distcc = Path.of("/usr/bin/distcc");
  private final List<Toolchain> armv7h = List.of(ToolchainCatalog.builtIn().get("armv7h"));

  @Test
  void linksEveryToolOfEveryTripleToDistcc() throws Exception {
    WhitelistSymlinks.apply(WhitelistSymlinks.plan(armv7h, dir, distcc), distcc);
    for (String name :
        List.of(
            "armv7l-unknown-linux-gnueabihf-gcc",
            "armv7l-unknown-linux-gnueabihf-clang++",
            "arm-linux-gnueabihf-cpp",
            "arm-unknown-linux-gnueabihf-c++")) {
      assertEquals(distcc, Files.readSymbolicLink(dir.resolve(name)));
    }
    try (var s = Files.list(dir)) {
      assertEquals(3 * 7, s.count());
    }
  }

  @Test
  void aSecondRunCreatesNothing() throws Exception {
    WhitelistSymlinks.apply(WhitelistSymlinks.plan(armv7h, dir, distcc), distcc);
    assertTrue(
        WhitelistSymlinks.plan(armv7h, dir, distcc).stream()
            .allMatch(l -> l.action() == WhitelistSymlinks.Action.PRESENT));
  }

  @Test
  void refusesToReplaceAFileOrAnotherLinkAndWritesNothing() throws Exception {
    Files.writeString(dir.resolve("arm-linux-gnueabihf-gcc"), "a real compiler\n");
    Files.createSymbolicLink(dir.resolve("arm-linux-gnueabihf-g++"), Path.of("/usr/bin/g++"));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> WhitelistSymlinks.plan(armv7h, dir, distcc));
    assertTrue(
        e.getMessage().contains("arm-linux-gnueabihf-gcc")
            && e.getMessage().contains("arm-linux-gnueabihf-g++"));
    try (var s = Files.list(dir)) {
      assertEquals(2, s.count());
    }
  }
}
