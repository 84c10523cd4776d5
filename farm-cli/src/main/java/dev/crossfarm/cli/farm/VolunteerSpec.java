package dev.crossfarm.cli.farm;

import dev.crossfarm.cli.config.AuthConfig;
import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.cli.config.TargetConfig;
import dev.crossfarm.toolchain.Toolchain;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One volunteer as the farm should run it, resolved from {@code farm.yaml} and the catalog: the
 * settings a container or native process is started with. Its digest tells {@code farm up} whether
 * a running volunteer still matches.
 *
 * @param allow client networks; empty means stock's {@code --allow-private}
 * @param statsAllow networks that may read the stats port besides {@code allow}
 * @param jobs compile slots: farm.yaml's {@code jobs}, else the cores of the machine it runs on
 * @param memoryBytes container memory limit, or null
 * @param cpus container CPU limit, or null
 * @param auth the Kerberos login clients must pass, or null
 * @param zeroconf whether the volunteer is announced over mDNS
 * @param cache whether it keeps a result cache
 * @param cacheSize the cache's bound ({@code 5g}), or null for the daemon's default
 * @param versionDrift {@code warn} or {@code refuse}, or null for the daemon's default
 */
public record VolunteerSpec(
    Toolchain toolchain,
    int port,
    String listen,
    List<String> allow,
    List<String> statsAllow,
    int jobs,
    Long memoryBytes,
    Double cpus,
    int jobLifetime,
    AuthConfig auth,
    boolean zeroconf,
    boolean cache,
    String cacheSize,
    String versionDrift) {

  /**
   * Where a container keeps its result cache: a volume the image's directory (owned by the
   * volunteer's user) seeds, shared by every volunteer container of the host.
   */
  public static final String CACHE_IN_CONTAINER = "/var/cache/crossfarm";

  /** The volume of {@link #CACHE_IN_CONTAINER}. */
  public static final String CACHE_VOLUME = "crossfarm-cache";

  /** Where a container finds the auth files, mounted read-only from the host's paths. */
  public static final String KEYTAB_IN_CONTAINER = "/etc/crossfarm/krb5.keytab";

  public static final String PRINCIPALS_IN_CONTAINER = "/etc/crossfarm/principals";
  public static final String KRB5_CONF_IN_CONTAINER = "/etc/krb5.conf";

  public static VolunteerSpec of(Toolchain toolchain, FarmConfig config, int hostCores) {
    TargetConfig t = config.target(toolchain.name());
    return new VolunteerSpec(
        toolchain,
        t.port() != null ? t.port() : toolchain.port(),
        t.listen(),
        t.allow() == null ? List.of() : t.allow(),
        t.statsAllow() == null ? List.of() : t.statsAllow(),
        t.jobs() != null ? t.jobs() : hostCores,
        t.memoryBytes(),
        t.cpus(),
        t.jobLifetime() != null ? t.jobLifetime() : 900,
        t.auth(),
        Boolean.TRUE.equals(t.zeroconf()),
        !Boolean.FALSE.equals(t.cache()),
        t.cacheSize(),
        t.versionDrift());
  }

  /**
   * The same volunteer behind a front on {@code frontNetwork}: the front's address must be let in,
   * to compile and to read the stats page (with no --allow the volunteer already takes private
   * networks, the front's among them).
   */
  public VolunteerSpec behindFront(String frontNetwork) {
    List<String> clients = allow.isEmpty() ? allow : plus(allow, frontNetwork);
    return new VolunteerSpec(
        toolchain,
        port,
        listen,
        clients,
        plus(statsAllow, frontNetwork),
        jobs,
        memoryBytes,
        cpus,
        jobLifetime,
        auth,
        zeroconf,
        cache,
        cacheSize,
        versionDrift);
  }

  private static List<String> plus(List<String> list, String more) {
    List<String> all = new ArrayList<>(list);
    if (!all.contains(more)) {
      all.add(more);
    }
    return List.copyOf(all);
  }

  /** Where a front of this target listens for clients: the volunteer's port + 10000. */
  public int frontPort() {
    return port + FRONT_PORT_SHIFT;
  }

  /**
   * The front's port is the volunteers' + this: volunteers keep their ports on every node (SSH and
   * Kerberos clients, and anyone naming a node, still reach them), and the front's port differs on
   * the manager, which may run a volunteer too.
   */
  public static final int FRONT_PORT_SHIFT = 10000;

  /** Options after {@code farm front --toolchain T} for the front of this target. */
  public List<String> frontArguments(String volunteersByName, String spoolDir) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port",
                Integer.toString(toolchain.port()),
                "--stats",
                "--volunteers-dns",
                volunteersByName,
                "--spool-dir",
                spoolDir));
    if (allow.isEmpty()) {
      args.add("--allow-private");
    }
    for (String a : allow) {
      args.addAll(List.of("--allow", a));
    }
    for (String a : statsAllow) {
      args.addAll(List.of("--stats-allow", a));
    }
    return args;
  }

  /** The same volunteer, announced over mDNS. */
  public VolunteerSpec withZeroconf() {
    return new VolunteerSpec(
        toolchain,
        port,
        listen,
        allow,
        statsAllow,
        jobs,
        memoryBytes,
        cpus,
        jobLifetime,
        auth,
        true,
        cache,
        cacheSize,
        versionDrift);
  }

  public String target() {
    return toolchain.name();
  }

  public int statsPort() {
    return Toolchain.statsPortOf(port);
  }

  /**
   * Options after {@code farm daemon --toolchain T}, for a native daemon on {@code daemonPort}: it
   * announces itself when {@link #zeroconf}, and reads the auth files where the host has them.
   */
  public List<String> daemonArguments(int daemonPort, String jobDir) {
    List<String> args = commonArguments(daemonPort, jobDir);
    args.addAll(cacheArguments(null));
    if (auth != null) {
      args.addAll(authArguments(auth.keytab(), auth.whitelist(), auth.blacklist()));
    }
    if (zeroconf) {
      args.add("--zeroconf");
    }
    return args;
  }

  /**
   * Options for a container's daemon: auth files at their mount points; no --zeroconf, since mDNS
   * does not leave a bridge network (the host announces it, 'farm advertise').
   */
  public List<String> containerArguments(int daemonPort, String jobDir) {
    List<String> args = commonArguments(daemonPort, jobDir);
    args.addAll(cacheArguments(CACHE_IN_CONTAINER));
    if (auth != null) {
      args.addAll(
          authArguments(
              KEYTAB_IN_CONTAINER,
              auth.whitelist() != null ? PRINCIPALS_IN_CONTAINER : null,
              auth.blacklist() != null ? PRINCIPALS_IN_CONTAINER : null));
    }
    return args;
  }

  /** The daemon's environment for {@link #auth}, with krb5.conf at {@code krb5Conf}. */
  public Map<String, String> environment(String krb5Conf) {
    return auth == null
        ? Map.of()
        : Map.of("DISTCCD_PRINCIPAL", auth.principal(), "KRB5_CONFIG", krb5Conf);
  }

  private static List<String> authArguments(String keytab, String whitelist, String blacklist) {
    List<String> args = new ArrayList<>(List.of("--auth", "--keytab", keytab));
    if (whitelist != null) {
      args.addAll(List.of("--whitelist", whitelist));
    }
    if (blacklist != null) {
      args.addAll(List.of("--blacklist", blacklist));
    }
    return args;
  }

  /**
   * The cache's options: in {@code dir}, or the daemon's default directory when null (a native
   * volunteer: the user's cache directory).
   */
  private List<String> cacheArguments(String dir) {
    if (!cache) {
      return List.of("--no-cache");
    }
    List<String> args = new ArrayList<>();
    if (dir != null) {
      args.addAll(List.of("--cache-dir", dir));
    }
    if (cacheSize != null) {
      args.addAll(List.of("--cache-size", cacheSize));
    }
    return args;
  }

  private List<String> commonArguments(int daemonPort, String jobDir) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--port", Integer.toString(daemonPort)));
    if (allow.isEmpty()) {
      args.add("--allow-private");
    } else {
      for (String a : allow) {
        args.addAll(List.of("--allow", a));
      }
    }
    if (jobs > 0) {
      args.addAll(List.of("--jobs", Integer.toString(jobs)));
    }
    args.addAll(List.of("--job-lifetime", Integer.toString(jobLifetime)));
    args.addAll(
        List.of("--stats", "--stats-port", Integer.toString(Toolchain.statsPortOf(daemonPort))));
    for (String a : statsAllow) {
      args.addAll(List.of("--stats-allow", a));
    }
    args.addAll(List.of("--job-dir", jobDir));
    if (versionDrift != null) {
      args.addAll(List.of("--version-drift", versionDrift));
    }
    return args;
  }

  /** Digest of everything that shapes the running volunteer (plus its image). */
  public String digest(String image) {
    String text =
        image
            + "|"
            + toolchain.name()
            + "|"
            + port
            + "|"
            + listen
            + "|"
            + allow
            + "|"
            + statsAllow
            + "|"
            + jobs
            + "|"
            + memoryBytes
            + "|"
            + cpus
            + "|"
            + jobLifetime
            + "|"
            + auth
            + "|"
            + zeroconf
            + "|"
            + cache
            + "|"
            + cacheSize
            + "|"
            + versionDrift;
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
