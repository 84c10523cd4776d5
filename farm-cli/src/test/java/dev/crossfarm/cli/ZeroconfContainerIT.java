package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static final String SUBTYPE = MdnsLan.subtype("aarch64-linux-gnu", "12");

  private Engine engine;
  private Path work;
  private MdnsLan lan;

  @BeforeAll
  void lanAndFarm(@TempDir Path work) throws Exception {
    this.work = work;
    engine = DockerEngine.require();
    lan = MdnsLan.up(work, "cfzk" + ProcessHandle.current().pid(), "host");
    Cli.farm(work, Map.of(), "down").ok("farm down before the test");
    Peers.Run up =
        Cli.farm(
                work,
                Map.of(),
                "up",
                "aarch64",
                "--zeroconf",
                "--zeroconf-address",
                MdnsLan.VOLUNTEER)
            .ok("farm up aarch64 --zeroconf");
    assertTrue(up.err().contains("zeroconf: announcing the containers"), up.err());
  }

  @AfterAll
  void down() {
    if (engine == null) {
      return;
    }
    Cli.farm(work, Map.of(), "down");
    if (lan != null) {
      lan.close();
    }
    engine.close();
  }

  @Test
  @Order(1)
  void theClientsLanSeesTheContainersRecordsOnTheHostsAddress() throws Exception {
    List<String> seen = lan.browseUntilSeen(SUBTYPE, MdnsLan.VOLUNTEER, 3636);
    assertFalse(seen.isEmpty(), "no " + SUBTYPE + " record for " + MdnsLan.VOLUNTEER + ":3636");
    assertTrue(seen.get(0).contains("\"cc_version=12\""), seen.get(0));
    assertTrue(seen.get(0).contains("\"cc_machine=aarch64-linux-gnu\""), seen.get(0));
    Peers.Run status = Cli.farm(work, Map.of(), "status").ok("farm status");
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
    lan.zeroconfClient(
            dir,
            "dcc-pi",
            Map.of("PATH", bin + ":" + System.getenv("PATH")),
            List.of("distcc", "aarch64-linux-gnu-gcc", "-O2", "-c", "p.c", "-o", "p.o"))
        .ok("+zeroconf job from the client's LAN");
    assertEquals(-1, Files.mismatch(dir.resolve("local.o"), dir.resolve("p.o")));
  }

  @Test
  @Order(3)
  void theRecordsGoWhenTheContainerStops() throws Exception {
    engine.client().stopContainerCmd("crossfarm-aarch64").withTimeout(10).exec();
    List<String> seen = lan.browse(SUBTYPE, MdnsLan.VOLUNTEER, 3636);
    for (int i = 0; i < 30 && !seen.isEmpty(); i++) {
      Thread.sleep(500);
      seen = lan.browse(SUBTYPE, MdnsLan.VOLUNTEER, 3636);
    }
    assertEquals(List.of(), seen, "records still announced for a stopped volunteer");
  }
}
