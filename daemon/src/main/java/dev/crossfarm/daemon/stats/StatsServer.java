package dev.crossfarm.daemon.stats;

import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.log.JobSummary.Result;
import dev.crossfarm.daemon.server.JobSlots;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stats port ({@code --stats}): any request gets stock distccd's text page, which existing
 * tools parse: {@code HTTP/1.0 200 OK}, then {@code <distccstats>}, one {@code dcc_name value} line
 * each, {@code </distccstats>}. It runs on its own thread, reads at most a request line with a
 * short timeout, so a slow or half-open HTTP client never blocks it for long, and never touches
 * compile work.
 */
public final class StatsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("dcc_stats");

  private final Counters counters;
  private final JobSlots slots;
  private final Path jobRoot;
  private ServerSocket server;

  public StatsServer(Counters counters, JobSlots slots, Path jobRoot) {
    this.counters = counters;
    this.slots = slots;
    this.jobRoot = jobRoot;
  }

  public void start(InetSocketAddress address) throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(address, 16);
    Thread t = new Thread(this::serve, "stats");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(2000);
        drainRequestLine(s.getInputStream());
        OutputStream out = s.getOutputStream();
        out.write(page().getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        if (!server.isClosed()) {
          log.debug("stats request failed: {}", e.getMessage());
        }
      }
    }
  }

  /** Reads (and ignores) up to the end of the first line, as stock answers any request alike. */
  private static void drainRequestLine(InputStream in) {
    try {
      for (int i = 0; i < 8192; i++) {
        int c = in.read();
        if (c < 0 || c == '\n') {
          return;
        }
      }
    } catch (IOException timeoutOrGone) {
      // answer anyway: the page does not depend on the request
    }
  }

  /** The page, field names and order as stock distccd 3.4 prints them. */
  String page() {
    JobSummary longest = counters.longest();
    double[] load = loadAverage();
    StringBuilder b = new StringBuilder();
    b.append("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
    b.append("argv /distccd\n<distccstats>\n");
    line(b, "dcc_tcp_accept", counters.accepted());
    line(b, "dcc_rej_bad_req", counters.count(Result.REJ_BAD_REQ));
    line(b, "dcc_rej_overload", 0);
    line(b, "dcc_compile_ok", counters.count(Result.COMPILE_OK));
    line(b, "dcc_compile_error", counters.count(Result.COMPILE_ERROR));
    line(b, "dcc_compile_timeout", counters.count(Result.COMPILE_TIMEOUT));
    line(b, "dcc_cli_disconnect", counters.count(Result.CLI_DISCONN));
    line(b, "dcc_other", counters.count(Result.OTHER));
    b.append("dcc_longest_job ").append(longest == null ? "none" : longest.source()).append('\n');
    b.append("dcc_longest_job_compiler ")
        .append(longest == null ? "none" : longest.compiler())
        .append('\n');
    line(b, "dcc_longest_job_time_msecs", longest == null ? 0 : longest.millis());
    line(b, "dcc_max_kids", slots.size());
    line(b, "dcc_avg_kids1", slots.running());
    line(b, "dcc_avg_kids2", slots.running());
    line(b, "dcc_avg_kids3", slots.running());
    line(b, "dcc_current_load", slots.running() + slots.waiting());
    b.append(
        String.format(
            "dcc_load1 %.2f%ndcc_load2 %.2f%ndcc_load3 %.2f%n", load[0], load[1], load[2]));
    line(b, "dcc_num_compiles1", 0);
    line(b, "dcc_num_compiles2", 0);
    line(b, "dcc_num_compiles3", 0);
    line(b, "dcc_num_procstate_D", 0);
    line(b, "dcc_max_RSS", 0);
    b.append("dcc_max_RSS_name none\n");
    line(b, "dcc_io_rate", 0);
    b.append("dcc_free_space ").append(freeMegabytes()).append(" MB\n");
    b.append("</distccstats>\n");
    return b.toString();
  }

  private static void line(StringBuilder b, String name, long value) {
    b.append(name).append(' ').append(value).append('\n');
  }

  private long freeMegabytes() {
    try {
      FileStore store = Files.getFileStore(Files.exists(jobRoot) ? jobRoot : jobRoot.getParent());
      return store.getUsableSpace() >> 20;
    } catch (IOException e) {
      return 0;
    }
  }

  private static double[] loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return new double[] {
        Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
      };
    } catch (IOException | RuntimeException e) {
      return new double[3];
    }
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
    }
  }
}
