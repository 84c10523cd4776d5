package dev.crossfarm.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ARM clients of the aarch64 and armv7h volunteers: whether the client names the compiler by
 * Debian's triple, by Arch Linux ARM's triple, or as plain gcc (an ARM board's own compiler, played
 * here by the cross gcc first on PATH with DISTCC_NO_REWRITE_CROSS=1), the objects are for the
 * target, identical to a local cross compile, and the linked lua runs under qemu-user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossBuildIT {

  private Path work;
  private Path lua;
  private Path bin;
  private Volunteer aarch64;
  private Volunteer armv7h;
  private final Map<String, Path> localObjects = new HashMap<>();

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    this.work = work;
    Peers.require(
        "distcc",
        "make",
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "qemu-aarch64-static",
        "qemu-arm-static");
    lua = Peers.copyTree(Peers.luaSource(), work.resolve("lua"));
    // Arch Linux ARM's compiler names, as an Arch client has them, pointing at Debian's compilers
    bin = Files.createDirectories(work.resolve("arch-names"));
    Files.createSymbolicLink(
        bin.resolve("aarch64-unknown-linux-gnu-gcc"), Path.of("/usr/bin/aarch64-linux-gnu-gcc"));
    Files.createSymbolicLink(
        bin.resolve("armv7l-unknown-linux-gnueabihf-gcc"),
        Path.of("/usr/bin/arm-linux-gnueabihf-gcc"));
    for (String triple : List.of("aarch64-linux-gnu", "arm-linux-gnueabihf")) {
      make(triple, Map.of(), triple + "-gcc -std=gnu99");
      Path objects = work.resolve("local-" + triple);
      Peers.copyObjects(lua.resolve("src"), objects);
      localObjects.put(triple, objects);
    }
    aarch64 = Volunteer.forToolchain("aarch64").start();
    armv7h = Volunteer.forToolchain("armv7h").start();
  }

  @AfterAll
  void stop() {
    for (Volunteer v : new Volunteer[] {aarch64, armv7h}) {
      if (v != null) {
        v.close();
      }
    }
  }

  private void make(String triple, Map<String, String> env, String cc) {
    Path src = lua.resolve("src");
    Peers.run(src, env, "make", "-s", "clean").ok("make clean");
    Peers.run(
            src,
            env,
            600,
            List.of(
                "make",
                "-s",
                "-j4",
                "linux",
                "CC=" + cc,
                "AR=" + triple + "-ar rcu",
                "RANLIB=" + triple + "-ranlib"))
        .ok("lua build with CC=" + cc);
  }

  /** A PATH whose plain gcc is the target's cross compiler: the part of an ARM board's gcc. */
  private String boardPath(String triple) throws Exception {
    Path board = Files.createDirectories(work.resolve("board-" + triple));
    Path gcc = board.resolve("gcc");
    if (!Files.exists(gcc)) {
      Files.createSymbolicLink(gcc, Path.of("/usr/bin/" + triple + "-gcc"));
    }
    return board + ":" + System.getenv("PATH");
  }

  @ParameterizedTest(name = "{0} client sends {1}")
  @CsvSource({
    "aarch64, aarch64-linux-gnu-gcc, aarch64-linux-gnu, qemu-aarch64-static, ARM aarch64",
    "aarch64, aarch64-unknown-linux-gnu-gcc, aarch64-linux-gnu, qemu-aarch64-static, ARM aarch64",
    "aarch64, gcc, aarch64-linux-gnu, qemu-aarch64-static, ARM aarch64",
    "armv7h, arm-linux-gnueabihf-gcc, arm-linux-gnueabihf, qemu-arm-static, 32-bit LSB relocatable, ARM",
    "armv7h, armv7l-unknown-linux-gnueabihf-gcc, arm-linux-gnueabihf, qemu-arm-static, 32-bit LSB relocatable, ARM",
    "armv7h, gcc, arm-linux-gnueabihf, qemu-arm-static, 32-bit LSB relocatable, ARM"
  })
  void objectsAreForTheTargetAndLuaRunsUnderQemu(
      String target, String compiler, String triple, String qemu, String fileSays)
      throws Exception {
    Volunteer v = target.equals("aarch64") ? aarch64 : armv7h;
    Map<String, String> env = new HashMap<>(Peers.distccEnv(v.host(",lzo"), work.resolve("dcc")));
    env.put("PATH", compiler.equals("gcc") ? boardPath(triple) : bin + ":" + System.getenv("PATH"));
    if (compiler.equals("gcc")) {
      env.put("DISTCC_NO_REWRITE_CROSS", "1"); // send plain gcc, as an ARM board's client does
    }
    int before = v.summaries().size();
    make(triple, env, "distcc " + compiler + " -std=gnu99");

    List<JobSummary> jobs = v.summaries().subList(before, v.summaries().size());
    assertFalse(jobs.isEmpty());
    assertTrue(
        jobs.stream().allMatch(j -> j.result() == JobSummary.Result.COMPILE_OK), jobs.toString());
    assertTrue(
        jobs.stream().allMatch(j -> j.compiler().equals(compiler)),
        "the volunteer received " + compiler + " as sent: " + jobs.get(0).compiler());
    Path src = lua.resolve("src");
    String file = Peers.run(src, Map.of(), "file", "lapi.o").ok("file").out();
    assertTrue(file.contains(fileSays.replace(" relocatable", "")), file);
    assertEquals(List.of(), Peers.differingObjects(localObjects.get(triple), src));
    String out =
        Peers.run(src, Map.of(), qemu, "-L", "/usr/" + triple, "./lua", "-e", "print(6*7)")
            .ok("lua under " + qemu)
            .out();
    assertEquals("42", out.trim());
  }

  @Test
  void anX86CompilerSentToTheAarch64VolunteerIsRefusedNotAnsweredWithAWrongObject()
      throws Exception {
    Path dir = Files.createDirectories(work.resolve("wrong"));
    Files.writeString(dir.resolve("w.c"), "int f(void){return 1;}\n");
    Peers.Run run =
        Peers.run(
            dir,
            Peers.distccEnv(aarch64.host(",lzo"), work.resolve("dcc")),
            60,
            List.of("distcc", "x86_64-linux-gnu-gcc", "-c", "w.c", "-o", "w.o"));
    assertNotEquals(0, run.exit());
    assertFalse(Files.exists(dir.resolve("w.o")), "no object at all");
    assertTrue(run.err().contains("builds for x86_64"), run.err());
    assertTrue(run.err().contains("volunteer (port 3632)"), run.err());
  }
}
