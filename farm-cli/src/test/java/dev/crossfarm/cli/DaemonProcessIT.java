package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code ./farm daemon} as a user starts it: the stock client compiles through it, its
 * log has stock distccd's job summary line, its pid file comes and goes, and SIGTERM stops it
 * cleanly with nothing left in the job directory.
 */
class DaemonProcessIT {

  @TempDir Path work;

  @Test
  void servesTheStockClientLogsLikeDistccdAndStopsCleanlyOnSigterm() throws Exception {
    Path launcher = Path.of("..", "farm").toAbsolutePath().normalize();
    assertTrue(Files.isExecutable(launcher), "the ./farm launcher at the project root");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = work.resolve("daemon.log");
    Path pid = work.resolve("daemon.pid");
    Path jobs = Files.createDirectories(work.resolve("jobs"));
    Process daemon =
        new ProcessBuilder(
                launcher.toString(),
                "daemon",
                "--toolchain",
                "x86_64",
                "--port",
                Integer.toString(port),
                "--listen",
                "127.0.0.1",
                "--jobs",
                "2",
                "--no-cache", // the job line is compared with stock's: a hit would end in cache:hit
                "--log-file",
                log.toString(),
                "--pid-file",
                pid.toString(),
                "--job-dir",
                jobs.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("stdout").toFile())
            .start();
    try {
      waitForLog(log, "loopback only");
      assertEquals(Long.toString(daemon.pid()), Files.readString(pid).trim());
      String logged = Files.readString(log);
      assertTrue(logged.contains("loopback only: no --allow given"), logged);

      Files.writeString(work.resolve("hello.c"), "int hello(void){return 42;}\n");
      ProcessBuilder stockClient =
          new ProcessBuilder("timeout", "60", "distcc", "gcc", "-c", "hello.c", "-o", "hello.o")
              .directory(work.toFile())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("client.txt").toFile());
      Path distccDir = Files.createDirectories(work.resolve("distcc"));
      stockClient.environment().put("DISTCC_HOSTS", "127.0.0.1:" + port + "/2,lzo");
      stockClient.environment().put("DISTCC_DIR", distccDir.toString());
      stockClient.environment().put("DISTCC_FALLBACK", "0");
      stockClient.environment().put("DISTCC_BACKOFF_PERIOD", "0");
      Process client = stockClient.start();
      assertTrue(client.waitFor(90, TimeUnit.SECONDS));
      assertEquals(0, client.exitValue(), Files.readString(work.resolve("client.txt")));
      assertTrue(Files.size(work.resolve("hello.o")) > 0);

      String summary = "";
      for (int i = 0; i < 100 && summary.isEmpty(); i++) {
        Thread.sleep(50); // the summary is logged just after the reply is sent
        summary =
            Files.readAllLines(log).stream()
                .filter(l -> l.contains("dcc_job_summary"))
                .findFirst()
                .orElse("");
      }
      assertTrue(
          Pattern.matches(
              "distccd\\[\\d+\\] \\(dcc_job_summary\\) client: 127\\.0\\.0\\.1:\\d+ COMPILE_OK"
                  + " exit:0 sig:0 core:0 ret:0 time:\\d+ms x86_64-linux-gnu-gcc hello\\.c",
              summary),
          summary);
    } finally {
      daemon.destroy(); // SIGTERM
    }
    assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
    assertEquals(List.of(), list(jobs), "the job root is removed");
    assertFalse(Files.exists(pid), "the pid file is removed");
  }

  private static List<Path> list(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.toList();
    }
  }

  /** Waits for the daemon to say it is ready: the pid file and the port come before that line. */
  private static void waitForLog(Path log, String text) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("farm daemon never logged '" + text + "'");
  }
}
