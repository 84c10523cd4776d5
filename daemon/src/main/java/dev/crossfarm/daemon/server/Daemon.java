package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.cache.ResultCache;
import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.stats.Counters;
import dev.crossfarm.daemon.stats.StatsServer;
import dev.crossfarm.daemon.stats.VolunteerStatus;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volunteer's TCP server: binds, accepts, and hands each connection to a thread of a bounded
 * pool (one thread per connection; concurrency that matters is bounded by the compile slots).
 * Closing it stops accepting, lets running jobs finish, and removes the job root.
 */
public final class Daemon implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("dcc_listen");

  private final DaemonConfig config;
  private final Connection.Services services;
  private final ThreadPoolExecutor workers;
  private final AtomicLong connectionCounter = new AtomicLong();
  private final Counters counters = new Counters(() -> System.currentTimeMillis() / 1000);
  private final RunningJobs running = new RunningJobs(System::nanoTime);
  private final long startedMillis = System.currentTimeMillis();
  private StatsServer stats;
  private RelaySocket relay;
  private ServerSocket server;
  private Thread acceptor;

  public Daemon(DaemonConfig config, ToolchainCatalog catalog, Consumer<JobSummary> summaries)
      throws IOException {
    this.config = config;
    this.services =
        Connection.Services.of(
            config,
            catalog,
            running,
            summary -> {
              counters.accept(summary);
              summaries.accept(summary);
            });
    this.workers =
        new ThreadPoolExecutor(
            0,
            config.maxConnections(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "job-" + connectionCounter.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Binds the port and starts accepting.
   *
   * @throws java.net.BindException when the port is taken (the CLI exits 102, as stock)
   */
  public void start() throws IOException {
    // before the accept thread exists: it and every thread it starts inherit the level
    ProcessPriority.setOrWarn(config.nice());
    if (services.cache().enabled()) {
      identifyCompilers(); // before the port opens: a client that finds it open is served at once
      ResultCache.Stats cache = services.cache().stats(); // counts the store, once
      log.info(
          "result cache in {}: {} of {} bytes used",
          cache.directory(),
          cache.bytes(),
          cache.maxBytes());
    }
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(config.listen(), config.port()), 128);
    if (config.statsPort() != null) {
      stats =
          new StatsServer(
              address -> config.allow().permits(address) || config.statsAllow().permits(address),
              address -> config.allow().permits(address),
              new VolunteerStatus(
                  config,
                  server.getLocalPort(),
                  counters,
                  services.slots(),
                  running,
                  services.cache(),
                  services.drift(),
                  startedMillis),
              this::clearCache);
      stats.start(new InetSocketAddress(config.listen(), config.statsPort()));
    }
    acceptor = new Thread(this::acceptLoop, "accept");
    acceptor.start();
    if (config.relaySocket() != null) {
      relay = new RelaySocket(config.relaySocket());
      relay.start(this::relayed);
    }
  }

  /**
   * Takes the identity of the toolchain's compilers before the first job is accepted, so none of
   * them pays for reading the compiler (a few hundred milliseconds, once; then kept in the cache's
   * directory for the next start).
   */
  private void identifyCompilers() {
    for (String tool : List.of("gcc", "g++")) {
      Path driver = config.toolchain().installation().executable(tool);
      if (Files.isExecutable(driver)) {
        try {
          services.identity().of(driver);
        } catch (IOException e) {
          log.warn(
              "{} cannot be identified, so its results are not cached: {}", driver, e.getMessage());
        }
      }
    }
  }

  private String clearCache() {
    long freed = services.cache().clear();
    log.info("result cache cleared: {} bytes freed", freed);
    return services.cache().enabled()
        ? "cleared " + freed + " bytes from " + services.cache().stats().directory()
        : "this volunteer has no cache (--no-cache)";
  }

  /** The stats page's port, or -1 without --stats. */
  public int statsPort() {
    return stats == null ? -1 : stats.port();
  }

  /** The bound port (useful when the config asked for port 0). */
  public int port() {
    return server.getLocalPort();
  }

  public JobSlots slots() {
    return services.slots();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!server.isClosed()) {
          log.error("accept failed: {}", e.getMessage());
        }
        continue;
      }
      counters.connectionAccepted();
      try {
        workers.execute(() -> handle(socket));
      } catch (RejectedExecutionException full) {
        log.warn(
            "{} connections already open (--max-connections); dropped {}",
            config.maxConnections(),
            socket.getRemoteSocketAddress());
        closeQuietly(socket);
      }
    }
  }

  /** A job from the SSH relay: served as an --inetd volunteer serves one, on the pool. */
  private void relayed(SocketChannel channel) {
    counters.connectionAccepted();
    try {
      workers.execute(
          () -> {
            try (channel) {
              new Connection(
                      new PipePeer(
                          RelaySocket.in(channel),
                          RelaySocket.out(channel),
                          config.ioTimeout(),
                          null),
                      services)
                  .serve();
            } catch (IOException e) {
              log.debug("relayed connection closed: {}", e.getMessage());
            }
          });
    } catch (RejectedExecutionException full) {
      log.warn(
          "{} connections already open (--max-connections); dropped a relayed job",
          config.maxConnections());
      closeQuietly(channel);
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.ioTimeout().toMillis()));
      socket.setTcpNoDelay(true);
      new Connection(new SocketPeer(socket), services).serve();
    } catch (IOException e) {
      log.debug("connection closed: {}", e.getMessage());
    }
  }

  /** Stops accepting, waits up to {@code grace} for running jobs, removes the job root. */
  public void shutdown(Duration grace) {
    closeQuietly(server);
    closeQuietly(relay);
    closeQuietly(stats);
    workers.shutdown();
    try {
      if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("jobs still running after {}; stopping anyway", grace);
        workers.shutdownNow();
      }
      if (acceptor != null) {
        acceptor.join(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      services.directories().removeRoot();
    } catch (IOException e) {
      log.warn("could not remove {}: {}", services.directories().root(), e.getMessage());
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(30));
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception ignored) {
      // closing on the way out: nothing to tell anyone
    }
  }
}
