package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock client over a real sshd ({@code DISTCC_HOSTS=@127.0.0.1:COMMAND}) to {@code farm daemon
 * --inetd}, through the command {@code farm ssh-commands} writes: lua builds with local fallback
 * off and every object identical to a local compile; the volunteer's refusals reach the client
 * through SSH; the allow-list does not apply to a client that sshd let in; nothing is left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshTransportIT {

  private Path work;
  private Sshd sshd;
  private Path command;
  private Path jobs;

  @BeforeAll
  void sshdAndCommand(@TempDir Path work) throws Exception {
    this.work = work;
    sshd = Sshd.start(work.resolve("sshd"));
    Path bin = work.resolve("bin");
    Cli.farm(
            work, Map.of(), "ssh-commands", "x86_64", "--engine", "native", "--dir", bin.toString())
        .ok("farm ssh-commands");
    command = bin.resolve("farm-x86_64");
    assertTrue(Files.isExecutable(command));
    assertTrue(Files.readString(command).contains("daemon --toolchain x86_64 \"$@\""));
    // the generated command plus a job directory of the test's own, to check that nothing stays
    jobs = Files.createDirectories(work.resolve("jobs"));
    Path wrapped = bin.resolve("farm-x86_64-test");
    Files.writeString(
        wrapped,
        "#!/bin/sh\nexec "
            + command
            + " --job-dir "
            + jobs
            + " \"$@\" 2>>"
            + work.resolve("inetd.log")
            + "\n");
    wrapped.toFile().setExecutable(true);
  }

  @AfterAll
  void stop() {
    if (sshd != null) {
      sshd.close();
    }
  }

  private String host(String options) {
    return "@127.0.0.1/4:" + command.resolveSibling("farm-x86_64-test") + options;
  }

  @Test
  void luaBuildsOverSshWithEveryObjectIdenticalToALocalCompile() throws Exception {
    LuaBuild lua = LuaBuild.reference(work, "gcc -std=gnu99");
    lua.throughDistcc(sshd.clientEnv(host(",lzo"), work.resolve("dcc-lua")), "4")
        .ok("lua over SSH");
    assertEquals(List.of(), lua.differing(), "objects that differ from the local compile");
    String log = Files.readString(work.resolve("inetd.log"));
    assertTrue(
        log.isEmpty() || !log.contains("COMPILE_OK"),
        "without --log-file, job lines stay off the client's terminal: " + log);
    try (Stream<Path> left = Files.list(jobs)) {
      assertEquals(List.of(), left.toList(), "job directories left behind");
    }
  }

  @Test
  void aRefusalReachesTheClientThroughSsh() throws Exception {
    Path dir = Files.createDirectories(work.resolve("refused"));
    Files.writeString(dir.resolve("r.c"), "int r(void){return 1;}\n");
    Peers.Run run =
        Cli.run(
            dir,
            sshd.clientEnv(host(""), work.resolve("dcc-refused")),
            60,
            List.of("distcc", "aarch64-linux-gnu-gcc", "-c", "r.c", "-o", "r.o"));
    assertNotEquals(0, run.exit());
    assertFalse(Files.exists(dir.resolve("r.o")));
    assertTrue(run.err().contains("crossfarm volunteer (x86_64)"), run.err());
  }

  @Test
  void theAllowListDoesNotStopAClientThatSshdLetIn() throws Exception {
    Path bin = work.resolve("bin");
    Path narrow = bin.resolve("farm-x86_64-narrow");
    Files.writeString(
        narrow, "#!/bin/sh\nexec " + command + " --allow 203.0.113.7 \"$@\" 2>/dev/null\n");
    narrow.toFile().setExecutable(true);
    Path dir = Files.createDirectories(work.resolve("allowed"));
    Files.writeString(dir.resolve("a.c"), "int a(int x){return x-1;}\n");
    Cli.run(dir, "gcc", "-c", "a.c", "-o", "local.o").ok("local compile");
    Cli.run(
            dir,
            sshd.clientEnv("@127.0.0.1:" + narrow, work.resolve("dcc-allow")),
            60,
            List.of("distcc", "gcc", "-c", "a.c", "-o", "a.o"))
        .ok("one job over SSH");
    assertEquals(-1, Files.mismatch(dir.resolve("local.o"), dir.resolve("a.o")));
  }
}
