package dev.crossfarm.front;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every poll interval, one round: the volunteers found by name are looked up again (a Swarm
 * service's {@code tasks.NAME} gives one address per running volunteer, so a node that joins is
 * used and one that leaves is dropped), then each volunteer's {@code /status.json} is read, all at
 * once: its slots and compiler version for placement, and whether it is there at all. A volunteer
 * that is stopped (SIGSTOP, a frozen machine) still accepts TCP connections but answers nothing:
 * its poll times out, and the placement takes it out and re-sends its jobs.
 */
final class Watch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("dcc_front");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Largest status page read: a volunteer's is a few kB. */
  private static final int MAX_PAGE = 1 << 20;

  private final Placement placement;
  private final List<VolunteerAddress> fixed;
  private final List<VolunteerAddress> byName;
  private final Duration interval;
  private final int timeoutMillis;
  private final ScheduledExecutorService rounds;
  private final ExecutorService pollers;
  private String lastLookupFailure;

  /**
   * @param fixed volunteers named by address ({@code --volunteer})
   * @param byName names that resolve to volunteers ({@code --volunteers-dns}), looked up each round
   */
  Watch(
      Placement placement,
      List<VolunteerAddress> fixed,
      List<VolunteerAddress> byName,
      Duration interval) {
    this.placement = placement;
    this.fixed = List.copyOf(fixed);
    this.byName = List.copyOf(byName);
    this.interval = interval;
    this.timeoutMillis = (int) Math.max(1000, Math.min(3000, interval.toMillis() * 3));
    this.rounds =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "watch");
              t.setDaemon(true);
              return t;
            });
    this.pollers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "poll");
              t.setDaemon(true);
              return t;
            });
  }

  /** One round now, returning when every volunteer has answered or failed. */
  void round() throws InterruptedException {
    if (!byName.isEmpty()) {
      placement.sync(lookUp());
    }
    List<Future<?>> polls = new ArrayList<>();
    for (Volunteer v : placement.volunteers()) {
      polls.add(pollers.submit(() -> poll(v)));
    }
    for (Future<?> f : polls) {
      try {
        f.get();
      } catch (ExecutionException e) {
        // poll() records its own failures
      }
    }
  }

  /** A round every interval from now on. */
  void start() {
    rounds.scheduleWithFixedDelay(
        () -> {
          try {
            round();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            log.error("watching the volunteers failed", e);
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The fixed volunteers and every address each name resolves to now. */
  private List<VolunteerAddress> lookUp() {
    Set<VolunteerAddress> all = new LinkedHashSet<>(fixed);
    for (VolunteerAddress name : byName) {
      try {
        InetAddress[] found = InetAddress.getAllByName(name.host());
        Arrays.sort(found, (x, y) -> x.getHostAddress().compareTo(y.getHostAddress()));
        for (InetAddress a : found) {
          all.add(new VolunteerAddress(a.getHostAddress(), name.port(), name.statsPort()));
        }
        lastLookupFailure = null;
      } catch (UnknownHostException e) {
        // no task runs yet, or the name is wrong: say so once, and keep looking
        String why = name.host() + " does not resolve (" + e.getMessage() + ")";
        if (!why.equals(lastLookupFailure)) {
          log.warn("{}: no volunteers found by that name yet", why);
          lastLookupFailure = why;
        }
      }
    }
    return List.copyOf(all);
  }

  private void poll(Volunteer v) {
    VolunteerAddress a = v.address;
    try {
      JsonNode status = JSON.readTree(get(a.host(), a.statsPort()));
      int slots = status.path("slots").asInt(0);
      if (slots < 1) {
        throw new IOException("its /status.json names no slots");
      }
      placement.polled(
          v,
          new VolunteerReport(
              slots,
              status.path("compilerVersion").asText(""),
              status.path("cache").path("enabled").asBoolean(false)));
    } catch (IOException | RuntimeException e) {
      placement.pollFailed(v, "stats port " + a.statsPort() + ": " + e.getMessage());
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
          return Arrays.copyOfRange(page, i + 4, page.length);
        }
      }
      throw new IOException("a status page without a body");
    }
  }

  @Override
  public void close() {
    rounds.shutdownNow();
    pollers.shutdownNow();
  }
}
