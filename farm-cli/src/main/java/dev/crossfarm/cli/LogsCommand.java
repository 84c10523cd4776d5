package dev.crossfarm.cli;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code farm logs ARCH}: a volunteer's log (one line per job, stock distccd's format). */
@Command(
    name = "logs",
    header = "Show a volunteer's log.",
    mixinStandardHelpOptions = true,
    description = "Show a volunteer's log.")
final class LogsCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ARCH", description = "x86_64, armv7h or aarch64")
  String target;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new lines (containers).")
  boolean follow;

  @Override
  public Integer call() throws IOException {
    try (FarmMode mode = FarmMode.detect()) {
      if (mode.docker().isPresent()) {
        try {
          mode.docker().get().logs(target, System.out, follow);
          return 0;
        } catch (NotFoundException noContainer) {
          // maybe a native volunteer
        }
      }
      Path log = mode.nativeFarm.logFile(target);
      if (Files.exists(log)) {
        Files.copy(log, System.out);
        return 0;
      }
      throw new ExitException(
          Farm.FAILURE, "no volunteer for " + target + " (start it with 'farm up " + target + "')");
    }
  }
}
