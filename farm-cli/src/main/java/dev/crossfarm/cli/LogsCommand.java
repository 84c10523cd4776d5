package dev.crossfarm.cli;

import dev.crossfarm.cli.place.Place;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code farm logs ARCH}: a volunteer's log (one line per job, stock distccd's format). */
@Command(
    name = "logs",
    header = "Show a volunteer's log.",
    mixinStandardHelpOptions = true,
    description = {
      "Show the log of a target's volunteer: its container's, its swarm service's (every",
      "node's), or its native process's log file."
    })
final class LogsCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ARCH", description = "x86_64, armv7h or aarch64")
  String target;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new lines (containers and swarm services).")
  boolean follow;

  @Override
  public Integer call() throws IOException {
    try (FarmView farm = FarmView.open()) {
      for (Place place : farm.places) {
        if (place.logs(target, System.out, follow)) {
          return 0;
        }
      }
    }
    throw new ExitException(
        Farm.FAILURE, "no volunteer for " + target + " (start it with 'farm up " + target + "')");
  }
}
