package dev.crossfarm.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.protocol.ClientWire;
import dev.crossfarm.harness.Peers;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stats port: stock distccd's text page field by field against a real stock distccd, counters
 * equal to the jobs actually run, Prometheus text that promtool accepts with the same numbers,
 * half-open HTTP clients that do not hang it, and the dashboard in headless Chromium showing a job
 * while it runs.
 */
class StatsIT {

  @TempDir Path work;

  static String get(int port, String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      s.getOutputStream()
          .write(("GET " + path + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return all.substring(all.indexOf("\r\n\r\n") + 4);
    }
  }

  static Map<String, String> fields(String page) {
    Map<String, String> f = new LinkedHashMap<>();
    boolean in = false;
    for (String line : page.split("\n")) {
      if (line.equals("<distccstats>")) {
        in = true;
      } else if (line.equals("</distccstats>")) {
        break;
      } else if (in) {
        String[] kv = line.split(" ", 2);
        f.put(kv[0], kv[1]);
      }
    }
    return f;
  }

  /** 3 compiled, 1 compile error, 1 refusal through the stock client. */
  private void runJobs(String hosts) throws Exception {
    Files.writeString(work.resolve("ok.c"), "int ok(int x){return x+1;}\n");
    Files.writeString(work.resolve("bad.c"), "int bad(int x){return x+;}\n");
    Map<String, String> env = Peers.distccEnv(hosts, work.resolve("dcc"));
    for (int i = 0; i < 3; i++) {
      Peers.run(work, env, 60, List.of("distcc", "gcc", "-c", "ok.c", "-o", "ok" + i + ".o"))
          .ok("compile");
    }
    Peers.run(work, env, 60, List.of("distcc", "gcc", "-c", "bad.c", "-o", "bad.o"));
    Peers.run(
        work,
        env,
        60,
        List.of("distcc", "gcc", "-c", "ok.c", "-o", "w.o", "-wrapper", "/bin/true"));
  }

  @Test
  void theTextPageHasStockDistccdsFieldsInStockOrderAndCountsTheJobsRun() throws Exception {
    int stockStats = StockDistccd.freePort();
    List<String> stockFields;
    try (StockDistccd stock =
        StockDistccd.start(
            work, List.of(), "--stats", "--stats-port", Integer.toString(stockStats))) {
      runJobs(stock.host(""));
      stockFields = new ArrayList<>(fields(get(stockStats, "/")).keySet());
    }
    try (Volunteer v = Volunteer.forToolchain("x86_64").withStats().start()) {
      runJobs(v.host(""));
      String page = get(v.daemon.statsPort(), "/");
      assertTrue(page.startsWith("argv /distccd\n<distccstats>\n"), page);
      Map<String, String> ours = fields(page);
      assertEquals(stockFields, new ArrayList<>(ours.keySet()), "field names and order");
      assertEquals("3", ours.get("dcc_compile_ok"));
      assertEquals("1", ours.get("dcc_compile_error"));
      assertEquals("1", ours.get("dcc_rej_bad_req"));
      assertEquals("5", ours.get("dcc_tcp_accept"));
      assertEquals("2", ours.get("dcc_max_kids"));
      assertTrue(ours.get("dcc_free_space").matches("\\d+ MB"));
    }
  }

  @Test
  void prometheusTextParsesWithPromtoolAndCarriesTheSameCounts() throws Exception {
    Peers.require("promtool");
    try (Volunteer v = Volunteer.forToolchain("x86_64").withStats().start()) {
      runJobs(v.host(",lzo"));
      String metrics = get(v.daemon.statsPort(), "/metrics");
      Path file = Files.writeString(work.resolve("metrics.txt"), metrics);
      Peers.Run check =
          Peers.run(work, Map.of(), 60, List.of("sh", "-c", "promtool check metrics < " + file));
      assertEquals(0, check.exit(), check.out() + check.err());
      assertTrue(metrics.contains("crossfarm_jobs_total{result=\"COMPILE_OK\"} 3\n"), metrics);
      assertTrue(metrics.contains("crossfarm_jobs_total{result=\"COMPILE_ERROR\"} 1\n"), metrics);
      assertTrue(metrics.contains("crossfarm_refusals_total{reason=\"arguments\"} 1\n"), metrics);
      assertTrue(metrics.contains("crossfarm_job_duration_seconds_count 4\n"), metrics);
      assertTrue(
          metrics.contains("crossfarm_job_duration_seconds_bucket{le=\"+Inf\"} 4\n"), metrics);
      assertTrue(
          metrics.contains("crossfarm_volunteer_info{toolchain=\"x86_64\",compiler_version=\"12."),
          metrics);
      assertTrue(metrics.matches("(?s).*crossfarm_received_bytes_total [1-9]\\d*\n.*"), metrics);
      assertTrue(metrics.contains("crossfarm_jobs_running 0\n"), metrics);
    }
  }

  @Test
  void halfOpenHttpClientsDoNotHangThePageOrTheCompiles() throws Exception {
    try (Volunteer v = Volunteer.forToolchain("x86_64").withStats().start()) {
      List<Socket> silent = new ArrayList<>();
      try {
        for (int i = 0; i < 40; i++) {
          silent.add(new Socket("127.0.0.1", v.daemon.statsPort())); // connects, never asks
        }
        assertTrue(get(v.daemon.statsPort(), "/").contains("<distccstats>"));
        assertEquals(0, RawClient.goodJob(v.port(), 2).status());
      } finally {
        for (Socket s : silent) {
          s.close();
        }
      }
    }
  }

  @Test
  void theDashboardShowsARunningJobInHeadlessChromium() throws Exception {
    Peers.require("chromium");
    try (Volunteer v = Volunteer.forToolchain("x86_64").withStats().start()) {
      StringBuilder heavy = new StringBuilder();
      for (int i = 0; i < 2500; i++) {
        heavy
            .append("int f")
            .append(i)
            .append("(int*a,int n){int s=0;for(int i=0;i<n;i++)s+=a[i]*")
            .append(i)
            .append(";return s;}\n");
      }
      CompletableFuture<ClientWire.Reply> job =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return RawClient.send(
                      v.port(),
                      RawClient.request(
                          2,
                          List.of("gcc", "-O2", "-c", "dashboard_probe.c", "-o", "d.o"),
                          heavy.toString()));
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      for (int i = 0;
          i < 100 && !get(v.daemon.statsPort(), "/status.json").contains("\"COMPILE\"");
          i++) {
        Thread.sleep(100);
      }
      String url = "http://127.0.0.1:" + v.daemon.statsPort() + "/dashboard";
      List<String> chromium =
          List.of(
              "chromium",
              "--headless",
              "--no-sandbox",
              "--disable-gpu",
              "--disable-quic",
              "--no-first-run",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
              "--user-data-dir=" + work.resolve("chromium"),
              "--window-size=1100,800",
              "--virtual-time-budget=3000");
      List<String> dump = new ArrayList<>(chromium);
      dump.addAll(List.of("--dump-dom", url));
      String dom = Peers.run(work, Map.of(), 120, dump).ok("chromium --dump-dom").out();
      assertTrue(dom.contains("dashboard_probe.c"), "the running job is listed");
      assertTrue(dom.contains("class=\"phase COMPILE\""), "in its compile phase");
      assertTrue(dom.contains("x86_64</h1>"), "the script named the volunteer");
      assertTrue(!dom.contains("src=\"http") && !dom.contains("href=\"http"), "no external assets");
      Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
      List<String> screenshot = new ArrayList<>(chromium);
      screenshot.addAll(List.of("--screenshot=" + shot, url));
      Peers.run(work, Map.of(), 120, screenshot).ok("chromium --screenshot");
      assertTrue(Files.size(shot) > 10_000, "a screenshot kept at " + shot);
      assertEquals(0, job.get().status());
    }
  }
}
