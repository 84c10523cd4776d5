package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code ./farm} and other real commands as a user would, bounded in time. */
final class Cli {

  static final Path FARM = Path.of("..", "farm").toAbsolutePath().normalize();

  private Cli() {}

  record Run(int exit, String out, String err) {
    Run ok(String what) {
      if (exit != 0) {
        fail(what + " exited " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err);
      }
      return this;
    }
  }

  static Run farm(Path dir, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(List.of(FARM.toString()));
    cmd.addAll(List.of(args));
    return run(dir, env, 900, cmd);
  }

  static Run run(Path dir, Map<String, String> env, int seconds, List<String> command) {
    List<String> bounded =
        new ArrayList<>(List.of("timeout", "-k", "5", Integer.toString(seconds)));
    bounded.addAll(command);
    try {
      Path out = Files.createTempFile("cli-out", ".txt");
      Path err = Files.createTempFile("cli-err", ".txt");
      ProcessBuilder pb =
          new ProcessBuilder(bounded)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      p.waitFor(seconds + 15L, TimeUnit.SECONDS);
      Run r =
          new Run(
              p.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Run run(Path dir, String... command) {
    return run(dir, Map.of(), 900, List.of(command));
  }

  /** A free TCP port on loopback. */
  static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Waits (10 s at most) until {@code process} listens on 127.0.0.1:{@code port}; false if it did
   * not.
   */
  static boolean awaitPort(int port, Process process) throws InterruptedException {
    for (int i = 0; i < 100 && process.isAlive(); i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    return false;
  }

  /** A stock client bound to {@code hosts} with local fallback on or off. */
  static Map<String, String> distcc(String hosts, Path dir, boolean fallback) throws IOException {
    Files.createDirectories(dir);
    Map<String, String> env = new HashMap<>();
    env.put("DISTCC_HOSTS", hosts);
    env.put("DISTCC_DIR", dir.toString());
    env.put("DISTCC_FALLBACK", fallback ? "1" : "0");
    env.put("DISTCC_BACKOFF_PERIOD", fallback ? "60" : "0");
    return env;
  }

  /** lua 5.4's source from Debian, as .ci/setup unpacks it. */
  static Path luaSource() {
    String env = System.getenv("CROSSFARM_LUA_SRC");
    Path dir =
        env != null
            ? Path.of(env)
            : Path.of(System.getProperty("user.home"), ".cache", "crossfarm", "lua5.4");
    if (!Files.isRegularFile(dir.resolve("src/lapi.c"))) {
      fail("no lua 5.4 source at " + dir + ": run 'bash .ci/setup' once");
    }
    return dir;
  }

  static Path copyLua(Path to) throws IOException {
    Run r = run(Path.of("/"), "cp", "-r", luaSource().toString(), to.toString());
    r.ok("copy lua");
    return to;
  }
}
