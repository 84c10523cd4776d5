package dev.crossfarm.cli;

import dev.crossfarm.harness.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A LAN for zeroconf tests (the shell fixture mdns-link.sh): the client's network namespace with
 * avahi-daemon on a private D-Bus bus, joined by veth to the volunteer's namespace, or to this
 * machine's own ("host"), where the Docker engine runs. Also runs stock clients on it, and ends the
 * zeroconf browsers they leave behind.
 */
final class MdnsLan implements AutoCloseable {

  /** The client's address on the LAN. */
  static final String CLIENT = "10.253.9.1";

  /** The volunteer's address on the LAN. */
  static final String VOLUNTEER = "10.253.9.2";

  final String clientNs;
  final String volunteerNs;
  final String bus;
  private final Path work;
  private final Path script;
  private final List<Path> distccDirs = new ArrayList<>();

  private MdnsLan(Path work, Path script, String clientNs, String volunteerNs, String bus) {
    this.work = work;
    this.script = script;
    this.clientNs = clientNs;
    this.volunteerNs = volunteerNs;
    this.bus = bus;
  }

  /**
   * @param volunteerNs a namespace name, or "host" for this machine's own
   */
  static MdnsLan up(Path work, String clientNs, String volunteerNs) throws IOException {
    // avahi-daemon drops to its own user and must reach the bus socket under this directory
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path script = work.resolve("mdns-link.sh");
    try (InputStream s = MdnsLan.class.getResourceAsStream("mdns-link.sh")) {
      Files.copy(s, script);
    }
    String bus =
        Cli.run(
                work,
                Map.of(),
                60,
                List.of(
                    "bash",
                    script.toString(),
                    "up",
                    work.resolve("lan").toString(),
                    clientNs,
                    volunteerNs))
            .ok("the namespaces, D-Bus and avahi-daemon (root is needed)")
            .out()
            .trim();
    return new MdnsLan(work, script, clientNs, volunteerNs, bus);
  }

  /** avahi-browse's resolved records of {@code subtype} on the client's side for one address. */
  List<String> browse(String subtype, String address, int port) {
    String out =
        Cli.run(
                work,
                Map.of(),
                30,
                List.of(
                    "ip",
                    "netns",
                    "exec",
                    clientNs,
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

  /** Browses until a record shows (15 s at most). */
  List<String> browseUntilSeen(String subtype, String address, int port)
      throws InterruptedException {
    for (int i = 0; i < 30; i++) {
      List<String> seen = browse(subtype, address, port);
      if (!seen.isEmpty()) {
        return seen;
      }
      Thread.sleep(500);
    }
    return List.of();
  }

  /**
   * A stock client on the client's side with {@code DISTCC_HOSTS=+zeroconf}, its own DISTCC_DIR, no
   * local fallback, and {@code extraEnv} (e.g. a PATH whose cc says another version).
   */
  Peers.Run zeroconfClient(Path dir, String dcc, Map<String, String> extraEnv, List<String> command)
      throws IOException {
    Path distccDir = Files.createDirectories(work.resolve(dcc));
    distccDirs.add(distccDir);
    Map<String, String> env = new HashMap<>(Cli.distcc("+zeroconf", distccDir, false));
    env.remove("DISTCC_BACKOFF_PERIOD"); // a refusing volunteer is dropped after one try
    env.putAll(extraEnv);
    List<String> cmd =
        new ArrayList<>(
            List.of("ip", "netns", "exec", clientNs, "env", "DBUS_SYSTEM_BUS_ADDRESS=" + bus));
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(command);
    return Cli.run(dir, Map.of(), 60, cmd);
  }

  /** Stock's subtype for a compiler: {@code _MACHINE--VERSION._sub._distcc._tcp}. */
  static String subtype(String machine, String version) {
    return "_" + label(machine) + "--" + label(version) + "._sub._distcc._tcp";
  }

  private static String label(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "-");
  }

  @Override
  public void close() {
    // the stock client leaves a zeroconf browser running per DISTCC_DIR: end ours
    ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/distcc")).orElse(false))
        .filter(
            p -> {
              try {
                String env = Files.readString(Path.of("/proc", Long.toString(p.pid()), "environ"));
                return distccDirs.stream().anyMatch(d -> env.contains("DISTCC_DIR=" + d + "\0"));
              } catch (IOException | RuntimeException gone) {
                return false;
              }
            })
        .forEach(ProcessHandle::destroy);
    Cli.run(
        work,
        Map.of(),
        60,
        List.of(
            "bash",
            script.toString(),
            "down",
            work.resolve("lan").toString(),
            clientNs,
            volunteerNs));
  }
}
