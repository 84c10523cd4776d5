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
 * The stock client over a real sshd ({@code DISTCC_HOSTS=@127.0.0.1:COMMAND}), through the commands
 * {@code farm ssh-commands} writes: with no volunteer running, the command starts {@code farm
 * daemon --inetd}; with one running, it relays to its port without a JVM per job; and the
 * client-side {@code farm-ssh} opens an SSH stdio channel to the port. Each way, lua builds with
 * local fallback off and every object identical to a local compile, the volunteer's refusals reach
 * the client, and nothing is left behind; the allow-list does not apply to a client that sshd let
 * in.
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
  void stop() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
    if (relayTarget != null) {
      relayTarget.close();
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

  /**
   * A running volunteer and the commands that reach it over SSH: farm-x86_64 (the relay) and the
   * client-side farm-ssh (a stdio channel). Both tests watch that no JVM starts for a job.
   */
  private DaemonProcess relayTarget;

  private Path relayBin;

  private DaemonProcess relayTarget() throws Exception {
    if (relayTarget == null) {
      relayTarget =
          DaemonProcess.start(work, Files.createDirectories(work.resolve("relay-jobs")), "x86_64");
      relayBin = work.resolve("relay-bin");
      Cli.farm(
              work,
              Map.of(),
              "ssh-commands",
              "x86_64",
              "--engine",
              "native",
              "--port",
              Integer.toString(relayTarget.port),
              "--dir",
              relayBin.toString())
          .ok("farm ssh-commands --port");
    }
    return relayTarget;
  }

  /** Java processes serving --inetd jobs, seen while {@code build} runs. */
  private static List<Long> inetdJvmsDuring(Runnable build) throws Exception {
    java.util.Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Thread watch =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                ProcessHandle.allProcesses()
                    .filter(
                        p ->
                            p.info().commandLine().orElse("").contains("--inetd")
                                && p.info().command().orElse("").contains("java"))
                    .forEach(p -> seen.add(p.pid()));
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    watch.start();
    try {
      build.run();
    } finally {
      watch.interrupt();
      watch.join();
    }
    return List.copyOf(seen);
  }

  @Test
  void theRelayCommandReachesTheRunningVolunteerWithoutAJvmPerJob() throws Exception {
    DaemonProcess v = relayTarget();
    LuaBuild lua =
        LuaBuild.reference(Files.createDirectories(work.resolve("relay")), "gcc -std=gnu99");
    String spec = "@127.0.0.1/4:" + relayBin.resolve("farm-x86_64") + ",lzo";
    List<Long> jvms =
        inetdJvmsDuring(
            () -> {
              try {
                lua.throughDistcc(sshd.clientEnv(spec, work.resolve("dcc-relay")), "4")
                    .ok("lua through the relay");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertEquals(List.of(), lua.differing(), "objects that differ from the local compile");
    assertEquals(List.of(), jvms, "JVMs started for jobs");
    assertTrue(Files.readString(v.log).contains("COMPILE_OK"), "the running volunteer served them");
    try (Stream<Path> left = Files.list(work.resolve("relay-jobs"))) {
      assertTrue(left.allMatch(d -> d.toFile().list().length == 0), "job directories left behind");
    }
    // a refusal of the running volunteer reaches the client through the relay too
    Path dir = Files.createDirectories(work.resolve("relay-refused"));
    Files.writeString(dir.resolve("r.c"), "int r(void){return 1;}\n");
    Peers.Run refused =
        Cli.run(
            dir,
            sshd.clientEnv("@127.0.0.1:" + relayBin.resolve("farm-x86_64"), work.resolve("dcc-rr")),
            60,
            List.of("distcc", "aarch64-linux-gnu-gcc", "-c", "r.c", "-o", "r.o"));
    assertNotEquals(0, refused.exit());
    assertTrue(refused.err().contains("failed to exec aarch64-linux-gnu-gcc"), refused.err());
  }

  @Test
  void theClientWrapperOpensAStdioChannelToTheVolunteersPort() throws Exception {
    DaemonProcess v = relayTarget();
    LuaBuild lua =
        LuaBuild.reference(Files.createDirectories(work.resolve("fast")), "gcc -std=gnu99");
    Map<String, String> env =
        new java.util.HashMap<>(
            sshd.clientEnv("@127.0.0.1/4:crossfarm-" + v.port + ",lzo", work.resolve("dcc-fast")));
    env.put("FARM_SSH", env.get("DISTCC_SSH"));
    env.put("DISTCC_SSH", relayBin.resolve("farm-ssh").toString());
    List<Long> jvms = inetdJvmsDuring(() -> lua.throughDistcc(env, "4").ok("lua through ssh -W"));
    assertEquals(List.of(), lua.differing(), "objects that differ from the local compile");
    assertEquals(List.of(), jvms, "JVMs started for jobs");
  }

  @Test
  void theRelaySocketServesSshClientsThatTheAllowListWouldRefuse() throws Exception {
    Path socket = work.resolve("state").resolve("x86_64.sock");
    // loopback is not on this volunteer's allow-list: over TCP it refuses everyone here
    try (DaemonProcess v =
        DaemonProcess.start(
            work,
            Files.createDirectories(work.resolve("socket-jobs")),
            "x86_64",
            "--allow",
            "203.0.113.7",
            "--relay-socket",
            socket.toString())) {
      assertEquals(
          "rw-rw----",
          java.nio.file.attribute.PosixFilePermissions.toString(
              Files.getPosixFilePermissions(socket)),
          "only the volunteer's user and group may open it");
      Path bin = work.resolve("socket-bin");
      Cli.farm(
              work,
              Map.of(),
              "ssh-commands",
              "x86_64",
              "--engine",
              "native",
              "--port",
              Integer.toString(v.port),
              "--socket",
              socket.toString(),
              "--dir",
              bin.toString())
          .ok("farm ssh-commands --socket");
      Path dir = Files.createDirectories(work.resolve("socket-job"));
      Files.writeString(
          dir.resolve("s.c"), "#include <stdio.h>\nint s(void){return puts(\"s\");}\n");
      Cli.run(dir, "gcc", "-c", "s.c", "-o", "local.o").ok("local compile");
      List<Long> jvms =
          inetdJvmsDuring(
              () -> {
                try {
                  Cli.run(
                          dir,
                          sshd.clientEnv(
                              "@127.0.0.1:" + bin.resolve("farm-x86_64") + ",lzo",
                              work.resolve("dcc-socket")),
                          60,
                          List.of("distcc", "gcc", "-c", "s.c", "-o", "s.o"))
                      .ok("a job through the relay socket");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertEquals(-1, Files.mismatch(dir.resolve("local.o"), dir.resolve("s.o")));
      assertEquals(List.of(), jvms, "the running volunteer served it");
      assertTrue(Files.readString(v.log).contains("COMPILE_OK"), Files.readString(v.log));
      // and over TCP the same volunteer still refuses this address
      Peers.Run tcp =
          Cli.run(
              dir,
              Cli.distcc("127.0.0.1:" + v.port, work.resolve("dcc-tcp"), false),
              60,
              List.of("distcc", "gcc", "-c", "s.c", "-o", "t.o"));
      assertNotEquals(0, tcp.exit());
      assertTrue(tcp.err().contains("access denied"), tcp.err());
    }
    assertFalse(Files.exists(socket), "the socket goes with the volunteer");
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
