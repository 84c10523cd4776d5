package dev.crossfarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossfarm.cli.farm.StatsPage;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code farm top}: every volunteer's running jobs and totals, live. */
@Command(
    name = "top",
    header = "Watch every volunteer and its running jobs, live.",
    mixinStandardHelpOptions = true,
    description = {
      "A live view of the whole farm, refreshed every second: for each volunteer a totals line",
      "(slots busy, waiting jobs, jobs done and failed, load) and one row per running job",
      "(client, source, compiler, phase, elapsed). Volunteers that do not answer show as down.",
      "Ctrl-C ends it; --once prints one snapshot for scripts."
    })
final class TopCommand implements Callable<Integer> {

  @Option(names = "--once", description = "Print one snapshot and exit.")
  boolean once;

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      defaultValue = "1",
      description = "Refresh period (default: ${DEFAULT-VALUE}).")
  double interval;

  @Override
  public Integer call() throws InterruptedException {
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    try (FarmView farm = FarmView.open()) {
      do {
        List<Volunteer> volunteers = farm.volunteers(catalog);
        if (!once) {
          System.out.print("\033[H\033[2J"); // home + clear, as top(1) redraws
        }
        render(volunteers, System.out);
        System.out.flush();
        if (!once) {
          Thread.sleep((long) (interval * 1000));
        }
      } while (!once);
    }
    return 0;
  }

  /** The cache's hit rate as a percentage, "off" without a cache, "-" before the first lookup. */
  static String hitRate(JsonNode cache) {
    if (!cache.path("enabled").asBoolean()) {
      return "off";
    }
    long lookups = cache.path("hits").asLong() + cache.path("misses").asLong();
    return lookups == 0 ? "-" : Math.round(100.0 * cache.path("hits").asLong() / lookups) + "%";
  }

  static void render(List<Volunteer> volunteers, PrintStream out) {
    out.printf(
        "crossfarm top: %d volunteer(s), %s%n",
        volunteers.size(), LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
    out.printf(
        "%-30s %-8s %-5s %-7s %-6s %-6s %-6s %-5s %s%n",
        "VOLUNTEER", "TARGET", "STATE", "BUSY", "QUEUED", "DONE", "FAILED", "HITS", "LOAD");
    for (Volunteer v : volunteers) {
      // a swarm volunteer is known by its node and the node's address
      String name = v.kind().onThisMachine() ? v.where() + ":" + v.id() : v.where();
      JsonNode s = v.state().equals("running") ? StatsPage.status(v) : null;
      if (s == null) {
        out.printf("%-30s %-8s %-5s%n", name, v.target(), "down");
        continue;
      }
      JsonNode r = s.path("results");
      long failed =
          r.path("COMPILE_ERROR").asLong()
              + r.path("COMPILE_TIMEOUT").asLong()
              + r.path("OTHER").asLong();
      out.printf(
          "%-30s %-8s %-5s %-7s %-6d %-6d %-6d %-5s %.2f%n",
          name,
          v.target(),
          "up",
          s.path("running").asInt() + "/" + s.path("slots").asInt(),
          s.path("queued").asInt(),
          r.path("COMPILE_OK").asLong(),
          failed,
          hitRate(s.path("cache")),
          s.path("load1").asDouble());
      for (JsonNode job : s.path("jobs")) {
        out.printf(
            "    %-21s %-24s %-28s %-8s %5.1fs%n",
            job.path("client").asText(),
            job.path("source").asText("-"),
            job.path("compiler").asText("-"),
            job.path("phase").asText().toLowerCase(Locale.ROOT),
            job.path("elapsedMillis").asLong() / 1000.0);
      }
    }
  }
}
