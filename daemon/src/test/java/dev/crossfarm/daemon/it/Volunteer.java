package dev.crossfarm.daemon.it;

import dev.crossfarm.daemon.auth.GssAuthenticator;
import dev.crossfarm.daemon.drift.VersionDrift;
import dev.crossfarm.daemon.job.InstalledToolchain;
import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.protocol.RequestLimits;
import dev.crossfarm.daemon.server.AccessList;
import dev.crossfarm.daemon.server.Daemon;
import dev.crossfarm.daemon.server.DaemonConfig;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real volunteer daemon in this JVM, on a free port, recording its job summaries. */
final class Volunteer implements AutoCloseable {

  final Daemon daemon;
  final Path jobRoot;
  private final List<JobSummary> jobs;

  private Volunteer(Daemon daemon, Path jobRoot, List<JobSummary> jobs) {
    this.daemon = daemon;
    this.jobRoot = jobRoot;
    this.jobs = jobs;
  }

  static Builder forToolchain(String name) {
    return new Builder(name);
  }

  int port() {
    return daemon.port();
  }

  /** The DISTCC_HOSTS entry for this volunteer. */
  String host(String options) {
    return "127.0.0.1:" + port() + "/4" + options;
  }

  @Override
  public void close() {
    daemon.shutdown(Duration.ofSeconds(10));
  }

  static final class Builder {
    private final String toolchain;
    private String listen = "127.0.0.1";
    private List<String> allow = AccessList.LOOPBACK;
    private int jobs = 2;
    private Duration lifetime = Duration.ofSeconds(120);
    private Duration ioTimeout = Duration.ofSeconds(20);
    private int maxConnections = 64;
    private RequestLimits limits = RequestLimits.DEFAULT;
    private Path jobParent;
    private Integer statsPort;
    private List<String> statsAllow = List.of();
    private GssAuthenticator auth;
    private Path cacheDir;
    private Path relaySocket;
    private long cacheBytes;
    private VersionDrift.Policy drift = VersionDrift.Policy.REFUSE;

    Builder(String toolchain) {
      this.toolchain = toolchain;
    }

    Builder listen(String address) {
      this.listen = address;
      return this;
    }

    Builder allow(List<String> networks) {
      this.allow = networks;
      return this;
    }

    Builder jobs(int n) {
      this.jobs = n;
      return this;
    }

    Builder jobLifetime(Duration d) {
      this.lifetime = d;
      return this;
    }

    Builder ioTimeout(Duration d) {
      this.ioTimeout = d;
      return this;
    }

    Builder limits(RequestLimits l) {
      this.limits = l;
      return this;
    }

    Builder withStats() {
      this.statsPort = 0;
      return this;
    }

    Builder statsAllow(List<String> networks) {
      this.statsAllow = networks;
      return this;
    }

    Builder auth(GssAuthenticator login) {
      this.auth = login;
      return this;
    }

    /** A result cache in {@code dir} (the builder's volunteers have none by default). */
    Builder cache(Path dir, long maxBytes) {
      this.cacheDir = dir;
      this.cacheBytes = maxBytes;
      return this;
    }

    Builder versionDrift(VersionDrift.Policy policy) {
      this.drift = policy;
      return this;
    }

    /** Jobs relayed from SSH also arrive on the Unix socket {@code path}. */
    Builder relaySocket(Path path) {
      this.relaySocket = path;
      return this;
    }

    Builder jobsUnder(Path parent) {
      this.jobParent = parent;
      return this;
    }

    Volunteer start() throws Exception {
      ToolchainCatalog catalog = ToolchainCatalog.builtIn();
      InstalledToolchain installed = InstalledToolchain.detect(catalog.get(toolchain));
      Path parent = jobParent != null ? jobParent : Path.of(System.getProperty("java.io.tmpdir"));
      Path root = parent.resolve("crossfarm-it-" + toolchain + "-" + System.nanoTime());
      List<JobSummary> sink = new CopyOnWriteArrayList<>();
      Daemon daemon =
          new Daemon(
              new DaemonConfig(
                  installed,
                  InetAddress.getByName(listen),
                  0,
                  AccessList.parse(allow),
                  jobs,
                  0,
                  lifetime,
                  ioTimeout,
                  maxConnections,
                  limits,
                  root,
                  statsPort,
                  AccessList.parse(statsAllow),
                  auth,
                  cacheDir,
                  cacheBytes,
                  drift,
                  "C.UTF-8",
                  relaySocket),
              catalog,
              sink::add);
      daemon.start();
      return new Volunteer(daemon, root, sink);
    }
  }

  /** Summaries of every job so far. */
  List<JobSummary> summaries() {
    return List.copyOf(jobs);
  }
}
