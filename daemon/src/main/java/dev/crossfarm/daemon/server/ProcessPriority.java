package dev.crossfarm.daemon.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Sets the volunteer's nice level ({@code --nice}) once, for the whole process, as stock distccd
 * does: compilers started afterwards inherit it, without a {@code nice} exec per job. Linux keeps a
 * nice value per thread and a new thread inherits its creator's, so every thread that exists now is
 * reniced ({@code renice} from bsdutils, an Essential Debian package); threads the daemon starts
 * later are created by these.
 */
public final class ProcessPriority {

  private ProcessPriority() {}

  /** Sets the level, or logs why the compilers keep the daemon's own priority. */
  static void setOrWarn(int nice) {
    if (nice == 0) {
      return;
    }
    try {
      set(nice);
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger("dcc_daemon")
          .warn("compilers keep the daemon's priority: {}", e.getMessage());
    }
  }

  /**
   * @throws IOException when renice cannot run or refuses (a negative level needs root)
   */
  public static void set(int nice) throws IOException {
    List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.map(t -> t.getFileName().toString()).forEach(command::add);
    }
    Process renice = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(renice.getInputStream().readAllBytes()).trim();
      if (!renice.waitFor(10, TimeUnit.SECONDS) || renice.exitValue() != 0) {
        throw new IOException("renice to " + nice + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while setting the nice level", e);
    }
  }
}
