package dev.crossfarm.daemon.drift;

import dev.crossfarm.daemon.drift.LineMarkers.ClientCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the major version of the gcc that preprocessed each job (from its line markers) with
 * this volunteer's, and applies {@code --version-drift}: {@code refuse} turns a drifted job away
 * with a message naming both versions and the fix, so the client compiles it locally; {@code warn}
 * serves it and counts it. Either way every drifted job is counted, per client address too, for
 * /metrics, /status.json and {@code farm status}. A source that names no compiler header is counted
 * as unknown, never as drift.
 */
public final class VersionDrift {

  private static final Logger log = LoggerFactory.getLogger("dcc_drift");

  /** Clients remembered for /status.json; the least recently seen goes first. */
  static final int MAX_CLIENTS = 256;

  /** What a drifted job gets. */
  public enum Policy {
    WARN,
    REFUSE;

    public static Policy parse(String text) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "warn" -> WARN;
        case "refuse" -> REFUSE;
        default ->
            throw new IllegalArgumentException(
                "--version-drift takes warn or refuse, not '" + text + "'");
      };
    }
  }

  /** One client seen with another major version. */
  public record Client(String address, int major, long jobs, long lastSeenMillis) {}

  /** Debian suites by the gcc major their compilers have: the image that would match a client. */
  private static final Map<Integer, String> SUITES =
      Map.of(10, "bullseye", 12, "bookworm", 14, "trixie");

  private final Policy policy;
  private final String volunteerVersion;
  private final int volunteerMajor;
  private final AtomicLong drifted = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();
  private final Map<String, Client> clients = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * @param volunteerVersion this volunteer's gcc, as {@code -dumpfullversion} says it
   */
  public VersionDrift(Policy policy, String volunteerVersion) {
    this.policy = policy;
    this.volunteerVersion = volunteerVersion;
    this.volunteerMajor = majorOf(volunteerVersion);
  }

  public Policy policy() {
    return policy;
  }

  /**
   * Counts one job whose source named {@code client} (null: no compiler header) and returns why it
   * is refused, or null when it may be served.
   */
  public String check(String address, ClientCompiler client, long nowMillis) {
    if (client == null) {
      unknown.incrementAndGet();
      return null;
    }
    if (client.major() == volunteerMajor) {
      return null;
    }
    drifted.incrementAndGet();
    boolean first;
    synchronized (clients) {
      Client before = clients.get(address);
      first = before == null || before.major() != client.major();
      clients.put(
          address, new Client(address, client.major(), (first ? 0 : before.jobs()) + 1, nowMillis));
      if (clients.size() > MAX_CLIENTS) {
        clients.remove(clients.keySet().iterator().next());
      }
    }
    if (policy == Policy.REFUSE) {
      return refusal(client);
    }
    if (first) {
      log.warn(
          "{}: preprocessed by gcc {} ({}), compiled here by gcc {}: its objects differ from a"
              + " local build (--version-drift warn serves them; refuse sends them back)",
          address,
          client.major(),
          client.header(),
          volunteerVersion);
    }
    return null;
  }

  /** Jobs whose client compiler had another major version, served or refused. */
  public long driftedJobs() {
    return drifted.get();
  }

  /** Jobs whose source named no compiler header. */
  public long unknownJobs() {
    return unknown.get();
  }

  /** Clients seen with another major version, most recent last. */
  public List<Client> clients() {
    synchronized (clients) {
      return new ArrayList<>(clients.values());
    }
  }

  public int volunteerMajor() {
    return volunteerMajor;
  }

  private String refusal(ClientCompiler client) {
    String suite = SUITES.get(client.major());
    return "version drift: this job was preprocessed by gcc "
        + client.major()
        + " (its headers: "
        + client.header()
        + ") but this volunteer compiles with gcc "
        + volunteerVersion
        + ", so the object would differ from your local build. Compile with a gcc "
        + volunteerMajor
        + " client, or give the farm a volunteer with gcc "
        + client.major()
        + (suite != null
            ? " (farm.yaml: image: {suite: " + suite + "})"
            : " (farm image build --toolchain-archive with your own toolchain)")
        + "; its owner can serve such jobs anyway with --version-drift warn";
  }

  static int majorOf(String version) {
    int dot = version.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a gcc version: '" + version + "'");
    }
  }
}
