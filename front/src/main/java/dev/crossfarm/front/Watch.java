package dev.crossfarm.front;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads each volunteer's {@code /status.json} every poll interval: its slots and compiler version
 * for placement, and whether it is there at all. A volunteer that is stopped (SIGSTOP, a frozen
 * machine) still accepts TCP connections but answers nothing: its poll times out, and the placement
 * takes it out and re-sends its jobs.
 */
final class Watch implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Largest status page read: a volunteer's is a few kB. */
  private static final int MAX_PAGE = 1 << 20;

  private final Placement placement;
  private final Duration interval;
  private final int timeoutMillis;
  private final ScheduledExecutorService pollers;

  Watch(Placement placement, Duration interval) {
    this.placement = placement;
    this.interval = interval;
    this.timeoutMillis = (int) Math.max(1000, Math.min(3000, interval.toMillis() * 3));
    this.pollers =
        Executors.newScheduledThreadPool(
            Math.min(8, placement.volunteers().size()),
            r -> {
              Thread t = new Thread(r, "watch");
              t.setDaemon(true);
              return t;
            });
  }

  /** Polls every volunteer once, all at once, and returns when each has answered or failed. */
  void pollAll() throws InterruptedException {
    var done = placement.volunteers().stream().map(v -> pollers.submit(() -> poll(v))).toList();
    for (var f : done) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        // poll() records its own failures
      }
    }
  }

  /** Polls each volunteer every interval from now on. */
  void start() {
    for (Volunteer v : placement.volunteers()) {
      pollers.scheduleWithFixedDelay(
          () -> poll(v), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void poll(Volunteer v) {
    VolunteerAddress a = v.address;
    try {
      JsonNode status = JSON.readTree(get(a.host(), a.statsPort()));
      int slots = status.path("slots").asInt(0);
      if (slots < 1) {
        throw new IOException("its /status.json names no slots");
      }
      placement.polled(v, slots, status.path("compilerVersion").asText(""));
    } catch (IOException | RuntimeException e) {
      placement.pollFailed(
          v, "stats port " + a.statsPort() + ": " + String.valueOf(e.getMessage()));
    }
  }

  private byte[] get(String host, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /status.json HTTP/1.0\r\nHost: " + host + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] page = in.readNBytes(MAX_PAGE);
      String head = new String(page, 0, Math.min(page.length, 64), StandardCharsets.US_ASCII);
      if (!head.startsWith("HTTP/1.") || !head.contains(" 200 ")) {
        throw new IOException(
            "no status page (" + head.lines().findFirst().orElse("empty answer") + ")");
      }
      for (int i = 0; i + 3 < page.length; i++) {
        if (page[i] == '\r' && page[i + 1] == '\n' && page[i + 2] == '\r' && page[i + 3] == '\n') {
          return java.util.Arrays.copyOfRange(page, i + 4, page.length);
        }
      }
      throw new IOException("a status page without a body");
    }
  }

  @Override
  public void close() {
    pollers.shutdownNow();
  }
}
