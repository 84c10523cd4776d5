package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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

  private static final String VOLUNTEER = "10.253.9.2";

  private final String clientNs = "cfzc" + ProcessHandle.current().pid();
  private final String volunteerNs = "cfzv" + ProcessHandle.current().pid();
  private Path work;
  private Path link;
  private String bus;
  private Process daemon;
  private final List<Path> distccDirs = new ArrayList<>();

  @BeforeAll
  void lanAndVolunteer(@TempDir Path work) throws Exception {
    this.work = work;
    // avahi-daemon drops to its own user and must reach the bus socket under this directory
    Files.setPosixFilePermissions(
        work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    link = work.resolve("mdns-link.sh");
    try (InputStream script = getClass().getResourceAsStream("mdns-link.sh")) {
      Files.copy(script, link);
    }
    bus =
        Cli.run(
                work,
                Map.of(),
                60,
                List.of(
                    "bash",
                    link.toString(),
                    "up",
                    work.resolve("lan").toString(),
                    clientNs,
                    volunteerNs))
            .ok("the namespaces, D-Bus and avahi-daemon (root is needed)")
            .out()
            .trim();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                volunteerNs,
                Cli.FARM.toString(),
                "daemon",
                "--toolchain",
                "x86_64",
                "--zeroconf",
                "--port",
                "3632",
                "--listen",
                VOLUNTEER,
                "--allow",
                "10.253.9.0/24",
                "--jobs",
                "2",
                "--job-dir",
                work.toString(),
                "--log-file",
                work.resolve("daemon.log").toString()));
    daemon =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("daemon.out").toFile())
            .start();
    for (int i = 0; i < 300; i++) {
      if (Files.exists(work.resolve("daemon.log"))
          && Files.readString(work.resolve("daemon.log")).contains("allowing")) {
        return;
      }
      assertTrue(daemon.isAlive(), () -> read(work.resolve("daemon.out")));
      Thread.sleep(100);
    }
  }

  @AfterAll
  void down() throws Exception {
    if (daemon != null) {
      daemon.destroyForcibly();
    }
    stopBrowsers(distccDirs);
    Cli.run(
        work,
        Map.of(),
        60,
        List.of(
            "bash",
            link.toString(),
            "down",
            work.resolve("lan").toString(),
            clientNs,
            volunteerNs));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private List<String> browse(String subtype) {
    return browse(work, clientNs, bus, subtype, VOLUNTEER, 3632);
  }

  /** avahi-browse's resolved records of {@code subtype} in a client's namespace for one address. */
  static List<String> browse(
      Path work, String ns, String bus, String subtype, String address, int port) {
    String out =
        Cli.run(
                work,
                Map.of(),
                30,
                List.of(
                    "ip",
                    "netns",
                    "exec",
                    ns,
                    "env",
                    "DBUS_SYSTEM_BUS_ADDRESS=" + bus,
                    "timeout",
                    "10",
                    "avahi-browse",
                    "-rtp",
                    subtype))
            .out();
    return out.lines()
        .filter(l -> l.startsWith("=") && l.contains(";" + address + ";" + port + ";"))
        .toList();
  }

  private List<String> browseUntilSeen(String subtype) throws InterruptedException {
    for (int i = 0; i < 30; i++) {
      List<String> seen = browse(subtype);
      if (!seen.isEmpty()) {
        return seen;
      }
      Thread.sleep(500);
    }
    return List.of();
  }

  private static String label(String s) {
    return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "-");
  }

  private String stockSubtype(String machine, String version) {
    return "_" + label(machine) + "--" + label(version) + "._sub._distcc._tcp";
  }

  private String cc(String option) {
    return Cli.run(work, "cc", option).ok("cc " + option).out().trim();
  }

  @Test
  @Order(1)
  void avahiSeesStocksSubtypeAndTxtForTheDebianAndTheArchTriple() throws Exception {
    String version = cc("-dumpversion");
    List<String> debian = browseUntilSeen(stockSubtype(cc("-dumpmachine"), version));
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
    assertFalse(browseUntilSeen(stockSubtype("x86_64-pc-linux-gnu", version)).isEmpty());
  }

  @Test
  @Order(2)
  void theStockClientWithZeroconfFindsTheVolunteerAndCompiles() throws Exception {
    Path dir = Files.createDirectories(work.resolve("z"));
    Files.writeString(dir.resolve("z.c"), "int z(int x){return x*7;}\n");
    Cli.run(dir, "gcc", "-c", "z.c", "-o", "local.o").ok("local compile");
    Cli.Run run = client(dir, "dcc-found", List.of("distcc", "gcc", "-c", "z.c", "-o", "z.o"));
    run.ok("+zeroconf job");
    assertEquals(-1, Files.mismatch(dir.resolve("local.o"), dir.resolve("z.o")));
    // the job line is written after the reply: wait for it
    String log = "";
    for (int i = 0; i < 50 && !log.contains(" z.c"); i++) {
      Thread.sleep(100);
      log = read(work.resolve("daemon.log"));
    }
    assertTrue(log.contains("client: 10.253.9.1:") && log.contains("COMPILE_OK"), log);
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
    Cli.Run run =
        client(
            dir,
            "dcc-drift",
            List.of(
                "env",
                "PATH=" + bin + ":" + System.getenv("PATH"),
                "distcc",
                "gcc",
                "-c",
                "d.c",
                "-o",
                "d.o"));
    assertNotEquals(0, run.exit(), "no volunteer offered, no local fallback");
    assertFalse(Files.exists(dir.resolve("d.o")));
    String log = read(work.resolve("daemon.log"));
    assertFalse(log.contains("d.c"), "nothing reached the volunteer: " + log + run.err());
  }

  @Test
  @Order(4)
  void theRecordsGoWhenTheVolunteerStops() throws Exception {
    String subtype = stockSubtype(cc("-dumpmachine"), cc("-dumpversion"));
    assertFalse(browseUntilSeen(subtype).isEmpty());
    daemon.destroy(); // SIGTERM
    assertTrue(daemon.waitFor(60, TimeUnit.SECONDS));
    List<String> left = browse(subtype);
    assertEquals(List.of(), left, "records still announced after the volunteer stopped");
  }

  private Cli.Run client(Path dir, String dcc, List<String> command) throws IOException {
    Path distccDir = Files.createDirectories(work.resolve(dcc));
    distccDirs.add(distccDir);
    Map<String, String> env = new HashMap<>(Cli.distcc("+zeroconf", distccDir, false));
    env.remove("DISTCC_BACKOFF_PERIOD");
    List<String> cmd =
        new ArrayList<>(
            List.of("ip", "netns", "exec", clientNs, "env", "DBUS_SYSTEM_BUS_ADDRESS=" + bus));
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(command);
    return Cli.run(dir, Map.of(), 60, cmd);
  }

  /** The stock client leaves a zeroconf browser running per DISTCC_DIR; end ours. */
  static void stopBrowsers(List<Path> distccDirs) {
    ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/distcc")).orElse(false))
        .filter(
            p -> {
              String env = read(Path.of("/proc", Long.toString(p.pid()), "environ"));
              return distccDirs.stream().anyMatch(d -> env.contains("DISTCC_DIR=" + d + "\0"));
            })
        .forEach(ProcessHandle::destroy);
  }
}
