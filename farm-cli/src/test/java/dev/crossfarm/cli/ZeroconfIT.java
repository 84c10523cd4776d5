package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.harness.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code farm daemon --zeroconf} on a two-host LAN made of network namespaces, the client's side
 * browsing through a real avahi-daemon: avahi-browse shows stock's subtype and TXT for the Debian
 * and the Arch triple; the stock client with {@code +zeroconf} finds the volunteer and compiles
 * through it; a client whose compiler has another version does not find it; the records go when the
 * volunteer stops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZeroconfIT {

  private Path work;
  private MdnsLan lan;
  private Process daemon;

  @BeforeAll
  void lanAndVolunteer(@TempDir Path work) throws Exception {
    this.work = work;
    long pid = ProcessHandle.current().pid();
    lan = MdnsLan.up(work, "cfzc" + pid, "cfzv" + pid);
    daemon =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                lan.volunteerNs,
                Cli.FARM.toString(),
                "daemon",
                "--toolchain",
                "x86_64",
                "--zeroconf",
                "--port",
                "3632",
                "--listen",
                MdnsLan.VOLUNTEER,
                "--allow",
                "10.253.9.0/24",
                "--jobs",
                "2",
                "--job-dir",
                work.toString(),
                "--log-file",
                work.resolve("daemon.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("daemon.out").toFile())
            .start();
    for (int i = 0; i < 300 && !log().contains("allowing"); i++) {
      assertTrue(daemon.isAlive(), () -> read(work.resolve("daemon.out")));
      Thread.sleep(100);
    }
  }

  @AfterAll
  void down() {
    if (daemon != null) {
      daemon.destroyForcibly();
    }
    if (lan != null) {
      lan.close();
    }
  }

  private String log() {
    return read(work.resolve("daemon.log"));
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  private String cc(String option) {
    return Cli.run(work, "cc", option).ok("cc " + option).out().trim();
  }

  private List<String> seen(String subtype) throws InterruptedException {
    return lan.browseUntilSeen(subtype, MdnsLan.VOLUNTEER, 3632);
  }

  @Test
  @Order(1)
  void avahiSeesStocksSubtypeAndTxtForTheDebianAndTheArchTriple() throws Exception {
    String version = cc("-dumpversion");
    List<String> debian = seen(MdnsLan.subtype(cc("-dumpmachine"), version));
    assertFalse(debian.isEmpty(), "no record of the client's own subtype");
    String record = debian.get(0);
    for (String txt :
        List.of(
            "\"txtvers=1\"",
            "\"cpus=",
            "\"jobs=2\"",
            "\"distcc=3.4\"",
            "\"gnuhost=",
            "\"cc_version=" + version + "\"",
            "\"cc_machine=" + cc("-dumpmachine") + "\"")) {
      assertTrue(record.contains(txt), txt + " in " + record);
    }
    assertFalse(seen(MdnsLan.subtype("x86_64-pc-linux-gnu", version)).isEmpty());
  }

  @Test
  @Order(2)
  void theStockClientWithZeroconfFindsTheVolunteerAndCompiles() throws Exception {
    Path dir = Files.createDirectories(work.resolve("z"));
    Files.writeString(dir.resolve("z.c"), "int z(int x){return x*7;}\n");
    Cli.run(dir, "gcc", "-c", "z.c", "-o", "local.o").ok("local compile");
    lan.zeroconfClient(
            dir, "dcc-found", Map.of(), List.of("distcc", "gcc", "-c", "z.c", "-o", "z.o"))
        .ok("+zeroconf job");
    assertEquals(-1, Files.mismatch(dir.resolve("local.o"), dir.resolve("z.o")));
    // the job line is written after the reply: wait for it
    for (int i = 0; i < 50 && !log().contains(" z.c"); i++) {
      Thread.sleep(100);
    }
    assertTrue(
        log().contains("client: " + MdnsLan.CLIENT + ":") && log().contains("COMPILE_OK"), log());
  }

  @Test
  @Order(3)
  void aClientWhoseCompilerHasAnotherVersionDoesNotFindIt() throws Exception {
    Path dir = Files.createDirectories(work.resolve("drift"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    // the client browses the subtype of 'cc' on its PATH (stock's gcc-id.c): one that says it is
    // version 99 makes it browse _x86-64-linux-gnu--99
    Files.writeString(
        bin.resolve("cc"),
        "#!/bin/sh\n[ \"$1\" = -dumpversion ] && { echo 99; exit 0; }\nexec /usr/bin/cc \"$@\"\n");
    bin.resolve("cc").toFile().setExecutable(true);
    Files.writeString(dir.resolve("d.c"), "int d(void){return 9;}\n");
    Peers.Run run =
        lan.zeroconfClient(
            dir,
            "dcc-drift",
            Map.of("PATH", bin + ":" + System.getenv("PATH")),
            List.of("distcc", "gcc", "-c", "d.c", "-o", "d.o"));
    assertNotEquals(0, run.exit(), "no volunteer offered, no local fallback");
    assertFalse(Files.exists(dir.resolve("d.o")));
    assertFalse(log().contains("d.c"), "nothing reached the volunteer: " + log() + run.err());
  }

  @Test
  @Order(4)
  void theRecordsGoWhenTheVolunteerStops() throws Exception {
    String subtype = MdnsLan.subtype(cc("-dumpmachine"), cc("-dumpversion"));
    assertFalse(seen(subtype).isEmpty());
    daemon.destroy(); // SIGTERM
    assertTrue(daemon.waitFor(60, TimeUnit.SECONDS));
    assertEquals(
        List.of(),
        lan.browse(subtype, MdnsLan.VOLUNTEER, 3632),
        "records still announced after the volunteer stopped");
  }
}
