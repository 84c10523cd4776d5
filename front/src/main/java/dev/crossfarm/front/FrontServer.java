package dev.crossfarm.front;

import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.stats.Counters;
import dev.crossfarm.daemon.stats.StatsServer;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front's TCP server: polls its volunteers once before it opens its port (a client that finds
 * the port open is placed at once), then accepts clients, a thread each, up to --max-connections;
 * past that it stops accepting, so further clients wait in the listen backlog instead of being
 * refused (a refusal would make a stock client back the whole front off).
 */
public final class FrontServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("dcc_front");

  private final FrontConfig config;
  private final Placement placement;
  private final Watch watch;
  private final FrontConnection.Services services;
  private final Counters counters = new Counters(() -> System.currentTimeMillis() / 1000);
  private final Semaphore connections;
  private final ExecutorService workers;
  private final AtomicLong retries = new AtomicLong();
  private final ClientBook clients = new ClientBook();
  private final ClientWatch clientWatch = new ClientWatch();
  private ServerSocket server;
  private StatsServer stats;
  private Thread acceptor;

  public FrontServer(FrontConfig config, ToolchainCatalog catalog, Consumer<JobSummary> summaries) {
    this.config = config;
    this.placement = new Placement(config.volunteers(), System::nanoTime);
    this.watch =
        new Watch(placement, config.volunteers(), config.volunteerNames(), config.pollInterval());
    this.connections = new Semaphore(config.maxConnections());
    this.services =
        new FrontConnection.Services(
            config,
            new Intake(config.toolchain(), catalog),
            placement,
            new Forwarding(
                Duration.ofSeconds(3),
                config.volunteerTimeout(),
                config.limits().maxTotalBytes(),
                config.spoolDir(),
                FrontConnection.SPOOL_IN_MEMORY),
            clients,
            clientWatch,
            retries,
            summary -> {
              counters.accept(summary);
              summaries.accept(summary);
            });
    AtomicLong n = new AtomicLong();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "front-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Polls the volunteers, binds the port and starts accepting. */
  public void start() throws IOException, InterruptedException {
    clearSpool();
    watch.round();
    for (Volunteer v : placement.volunteers()) {
      if (!v.alive) {
        log.warn("volunteer {} does not answer yet ({}); jobs go to the others", v, v.lastFailure);
      }
    }
    watch.start();
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(config.listen(), config.port()), 256);
    if (config.statsPort() != null) {
      stats =
          new StatsServer(
              address -> config.allow().permits(address) || config.statsAllow().permits(address),
              config.allow()::permits,
              new FrontStatus(config, port(), counters, placement, clients, retries),
              () -> "a front keeps no results: clear its volunteers' caches");
      stats.start(new InetSocketAddress(config.listen(), config.statsPort()));
    }
    acceptor = new Thread(this::acceptLoop, "accept");
    acceptor.start();
  }

  /** Spool files of a front that was killed: nothing can use them now. */
  private void clearSpool() throws IOException {
    Path dir = config.spoolDir();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".spool")).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The stats port, or -1 without one. */
  public int statsPort() {
    return stats == null ? -1 : stats.port();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        connections.acquire();
      } catch (InterruptedException e) {
        return;
      }
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        connections.release();
        if (!server.isClosed()) {
          log.error("accept failed: {}", e.getMessage());
        }
        continue;
      }
      counters.connectionAccepted();
      workers.execute(() -> handle(socket));
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.ioTimeout().toMillis()));
      socket.setTcpNoDelay(true);
      new FrontConnection(socket, services).serve();
    } catch (IOException e) {
      log.debug("connection closed: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.error("internal error serving {}", socket.getRemoteSocketAddress(), e);
    } finally {
      connections.release();
    }
  }

  /** Stops accepting and waits up to {@code grace} for the jobs in flight. */
  public void shutdown(Duration grace) {
    try {
      if (server != null) {
        server.close();
      }
      if (stats != null) {
        stats.close();
      }
    } catch (IOException ignored) {
      // going away
    }
    if (acceptor != null) {
      acceptor.interrupt();
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watch.close();
    clientWatch.close();
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(10));
  }
}
