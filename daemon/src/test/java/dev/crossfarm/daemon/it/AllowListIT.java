package dev.crossfarm.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.server.AccessList;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A client at a real second address, in a network namespace joined to this one by a veth pair:
 * inside --allow it compiles, outside it gets nothing compiled and is told why. The addresses live
 * only on the veth pair this test creates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AllowListIT {

  private static final String HOST_V4 = "10.231.7.1";
  private static final String CLIENT_V4 = "10.231.7.2";
  private static final String HOST_V6 = "fd00:cf::1";
  private static final String CLIENT_V6 = "fd00:cf::2";
  // a second, non-private pair (TEST-NET-2, documentation space) on the same veth, inside the
  // namespaces this test makes: a client --allow-private must refuse
  private static final String HOST_PUBLIC = "198.51.100.1";
  private static final String CLIENT_PUBLIC = "198.51.100.2";

  private final String ns = "cf-it-" + ProcessHandle.current().pid();
  private final String hostIf = "cfh" + ProcessHandle.current().pid() % 100000;
  private Path work;

  @BeforeAll
  void createNamespace(@TempDir Path work) {
    this.work = work;
    Peers.require("ip", "distcc", "curl");
    ip("netns", "add", ns);
    ip("link", "add", hostIf, "type", "veth", "peer", "name", "eth-client");
    ip("link", "set", "eth-client", "netns", ns);
    ip("addr", "add", HOST_V4 + "/24", "dev", hostIf);
    ip("-6", "addr", "add", HOST_V6 + "/64", "dev", hostIf, "nodad");
    ip("addr", "add", HOST_PUBLIC + "/24", "dev", hostIf);
    ip("link", "set", hostIf, "up");
    inNs("ip", "addr", "add", CLIENT_V4 + "/24", "dev", "eth-client");
    inNs("ip", "-6", "addr", "add", CLIENT_V6 + "/64", "dev", "eth-client", "nodad");
    inNs("ip", "addr", "add", CLIENT_PUBLIC + "/24", "dev", "eth-client");
    inNs("ip", "link", "set", "eth-client", "up");
    inNs("ip", "link", "set", "lo", "up");
  }

  @AfterAll
  void removeNamespace() {
    Peers.run(Path.of("/"), Map.of(), "ip", "link", "del", hostIf);
    Peers.run(Path.of("/"), Map.of(), "ip", "netns", "del", ns);
  }

  @Test
  void aVolunteerListeningOnOneAddressIsNotReachedThroughAnother() throws Exception {
    try (Volunteer v =
        Volunteer.forToolchain("x86_64").listen(HOST_V4).allow(AccessList.PRIVATE).start()) {
      Path dir = Files.createDirectories(work.resolve("listen-" + System.nanoTime()));
      Files.writeString(dir.resolve("a.c"), "int a(void){return 0;}\n");
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env"));
      // stock's default backoff: with DISTCC_BACKOFF_PERIOD=0 the client would retry the refused
      // connection until the timeout, leaving one temporary .i file per try in /tmp
      Peers.distccEnv(HOST_PUBLIC + ":" + v.port() + "/2", work.resolve("dcc")).entrySet().stream()
          .filter(e -> !e.getKey().equals("DISTCC_BACKOFF_PERIOD"))
          .forEach(e -> cmd.add(e.getKey() + "=" + e.getValue()));
      cmd.addAll(List.of("distcc", "gcc", "-c", "a.c", "-o", "a.o"));
      Peers.Run run = Peers.run(dir, Map.of(), 30, cmd);
      assertNotEquals(0, run.exit());
      assertTrue(run.err().contains("Connection refused"), run.err());
      assertTrue(v.summaries().isEmpty(), "nothing reached the volunteer");
    }
  }

  @ParameterizedTest(name = "allow {0}, stats-allow {1}: stats={2}")
  @CsvSource({
    CLIENT_V4 + "/32, '', 200",
    "127.0.0.1, '', 403",
    "127.0.0.1, " + CLIENT_V4 + "/32, 200",
    "127.0.0.1, 10.231.7.3/32, 403"
  })
  void theStatsPortFollowsTheAllowListAndStatsAllow(String allow, String statsAllow, int status)
      throws Exception {
    try (Volunteer v =
        Volunteer.forToolchain("x86_64")
            .listen(HOST_V4)
            .allow(List.of(allow))
            .statsAllow(statsAllow.isEmpty() ? List.of() : List.of(statsAllow))
            .withStats()
            .start()) {
      for (String path : List.of("/", "/metrics", "/status.json", "/dashboard")) {
        String url = "http://" + HOST_V4 + ":" + v.daemon.statsPort() + path;
        Peers.Run got = inNs("curl", "-s", "-m", "10", "-w", "\n%{http_code}", url);
        String[] lines = got.out().split("\n");
        assertEquals(Integer.toString(status), lines[lines.length - 1], path + ": " + got.out());
        if (status == 403) {
          assertTrue(got.out().contains("--stats-allow"), path + ": says why: " + got.out());
          assertFalse(
              got.out().contains("crossfarm_")
                  || got.out().contains("dcc_")
                  || got.out().contains("slots"),
              path + ": no data for a refused address: " + got.out());
        }
      }
      // --stats-allow opens the statistics, never the compile port
      if (!statsAllow.isEmpty()) {
        Path dir = Files.createDirectories(work.resolve("s-" + System.nanoTime()));
        Files.writeString(dir.resolve("a.c"), "int a(int x){return x+1;}\n");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env"));
        Peers.distccEnv(HOST_V4 + ":" + v.port() + "/2,lzo", work.resolve("dcc"))
            .forEach((k, val) -> cmd.add(k + "=" + val));
        cmd.addAll(List.of("distcc", "gcc", "-c", "a.c", "-o", "a.o"));
        Peers.Run run = Peers.run(dir, Map.of(), 60, cmd);
        assertNotEquals(0, run.exit());
        assertTrue(run.err().contains("access denied"), run.err());
      }
    }
  }

  private static void ip(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Peers.run(Path.of("/"), Map.of(), 30, cmd).ok(String.join(" ", cmd) + " (root is needed)");
  }

  private Peers.Run inNs(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    cmd.addAll(List.of(args));
    return Peers.run(work, Map.of(), 90, cmd).ok(String.join(" ", cmd));
  }

  @ParameterizedTest(name = "{0} client, allow {2}: compiles={3}")
  @CsvSource({
    "IPv4, " + HOST_V4 + ", " + CLIENT_V4 + "/32, true",
    "IPv4, " + HOST_V4 + ", 10.231.7.0/24, true",
    "IPv4, " + HOST_V4 + ", 127.0.0.1, false",
    "IPv4, " + HOST_V4 + ", 10.231.7.3/32, false",
    "IPv4, " + HOST_V4 + ", private, true",
    "IPv4, " + HOST_PUBLIC + ", private, false",
    "IPv6, " + HOST_V6 + ", private, true",
    "IPv6, " + HOST_V6 + ", " + CLIENT_V6 + "/128, true",
    "IPv6, " + HOST_V6 + ", fd00:cf::/64, true",
    "IPv6, " + HOST_V6 + ", ::1, false"
  })
  void onlyAllowedAddressesGetACompile(String family, String listen, String allow, boolean compiles)
      throws Exception {
    try (Volunteer v =
        Volunteer.forToolchain("x86_64")
            .listen(listen)
            .allow(allow.equals("private") ? AccessList.PRIVATE : List.of(allow)) // --allow-private
            .start()) {
      Path dir = Files.createDirectories(work.resolve("c-" + System.nanoTime()));
      Files.writeString(dir.resolve("a.c"), "int a(int x){return x+1;}\n");
      String host = family.equals("IPv6") ? "[" + listen + "]" : listen;
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env"));
      Peers.distccEnv(host + ":" + v.port() + "/2,lzo", work.resolve("dcc"))
          .forEach((k, val) -> cmd.add(k + "=" + val));
      cmd.addAll(List.of("distcc", "gcc", "-c", "a.c", "-o", "a.o"));
      Peers.Run run = Peers.run(dir, Map.of(), 60, cmd);
      if (compiles) {
        assertEquals(0, run.exit(), run.err());
        assertTrue(Files.size(dir.resolve("a.o")) > 0);
        assertEquals(1, v.summaries().size());
      } else {
        assertNotEquals(0, run.exit());
        assertFalse(Files.exists(dir.resolve("a.o")));
        assertTrue(run.err().contains("access denied"), run.err());
        assertTrue(
            v.summaries().stream()
                .allMatch(j -> j.result() == JobSummary.Result.REJ_BAD_REQ && j.ret() == 113),
            "nothing was compiled, each attempt was refused for access: " + v.summaries());
      }
    }
  }
}
