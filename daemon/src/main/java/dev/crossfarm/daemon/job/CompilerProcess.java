package dev.crossfarm.daemon.job;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one compiler: in its own process group and session ({@code setsid}), at the configured nice
 * level, with a clean environment, stdin closed, stdout and stderr into files of the job directory.
 * The whole group is killed when the job outlives {@code --job-lifetime} or the client goes away,
 * so no {@code cc1} or {@code as} is left behind.
 */
public final class CompilerProcess {

  /** How often a running job looks for a vanished client; a finished compiler is seen at once. */
  private static final long POLL_MILLIS = 200;

  private final int nice;
  private final Duration lifetime;

  public CompilerProcess(int nice, Duration lifetime) {
    this.nice = nice;
    this.lifetime = lifetime;
  }

  /** Asked while the compiler runs: has the client closed the connection? */
  @FunctionalInterface
  public interface ClientWatch {
    boolean gone() throws IOException;
  }

  /** How a compiler run ended. */
  public sealed interface Outcome {}

  /**
   * The compiler exited: {@code waitStatus} is {@code exit << 8 | signal}, as the wire wants it.
   */
  public record Exited(int waitStatus) implements Outcome {}

  public record TimedOut(Duration after) implements Outcome {}

  public record ClientGone() implements Outcome {}

  public Outcome run(
      List<String> commandLine, Path workDir, Path stdout, Path stderr, ClientWatch client)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(commandLine.size() + 4);
    command.add("setsid");
    if (nice != 0) {
      command.addAll(List.of("nice", "-n", Integer.toString(nice)));
    }
    command.addAll(commandLine);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    // the toolchain's own directory first, for the driver's helper programs
    Path bin = Path.of(commandLine.get(0)).getParent();
    env.put("PATH", (bin == null ? "" : bin + ":") + "/usr/bin:/bin");
    env.put("TMPDIR", workDir.toString());
    Process process = builder.start();
    long deadline = System.nanoTime() + lifetime.toNanos();
    try {
      while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (client.gone()) {
          killGroup(process);
          return new ClientGone();
        }
        if (System.nanoTime() > deadline) {
          killGroup(process);
          return new TimedOut(lifetime);
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      killGroup(process);
      throw e;
    }
    int exit = process.exitValue();
    // Java reports death by signal N as 128+N; the wire wants the signal in the low byte
    return new Exited(exit > 128 && exit < 128 + 65 ? exit - 128 : exit << 8);
  }

  /**
   * Kills every process of the job's group. Java cannot signal a process group, so the group's
   * members are found in /proc (a child the driver started keeps the group even when orphaned) and
   * each is killed, until none is left.
   */
  static void killGroup(Process process) {
    long group = process.pid();
    for (int round = 0; round < 50; round++) {
      List<ProcessHandle> members =
          ProcessHandle.allProcesses().filter(p -> groupOf(p.pid()) == group).toList();
      if (members.isEmpty()) {
        break;
      }
      members.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle m : members) {
        m.onExit().completeOnTimeout(m, 100, TimeUnit.MILLISECONDS).join();
      }
    }
    process.destroyForcibly();
  }

  /**
   * The process group of {@code pid} from /proc/PID/stat (field 5), or -1 when the process is gone
   * or already dead (a zombie only waits for its parent to reap it).
   */
  static long groupOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name (field 2) is in parentheses and may contain spaces: skip past it
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return rest[0].equals("Z") ? -1 : Long.parseLong(rest[2]);
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
  }
}
