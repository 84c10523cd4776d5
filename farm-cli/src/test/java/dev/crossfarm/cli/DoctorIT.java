package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.doctor.ClientDoctor;
import dev.crossfarm.cli.doctor.Finding;
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

/**
 * {@code farm doctor} on a client with the stock distcc client and real volunteers: a working host,
 * a dead one, a refusing one, a gcc-11 client against the gcc-12 volunteer, -march=native, and a
 * makepkg.conf without distcc (a note, or a problem with --for makepkg).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoctorIT {

  private Path work;
  private DaemonProcess volunteer;
  private DaemonProcess refusing;
  private int statsPort;

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    this.work = work;
    Peers.require("distcc", "gcc", "gcc-11");
    statsPort = Cli.freeLoopbackPort();
    volunteer =
        DaemonProcess.start(
            work,
            Files.createDirectories(work.resolve("jobs")),
            "x86_64",
            "--stats",
            "--stats-port",
            Integer.toString(statsPort));
    // loopback is not on its allow-list: it answers every job with "access denied"
    refusing =
        DaemonProcess.start(
            work,
            Files.createDirectories(work.resolve("jobs2")),
            "x86_64",
            "--allow",
            "10.9.0.0/16");
  }

  @AfterAll
  void stop() throws Exception {
    if (volunteer != null) {
      volunteer.close();
    }
    if (refusing != null) {
      refusing.close();
    }
  }

  private Peers.Run doctor(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("DISTCC_DIR", work.resolve("dcc").toString());
    return Cli.farm(work, all, "doctor", "--stats-port", Integer.toString(statsPort));
  }

  @Test
  void aWorkingHostIsDistributedToAndTheExitCodeIsZero() {
    Peers.Run r = doctor(Map.of("DISTCC_HOSTS", volunteer.hosts(",lzo")));
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("jobs are distributed to it"), r.out());
    assertTrue(r.out().contains("has the major version"), r.out());
  }

  @Test
  void aDeadHostIsNamedAndFails() throws Exception {
    int dead = Cli.freeLoopbackPort();
    Peers.Run r =
        doctor(Map.of("DISTCC_HOSTS", volunteer.hosts(",lzo") + " 127.0.0.1:" + dead + "/2"));
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("PROBLEM 127.0.0.1:" + dead), r.out());
    assertTrue(r.out().contains("nobody answers"), r.out());
  }

  @Test
  void aRefusingHostIsNamedWithItsReason() {
    Peers.Run r = doctor(Map.of("DISTCC_HOSTS", refusing.hosts(",lzo")));
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("access denied"), "the volunteer's own reason: " + r.out());
  }

  @Test
  void aGcc11ClientAgainstTheGcc12VolunteerNamesBothVersions() throws Exception {
    Path bin = Files.createDirectories(work.resolve("gcc11"));
    for (String name : List.of("gcc", "cc")) {
      Files.deleteIfExists(bin.resolve(name));
      Files.createSymbolicLink(bin.resolve(name), Path.of("/usr/bin/gcc-11"));
    }
    Map<String, String> env =
        Map.of(
            "DISTCC_HOSTS",
            volunteer.hosts(",lzo"),
            "PATH",
            bin + ":" + System.getenv("PATH"),
            "DISTCC_NO_REWRITE_CROSS",
            "1");
    Peers.Run r = doctor(env);
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("is gcc 11, the volunteer's is gcc 12."), r.out());
    // without DISTCC_NO_REWRITE_CROSS the stock client runs x86_64-linux-gnu-gcc (12): named too
    Map<String, String> rewritten = new HashMap<>(env);
    rewritten.remove("DISTCC_NO_REWRITE_CROSS");
    Peers.Run w = doctor(rewritten);
    assertTrue(w.out().contains("the stock client runs x86_64-linux-gnu-gcc (gcc 12."), w.out());
  }

  @Test
  void nativeCpuFlagsAreAProblem() {
    Peers.Run r =
        doctor(Map.of("DISTCC_HOSTS", volunteer.hosts(",lzo"), "CFLAGS", "-O2 -march=native"));
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("PROBLEM CFLAGS: -march=native"), r.out());
  }

  @Test
  void aMakepkgConfWithoutDistccIsANoteUnlessAskedForMakepkg() throws Exception {
    Path root = work.resolve("root");
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(
        root.resolve("etc/makepkg.conf"), "BUILDENV=(!distcc color !ccache check !sign)\n");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("DISTCC_HOSTS", volunteer.hosts(",lzo"));
    env.put("DISTCC_DIR", work.resolve("dcc").toString());
    List<Finding> plain =
        new ClientDoctor(
                env, root, ClientDoctor.Tool.NONE, statsPort, Files.createTempDirectory(work, "d"))
            .examine();
    assertTrue(
        plain.stream()
            .anyMatch(f -> f.level() == Finding.Level.NOTE && f.what().contains("!distcc")),
        plain.toString());
    assertTrue(!ClientDoctor.failed(plain), plain.toString());
    List<Finding> makepkg =
        new ClientDoctor(
                env,
                root,
                ClientDoctor.Tool.MAKEPKG,
                statsPort,
                Files.createTempDirectory(work, "d"))
            .examine();
    assertTrue(ClientDoctor.failed(makepkg), makepkg.toString());
  }
}
