package dev.crossfarm.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** {@code ./farm daemon} as a separate process, as users and containers run it. */
final class DaemonProcess implements AutoCloseable {

  final Process process;
  final int port;
  final Path log;
  final Path jobs;

  private DaemonProcess(Process process, int port, Path log, Path jobs) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.jobs = jobs;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts a daemon on a free loopback port with its jobs under {@code jobs}, and waits for it. */
  static DaemonProcess start(Path work, Path jobs, String toolchain, String... extra)
      throws Exception {
    return start(work, jobs, Map.of(), toolchain, extra);
  }

  /** The same, with {@code env} added to the daemon's environment. */
  static DaemonProcess start(
      Path work, Path jobs, Map<String, String> env, String toolchain, String... extra)
      throws Exception {
    int port = freePort();
    Path log = work.resolve("daemon-" + port + ".log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Cli.FARM.toString(),
                "daemon",
                "--toolchain",
                toolchain,
                "--port",
                Integer.toString(port),
                "--listen",
                "127.0.0.1",
                "--job-dir",
                jobs.toString(),
                "--log-file",
                log.toString()));
    cmd.addAll(List.of(extra));
    if (!cmd.contains("--cache-dir")) {
      // tests time and kill compiles: a result cache (in this user's home, by default) would
      // answer them from earlier runs
      cmd.add("--no-cache");
    }
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("daemon-" + port + ".out").toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    for (int i = 0; i < 300; i++) {
      if (Files.exists(log) && Files.readString(log).contains("allowing")) {
        return new DaemonProcess(p, port, log, jobs);
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "farm daemon exited "
                + p.exitValue()
                + ": "
                + Files.readString(work.resolve("daemon-" + port + ".out")));
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new IllegalStateException("farm daemon did not start");
  }

  String hosts(String options) {
    return "127.0.0.1:" + port + "/4" + options;
  }

  /** Processes of this daemon's jobs: those whose working directory is under its job dir. */
  List<ProcessHandle> jobProcesses() {
    return ProcessHandle.allProcesses()
        .filter(
            p -> {
              try {
                return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd"))
                    .startsWith(jobs);
              } catch (IOException | RuntimeException gone) {
                return false;
              }
            })
        .toList();
  }

  /** Files left under the job directory (the daemon's own root directory aside). */
  List<Path> leftovers() throws IOException {
    try (Stream<Path> s = Files.walk(jobs)) {
      return s.filter(p -> p.getNameCount() - jobs.getNameCount() > 1).toList();
    }
  }

  /** Peak resident set of the daemon's JVM, in kB (VmHWM). */
  long peakRssKb() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (l.startsWith("VmHWM:")) {
        return Long.parseLong(l.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
