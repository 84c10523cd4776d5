package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.image.ImageRecipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checked-in systemd/ and compose/ files are exactly what the commands generate. */
class GeneratedArtefactsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path out;

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
    }
  }

  private static void assertSameTree(Path expected, Path actual) throws IOException {
    assertEquals(files(expected), files(actual), "the same files");
    for (Path f : files(expected)) {
      assertEquals(
          Files.readString(expected.resolve(f)),
          Files.readString(actual.resolve(f)),
          f
              + " differs from what the command generates: regenerate it (see "
              + expected.getParent().resolve("README.md")
              + ")");
    }
  }

  @Test
  void systemdUnitsForCrossfarmAreUpToDate() throws IOException {
    assertEquals(
        0,
        Farm.run(
            "systemd",
            "x86_64",
            "armv7h",
            "aarch64",
            "--farm",
            "/usr/local/bin/farm",
            "--out",
            out.toString()));
    assertSameTree(ROOT.resolve("systemd/crossfarm"), out);
  }

  @Test
  void systemdUnitsForStockDistccdAreUpToDate() throws IOException {
    assertEquals(
        0,
        Farm.run(
            "systemd",
            "x86_64",
            "armv7h",
            "aarch64",
            "--engine",
            "distccd",
            "--out",
            out.toString()));
    assertSameTree(ROOT.resolve("systemd/stock-distccd"), out);
  }

  @Test
  void theLauncherReadsTheJvmOptionsTheCliBundles() throws IOException {
    // one list: images/jvm.options, which the launcher reads and the CLI bundles for images
    String launcher = Files.readString(ROOT.resolve("farm"));
    assertTrue(
        launcher.contains("\"$here/images/jvm.options\""), "./farm reads images/jvm.options");
    assertFalse(launcher.contains("-Xmx"), "./farm keeps no second copy of the options");
    List<String> inFile =
        Files.readAllLines(ROOT.resolve("images/jvm.options")).stream()
            .map(l -> l.replaceAll("#.*", "").strip())
            .filter(l -> !l.isEmpty())
            .toList();
    assertEquals(inFile, ImageRecipe.bundled().jvmOptions());
    assertTrue(inFile.contains("-XX:+UseSerialGC"), "the options hold what keeps RSS low");
  }

  @Test
  void composeFileIsUpToDate() throws IOException {
    Path file = out.resolve("compose.yaml");
    assertEquals(0, Farm.run("compose", "--out", file.toString()));
    assertEquals(Files.readString(ROOT.resolve("compose/compose.yaml")), Files.readString(file));
  }
}
