package dev.crossfarm.cli.image;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command of this machine that an image build needs (debootstrap, mount, chroot, tar, docker),
 * bounded in time, its output appended to a log that the error names.
 */
final class HostCommand {

  private HostCommand() {}

  /** Runs {@code command}, appending its output to {@code log}; fails with the log's tail. */
  static void run(List<String> command, Path log, int minutes) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      await(p, command, log, minutes);
    } catch (IOException e) {
      throw new ImageBuildException(
          "cannot run " + command.get(0) + ": " + e.getMessage() + hint(command), e);
    }
  }

  /** Runs {@code command} and returns its standard output (errors go to {@code log}). */
  static String output(List<String> command, Path log, int minutes) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      await(p, command, log, minutes);
      return out;
    } catch (IOException e) {
      throw new ImageBuildException(
          "cannot run " + command.get(0) + ": " + e.getMessage() + hint(command), e);
    }
  }

  /** {@code first | second}, both bounded; for tar streams into and out of the engine. */
  static void pipe(List<String> first, List<String> second, Path log, int minutes) {
    try {
      List<Process> pipeline =
          ProcessBuilder.startPipeline(
              List.of(
                  new ProcessBuilder(first)
                      .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())),
                  new ProcessBuilder(second)
                      .redirectErrorStream(true)
                      .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))));
      for (Process p : pipeline) {
        await(p, p.info().command().map(List::of).orElse(first), log, minutes);
      }
    } catch (IOException e) {
      throw new ImageBuildException(
          "cannot run " + first.get(0) + " | " + second.get(0) + ": " + e.getMessage(), e);
    }
  }

  private static void await(Process p, List<String> command, Path log, int minutes) {
    try {
      if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new ImageBuildException(
            command.get(0) + " took more than " + minutes + " minutes; see " + log);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ImageBuildException("interrupted while running " + command.get(0), e);
    }
    if (p.exitValue() != 0) {
      throw new ImageBuildException(
          String.join(" ", command.subList(0, Math.min(3, command.size())))
              + " failed (exit "
              + p.exitValue()
              + "); last lines of "
              + log
              + ":\n"
              + tail(log));
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException e) {
      return "(unreadable)";
    }
  }

  private static String hint(List<String> command) {
    return switch (command.get(0)) {
      case "debootstrap" -> " (apt-get install debootstrap; it needs root)";
      case "docker" ->
          " (apt-get install docker.io: the image build streams layers to docker load)";
      default -> "";
    };
  }

  /** rm -rf: a rootfs holds device nodes and files only root may touch. */
  static void remove(Path dir) {
    List<String> rm = new ArrayList<>(List.of("rm", "-rf", "--one-file-system", dir.toString()));
    try {
      new ProcessBuilder(rm).inheritIO().start().waitFor(5, TimeUnit.MINUTES);
    } catch (IOException e) {
      // a leftover in the work directory costs disk, not correctness
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
