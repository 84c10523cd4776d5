package dev.crossfarm.daemon.run;

import java.nio.file.Path;
import java.util.List;

/**
 * A volunteer's settings as stock distccd's options give them, before any is checked or resolved:
 * what {@code farm daemon} parses and {@link VolunteerProcess} runs. Nulls mean "not given".
 *
 * @param toolchain the target's name or alias
 * @param port the compile port, or null for the target's
 * @param listen the address to listen on, or null for every address
 * @param allow client networks; with none and no {@code allowPrivate}, loopback only
 * @param jobs compile slots, or null for the CPU cores + 2 (stock's default)
 * @param lifetime seconds before the daemon stops by itself; 0 for never
 * @param maxSourceMb largest preprocessed source, in MB
 * @param logLevel a stock level name, or null for notice (warning with --inetd and no log file)
 * @param statsPort the stats page's port, or null for the compile port + 1000
 * @param statsAllow networks that may read the stats page besides {@code allow}, never compile
 * @param keytab the service's keytab for --auth, or null for $KRB5_KTNAME or /etc/krb5.keytab
 * @param cacheDir the result cache's directory, or null for none ({@code --no-cache})
 * @param cacheSize the cache's bound, {@code 512m} and the like
 * @param versionDrift {@code warn} or {@code refuse}
 * @param locale the compilers' LANG
 * @param relaySocket the Unix socket SSH relays reach the volunteer on, or null
 */
public record VolunteerOptions(
    String toolchain,
    Integer port,
    String listen,
    List<String> allow,
    boolean allowPrivate,
    Integer jobs,
    int nice,
    long jobLifetime,
    long lifetime,
    long ioTimeout,
    int maxConnections,
    int maxArgs,
    int maxArgLength,
    int maxSourceMb,
    Path jobDir,
    Path logFile,
    String logLevel,
    boolean logStderr,
    boolean verbose,
    Path pidFile,
    boolean stats,
    Integer statsPort,
    List<String> statsAllow,
    boolean inetd,
    boolean auth,
    Path keytab,
    Path whitelist,
    Path blacklist,
    boolean zeroconf,
    Path cacheDir,
    String cacheSize,
    String versionDrift,
    String locale,
    Path relaySocket) {

  public VolunteerOptions {
    allow = List.copyOf(allow);
    statsAllow = List.copyOf(statsAllow);
  }

  /**
   * Where a volunteer keeps its results unless told: the user's cache directory ({@code
   * $XDG_CACHE_HOME}, else {@code ~/.cache}), as other build caches do.
   */
  public static Path defaultCacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && xdg.startsWith("/")
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("crossfarm").resolve("results");
  }
}
