package dev.crossfarm.daemon.it;

import dev.crossfarm.harness.Peers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's stock distccd 3.4 on a free loopback port: the reference the volunteer is held to. */
final class StockDistccd implements AutoCloseable {

  private final Process process;
  final int port;

  private StockDistccd(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts distccd with the given extra environment (e.g. {@code DISTCCD_PATH} for a cross
   * toolchain). As root, distccd drops to its own user, so its log lives in a world-writable
   * directory.
   */
  static StockDistccd start(Path workDir, List<String> env, String... extraOptions)
      throws Exception {
    Peers.require("distccd");
    int port = freePort();
    Path logs = Files.createDirectories(workDir.resolve("stock-logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> cmd = new ArrayList<>(List.of("env"));
    cmd.addAll(env);
    cmd.addAll(
        List.of(
            "distccd",
            "--daemon",
            "--no-detach",
            "--port",
            Integer.toString(port),
            "--listen",
            "127.0.0.1",
            "--allow",
            "127.0.0.1",
            "--jobs",
            "2",
            "--log-file",
            logs.resolve("distccd.log").toString(),
            "--log-level",
            "info"));
    cmd.addAll(List.of(extraOptions));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve("stdout").toFile())
            .start();
    for (int i = 0; i < 200; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return new StockDistccd(p, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("stock distccd did not listen on " + port);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  String host(String options) {
    return "127.0.0.1:" + port + "/4" + options;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
