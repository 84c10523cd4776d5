package dev.crossfarm.daemon.stats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stats port ({@code --stats}): {@code GET /} is stock distccd's text page (any other path
 * stock does not know gets it too, as stock answers any request alike), {@code /metrics} Prometheus
 * text, {@code /status.json} JSON, {@code /dashboard} a live page; {@code POST /cache/clear}
 * empties the result cache ({@code farm cache clear}), for compile clients only. It has its own
 * small pool and a short read timeout, so slow or half-open HTTP clients never hang it for long
 * (stock distcc #275) and never touch compile work; past the pool and its queue, connections are
 * closed.
 */
public final class StatsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("dcc_stats");

  /** A scraper sends its request line at once; a half-open client holds a thread this long. */
  private static final int READ_TIMEOUT_MILLIS = 1000;

  private final StatusPages status;

  /** Who may change something ({@code POST /cache/clear}): the compile allow-list alone. */
  private final Predicate<InetAddress> compiles;

  /** Empties the result cache; returns what it says. */
  private final Supplier<String> clearCache;

  /**
   * Who may read the page: the compile allow-list and --stats-allow, as stock's dcc_check_client.
   */
  private final Predicate<InetAddress> admits;

  /**
   * A thread per connection, up to 64 at once and no queue: a real request never waits behind
   * silent ones (each is dropped after its read timeout), and past the bound connections are closed
   * rather than piled up. Idle threads end after a few seconds.
   */
  private final ThreadPoolExecutor pool = newPool();

  private ServerSocket server;

  private static ThreadPoolExecutor newPool() {
    ThreadPoolExecutor p =
        new ThreadPoolExecutor(
            64,
            64,
            5,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "stats");
              t.setDaemon(true);
              return t;
            });
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  public StatsServer(
      Predicate<InetAddress> admits,
      Predicate<InetAddress> compiles,
      StatusPages status,
      Supplier<String> clearCache) {
    this.admits = admits;
    this.compiles = compiles;
    this.status = status;
    this.clearCache = clearCache;
  }

  public void start(InetSocketAddress address) throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(address, 64);
    Thread t = new Thread(this::acceptLoop, "stats-accept");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        try {
          pool.execute(() -> answer(s));
        } catch (RejectedExecutionException busy) {
          s.close();
        }
      } catch (IOException e) {
        if (!server.isClosed()) {
          log.debug("stats accept failed: {}", e.getMessage());
        }
      }
    }
  }

  private void answer(Socket s) {
    try (s) {
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      String path = requestPath(s.getInputStream());
      if (path.equals(CLEAR)) {
        boolean may = compiles.test(s.getInetAddress());
        respond(
            s,
            may ? "200 OK" : "403 Forbidden",
            "text/plain",
            may
                ? clearCache.get() + "\n"
                : "only compile clients (--allow) may clear this volunteer's cache\n");
        return;
      }
      if (!admits.test(s.getInetAddress())) {
        String who = s.getInetAddress().getHostAddress();
        log.warn("{}: not on the allow-list or --stats-allow; stats refused", who);
        respond(
            s,
            "403 Forbidden",
            "text/plain",
            who
                + " may not read this volunteer's statistics; its owner can add it with"
                + " --stats-allow\n");
        return;
      }
      String type = "text/plain";
      String body;
      switch (path) {
        case "/metrics" -> {
          type = "text/plain; version=0.0.4";
          body = status.prometheus();
        }
        case "/status.json" -> {
          type = "application/json";
          body = status.json();
        }
        case "/dashboard", "/dashboard/" -> {
          type = "text/html; charset=utf-8";
          body = status.dashboard();
        }
        default -> body = status.stockText();
      }
      respond(s, "200 OK", type, body);
    } catch (IOException e) {
      log.debug("stats request failed: {}", e.getMessage());
    }
  }

  private static void respond(Socket s, String status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    OutputStream out = s.getOutputStream();
    out.write(
        ("HTTP/1.0 "
                + status
                + "\r\nContent-Type: "
                + type
                + "\r\nContent-Length: "
                + bytes.length
                + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  /** What {@link #requestPath} returns for {@code POST /cache/clear}. */
  static final String CLEAR = "POST /cache/clear";

  /**
   * The path of {@code GET /path HTTP/1.x}, {@link #CLEAR}, or "/" for anything else (stock answers
   * every request with its page); at most 8 KiB of the request line are read, within the read
   * timeout.
   */
  static String requestPath(InputStream in) {
    StringBuilder line = new StringBuilder();
    try {
      for (int i = 0; i < 8192; i++) {
        int c = in.read();
        if (c < 0 || c == '\n') {
          break;
        }
        line.append((char) c);
      }
    } catch (IOException timeoutOrGone) {
      // answer with the default page
    }
    String[] words = line.toString().trim().split(" ");
    if (words.length >= 2 && words[0].equals("POST") && words[1].equals("/cache/clear")) {
      return CLEAR;
    }
    if (words.length >= 2 && words[0].equals("GET")) {
      int q = words[1].indexOf('?');
      return q >= 0 ? words[1].substring(0, q) : words[1];
    }
    return "/";
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
    }
    pool.shutdownNow();
  }
}
