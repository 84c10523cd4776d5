package dev.crossfarm.cli;

import dev.crossfarm.harness.Peers;
import dev.crossfarm.harness.Peers.Run;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the packaged {@code ./farm} as a user would, on the shared harness of real peers ({@link
 * Peers}), bounded in time.
 */
final class Cli {

  static final Path FARM = Path.of("..", "farm").toAbsolutePath().normalize();

  private Cli() {}

  static Run farm(Path dir, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(List.of(FARM.toString()));
    cmd.addAll(List.of(args));
    return run(dir, env, 900, cmd);
  }

  static Run run(Path dir, Map<String, String> env, int seconds, List<String> command) {
    return Peers.run(dir, env, seconds, command);
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
    return Peers.distccEnv(hosts, dir, fallback);
  }

  static Path copyLua(Path to) throws IOException {
    Run r = run(Path.of("/"), "cp", "-r", Peers.luaSource().toString(), to.toString());
    r.ok("copy lua");
    return to;
  }
}
