package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image recipe is not tied to one Debian release: with {@code image: {suite: trixie}} the
 * aarch64 volunteer image builds from trixie's packages (gcc 14, where this machine's bookworm has
 * gcc 12), {@code farm up} runs it, and a stock client's job through it gives an aarch64 object
 * identical to what that compiler gives when run in the image directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrixieImageIT {

  private Engine engine;
  private Path work;
  private Path config;

  @BeforeAll
  void trixie(@TempDir Path work) throws Exception {
    this.work = work;
    engine = DockerEngine.require();
    Cli.farm(work, Map.of(), "down").ok("farm down before the test");
    // a port of its own: nothing of the default farm answers there
    config =
        Files.writeString(
            work.resolve("farm.yaml"),
            "image: {suite: trixie}\nper-target:\n  aarch64: {port: 3736}\n");
  }

  @AfterAll
  void restore() {
    if (engine == null) {
      return;
    }
    Cli.farm(work, Map.of(), "down");
    // the unversioned tag names the newest build: give it back to the default suite's image
    Cli.farm(work, Map.of(), "image", "build", "aarch64");
    engine.close();
  }

  @Test
  void aTrixieVolunteerBuildsRunsAndCompilesWithGcc14() throws Exception {
    Cli.farm(work, Map.of(), "image", "build", "aarch64", "--config", config.toString())
        .ok("farm image build aarch64 (trixie)");
    String image = "crossfarm/volunteer-aarch64:" + Farm.version();
    String version = gccInImage(image, "-dumpfullversion").out().trim();
    assertTrue(version.startsWith("14."), version);

    Cli.farm(work, Map.of(), "up", "aarch64", "--config", config.toString()).ok("farm up (trixie)");
    String status = Cli.farm(work, Map.of(), "status").ok("farm status").out();
    assertTrue(
        status.lines().anyMatch(l -> l.contains("aarch64") && l.contains(" " + version)), status);
    Files.writeString(work.resolve("f.c"), "int f(int x){return x*3+1;}\n");
    Cli.run(
            work,
            Cli.distcc("127.0.0.1:3736/2,lzo", work.resolve("dcc"), false),
            60,
            List.of("distcc", "aarch64-linux-gnu-gcc", "-O2", "-c", "f.c", "-o", "f.o"))
        .ok("a job through the trixie volunteer");
    String file = Cli.run(work, "file", "f.o").ok("file").out();
    assertTrue(file.contains("ARM aarch64"), file);
    // the same compile inside the image: the volunteer used trixie's compiler, not the host's
    gccInImage(image, "-O2", "-c", "f.c", "-o", "inside.o");
    assertEquals(-1, Files.mismatch(work.resolve("f.o"), work.resolve("inside.o")));

    // this host's cross gcc 12 preprocesses with Debian's cross headers (lib/gcc-cross/.../12):
    // the gcc 14 volunteer refuses the job by default, naming both versions
    Files.writeString(
        work.resolve("d.c"), "#include <stddef.h>\nsize_t d(int x){return (size_t) x;}\n");
    Peers.Run drifted =
        Cli.run(
            work,
            Cli.distcc("127.0.0.1:3736/2,lzo", work.resolve("dcc"), false),
            60,
            List.of("distcc", "aarch64-linux-gnu-gcc", "-O2", "-c", "d.c", "-o", "d.o"));
    assertNotEquals(0, drifted.exit(), "a gcc 12 client's job compiled on the gcc 14 volunteer");
    assertTrue(
        drifted.err().contains("preprocessed by gcc 12")
            && drifted.err().contains("compiles with gcc " + version),
        drifted.err());
    assertTrue(
        drifted.err().contains("/usr/lib/gcc-cross/aarch64-linux-gnu/12/include/"), drifted.err());
  }

  /** The image's own aarch64 gcc, run in the work directory (mounted at /w). */
  private Peers.Run gccInImage(String image, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "docker",
                "run",
                "--rm",
                "--user",
                "0",
                "-v",
                work + ":/w",
                "-w",
                "/w",
                "--entrypoint",
                "aarch64-linux-gnu-gcc",
                image));
    cmd.addAll(List.of(args));
    return Cli.run(work, Map.of(), 120, cmd)
        .ok("gcc in the trixie image " + String.join(" ", args));
  }
}
