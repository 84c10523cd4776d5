package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.docker.Engine;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code farm up --zeroconf} with a container volunteer: mDNS does not leave the bridge network, so
 * the host announces it ('farm advertise'). A client on a LAN of its own (a network namespace
 * joined to this host by veth, avahi-daemon on its side) sees the aarch64 records, and a stock
 * client whose cc is an aarch64 gcc (a Raspberry Pi, here a cc that says so) finds the volunteer
 * through +zeroconf and gets an aarch64 object identical to a local cross compile. The records go
 * when the container stops; farm down stops the announcer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZeroconfContainerIT {

  private static final String HOST = "10.253.9.2";
  private static final String SUBTYPE = "_aarch64-linux-gnu--12._sub._distcc._tcp";

  private final String clientNs = "cfzk" + ProcessHandle.current().pid();
  private Engine engine;
  private Path work;
  private Path link;
  private String bus;
  private final List<Path> distccDirs = new ArrayList<>();

  @BeforeAll
  void lanAndFarm(@TempDir Path work) throws Exception {
    this.work = work;
    engine = DockerEngine.require();
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
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
                    "host"))
            .ok("the client's namespace and avahi-daemon (root is needed)")
            .out()
            .trim();
    Cli.farm(work, Map.of(), "down").ok("farm down before the test");
    Cli.Run up =
        Cli.farm(work, Map.of(), "up", "aarch64", "--zeroconf", "--zeroconf-address", HOST)
            .ok("farm up aarch64 --zeroconf");
    assertTrue(up.err().contains("zeroconf: announcing the containers"), up.err());
  }

  @AfterAll
  void down() {
    if (engine == null) {
      return;
    }
    Cli.farm(work, Map.of(), "down");
    ZeroconfIT.stopBrowsers(distccDirs);
    Cli.run(
        work,
        Map.of(),
        60,
        List.of("bash", link.toString(), "down", work.resolve("lan").toString(), clientNs, "host"));
    engine.close();
  }

  private List<String> browse() {
    return ZeroconfIT.browse(work, clientNs, bus, SUBTYPE, HOST, 3636);
  }

  @Test
  @Order(1)
  void theClientsLanSeesTheContainersRecordsOnTheHostsAddress() throws Exception {
    List<String> seen = List.of();
    for (int i = 0; i < 40 && seen.isEmpty(); i++) {
      seen = browse();
      Thread.sleep(500);
    }
    assertFalse(seen.isEmpty(), "no " + SUBTYPE + " record for " + HOST + ":3636");
    assertTrue(seen.get(0).contains("\"cc_version=12\""), seen.get(0));
    assertTrue(seen.get(0).contains("\"cc_machine=aarch64-linux-gnu\""), seen.get(0));
    Cli.Run status = Cli.farm(work, Map.of(), "status").ok("farm status");
    assertTrue(
        status.out().contains("zeroconf: aarch64 announced as _aarch64-linux-gnu--12"),
        status.out());
  }

  @Test
  @Order(2)
  void aStockClientWhoseCcIsAnAarch64GccFindsItAndGetsAnIdenticalObject() throws Exception {
    Path dir = Files.createDirectories(work.resolve("pi"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    // the client browses the subtype of its own 'cc': here, as on a Pi, an aarch64 gcc
    Files.writeString(bin.resolve("cc"), "#!/bin/sh\nexec aarch64-linux-gnu-gcc \"$@\"\n");
    bin.resolve("cc").toFile().setExecutable(true);
    Files.writeString(dir.resolve("p.c"), "int p(int x){return x*5+2;}\n");
    Cli.run(dir, "aarch64-linux-gnu-gcc", "-O2", "-c", "p.c", "-o", "local.o")
        .ok("local cross compile");
    Path distccDir = Files.createDirectories(work.resolve("dcc-pi"));
    distccDirs.add(distccDir);
    Map<String, String> env = new HashMap<>(Cli.distcc("+zeroconf", distccDir, false));
    env.remove("DISTCC_BACKOFF_PERIOD");
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    List<String> cmd =
        new ArrayList<>(
            List.of("ip", "netns", "exec", clientNs, "env", "DBUS_SYSTEM_BUS_ADDRESS=" + bus));
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(List.of("distcc", "aarch64-linux-gnu-gcc", "-O2", "-c", "p.c", "-o", "p.o"));
    Cli.run(dir, Map.of(), 60, cmd).ok("+zeroconf job from the client's LAN");
    assertEquals(-1, Files.mismatch(dir.resolve("local.o"), dir.resolve("p.o")));
  }

  @Test
  @Order(3)
  void theRecordsGoWhenTheContainerStops() throws Exception {
    engine.client().stopContainerCmd("crossfarm-aarch64").withTimeout(10).exec();
    List<String> seen = browse();
    for (int i = 0; i < 30 && !seen.isEmpty(); i++) {
      Thread.sleep(500);
      seen = browse();
    }
    assertEquals(List.of(), seen, "records still announced for a stopped volunteer");
  }
}
