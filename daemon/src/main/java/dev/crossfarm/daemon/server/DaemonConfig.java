package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.auth.GssAuthenticator;
import dev.crossfarm.daemon.drift.VersionDrift;
import dev.crossfarm.daemon.job.InstalledToolchain;
import dev.crossfarm.daemon.protocol.RequestLimits;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a volunteer needs to run, decided before it starts (the CLI builds it from stock
 * distccd's option names).
 *
 * @param listen the address to listen on, or null for every address
 * @param port the TCP port, 0 for any free one (tests)
 * @param jobs compile slots
 * @param nice nice level of the volunteer, inherited by its compilers
 * @param jobLifetime a compile running longer is killed (stock: --job-lifetime)
 * @param ioTimeout longest wait for any single read or write of a client
 * @param maxConnections connections served at once (reading, waiting or compiling); more are closed
 *     at once
 * @param jobRoot directory under which each job gets its own directory
 * @param statsPort port of the stats page ({@code --stats}), or null for none; 0 for any
 * @param statsAllow who may read the stats page besides {@code allow} ({@code --stats-allow}):
 *     monitoring hosts that must not compile
 * @param auth the {@code --auth} login every client must pass first, or null for none
 * @param cacheDir the result cache's directory ({@code --cache-dir}), or null for no cache
 * @param cacheBytes the bound of the files in the cache's directory ({@code --cache-size})
 * @param versionDrift what a job preprocessed by another gcc major version gets
 * @param locale the compilers' LANG ({@code --locale}), so diagnostics read as the client's own
 * @param relaySocket the Unix socket for jobs relayed from SSH ({@code --relay-socket}), or null
 */
public record DaemonConfig(
    InstalledToolchain toolchain,
    InetAddress listen,
    int port,
    AccessList allow,
    int jobs,
    int nice,
    Duration jobLifetime,
    Duration ioTimeout,
    int maxConnections,
    RequestLimits limits,
    Path jobRoot,
    Integer statsPort,
    AccessList statsAllow,
    GssAuthenticator auth,
    Path cacheDir,
    long cacheBytes,
    VersionDrift.Policy versionDrift,
    String locale,
    Path relaySocket) {

  public DaemonConfig {
    statsAllow = statsAllow == null ? AccessList.parse(List.of()) : statsAllow;
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 1-65535, not " + port);
    }
    if (jobs < 1) {
      throw new IllegalArgumentException("--jobs must be at least 1, not " + jobs);
    }
    if (nice < -20 || nice > 19) {
      throw new IllegalArgumentException("--nice must be -20..19, not " + nice);
    }
    if (cacheDir != null && cacheBytes <= 0) {
      throw new IllegalArgumentException("--cache-size must be more than 0");
    }
    if (locale == null || !locale.matches("[A-Za-z0-9_.@-]+")) {
      throw new IllegalArgumentException(
          "--locale takes a locale name such as C.UTF-8, not '" + locale + "'");
    }
    if (versionDrift == null) {
      throw new IllegalArgumentException("--version-drift must be warn or refuse");
    }
    if (maxConnections < jobs) {
      throw new IllegalArgumentException(
          "--max-connections (" + maxConnections + ") must be at least --jobs (" + jobs + ")");
    }
  }
}
