package dev.crossfarm.daemon.job;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one compiler: with a clean environment (its PATH and LANG only), stdin closed, stdout and
 * stderr into files of the job directory, that directory as its working directory and TMPDIR. Every
 * process of the job (the driver, cc1, as) is killed when the job outlives {@code --job-lifetime}
 * or the client goes away.
 *
 * <p>The compiler is started directly, with no wrapper: a {@code setsid} or {@code nice} exec per
 * job costs more than a millisecond, a tenth of a small compile. The nice level is set once for the
 * whole volunteer ({@code ProcessPriority}), as stock distccd does, and the job's processes are
 * found without a process group (which Java cannot signal anyway): they are the driver's
 * descendants and whatever still runs in the job's private directory, orphans included.
 */
public final class CompilerProcess {

  /** How often a running job looks for a vanished client; a finished compiler is seen at once. */
  private static final long POLL_MILLIS = 200;

  private final Duration lifetime;
  private final String locale;

  /**
   * @param locale the compilers' LANG: {@code C.UTF-8} quotes diagnostics as a UTF-8 client's own
   *     compile does ({@code ‘x’}, not {@code 'x'})
   */
  public CompilerProcess(Duration lifetime, String locale) {
    this.lifetime = lifetime;
    this.locale = locale;
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

  /**
   * @param cwd the compiler's working directory (pump: the client's cwd under the job root)
   * @param jobDir the job's directory: TMPDIR, and where every process of the job runs
   */
  public Outcome run(
      List<String> commandLine, Path cwd, Path jobDir, Path stdout, Path stderr, ClientWatch client)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(commandLine)
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(environment(Path.of(commandLine.get(0))));
    env.put("TMPDIR", jobDir.toString());
    Process process = builder.start();
    long deadline = System.nanoTime() + lifetime.toNanos();
    try {
      while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (client.gone()) {
          killJob(process, jobDir);
          return new ClientGone();
        }
        if (System.nanoTime() > deadline) {
          killJob(process, jobDir);
          return new TimedOut(lifetime);
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      killJob(process, jobDir);
      throw e;
    }
    int exit = process.exitValue();
    // Java reports death by signal N as 128+N; the wire wants the signal in the low byte
    return new Exited(exit > 128 && exit < 128 + 65 ? exit - 128 : exit << 8);
  }

  /**
   * The environment {@code executable} runs in, besides its TMPDIR (the job's directory): the same
   * for every job, so it is part of the compiler's identity in the result cache.
   */
  public Map<String, String> environment(Path executable) {
    // the toolchain's own directory first, for the driver's helper programs
    Path bin = executable.getParent();
    return Map.of("PATH", (bin == null ? "" : bin + ":") + "/usr/bin:/bin", "LANG", locale);
  }

  /**
   * Kills the driver, its descendants and anything else running in the job directory, until none is
   * left: a pass of the driver that was being started during one round is caught by the next.
   */
  static void killJob(Process process, Path workDir) {
    for (int round = 0; round < 50; round++) {
      Set<ProcessHandle> members = new HashSet<>();
      if (process.isAlive()) {
        members.add(process.toHandle());
      }
      process.toHandle().descendants().forEach(members::add);
      runningIn(workDir).forEach(members::add);
      if (members.isEmpty()) {
        return;
      }
      members.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle m : members) {
        m.onExit().completeOnTimeout(m, 100, TimeUnit.MILLISECONDS).join();
      }
    }
  }

  /** Live processes whose working directory is {@code dir} or below it. */
  static Stream<ProcessHandle> runningIn(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(
            p -> {
              try {
                return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd"))
                    .startsWith(dir);
              } catch (IOException | RuntimeException goneOrZombie) {
                return false;
              }
            });
  }
}
