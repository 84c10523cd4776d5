package dev.crossfarm.cli;

import dev.crossfarm.cli.farm.HealthProbe;
import dev.crossfarm.cli.farm.StatsPage;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code farm status}: each volunteer's health, port, toolchain, slots and jobs. */
@Command(
    name = "status",
    header = "Show each volunteer: health, port, compiler, slots, jobs.",
    mixinStandardHelpOptions = true,
    description = {
      "Show each volunteer: health (a real test compile), port, target and compiler version,",
      "image, slots, and jobs done and failed (from its stats page)."
    })
final class StatusCommand implements Callable<Integer> {

  /**
   * Volunteers of one target with different compilers (a rolling update under way, or a node left
   * behind) can give a build objects from two compiler versions.
   */
  private static void warnVersionDrift(List<Volunteer> volunteers) {
    Map<String, Set<String>> versions = new TreeMap<>();
    for (Volunteer v : volunteers) {
      if (v.state().equals("running") && v.compilerVersion() != null) {
        versions.computeIfAbsent(v.target(), t -> new TreeSet<>()).add(v.compilerVersion());
      }
    }
    versions.forEach(
        (target, vs) -> {
          if (vs.size() > 1) {
            System.err.println(
                "farm: warning: "
                    + target
                    + " volunteers run different compiler versions ("
                    + String.join(", ", vs)
                    + "): a build may mix objects of both until the update has reached every node");
          }
        });
  }

  @Override
  public Integer call() {
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    try (FarmView farm = FarmView.open()) {
      List<Volunteer> volunteers = farm.volunteers(catalog);
      if (volunteers.isEmpty()) {
        System.out.println("no volunteers (start them with 'farm up')");
        return 0;
      }
      System.out.printf(
          "%-8s %-9s %-26s %-6s %-9s %-5s %-6s %-6s %s%n",
          "TARGET", "HEALTH", "WHERE", "PORT", "GCC", "SLOTS", "DONE", "FAILED", "IMAGE");
      boolean allHealthy = true;
      for (Volunteer v : volunteers) {
        String health = v.state();
        String version = v.compilerVersion() == null ? "-" : v.compilerVersion();
        String done = "-";
        String failed = "-";
        if (v.state().equals("running")) {
          HealthProbe.Result r =
              v.auth()
                  ? HealthProbe.probeLogin(v.host(), v.port(), Duration.ofSeconds(20))
                  : HealthProbe.probe(
                      v.host(), v.port(), catalog.get(v.target()), Duration.ofSeconds(20));
          health = r.healthy() ? "healthy" : "unhealthy";
          allHealthy &= r.healthy();
          try {
            Map<String, String> stats = StatsPage.read(v.host(), v.statsPort());
            done = stats.getOrDefault("dcc_compile_ok", "-");
            failed =
                Long.toString(
                    Long.parseLong(stats.getOrDefault("dcc_compile_error", "0"))
                        + Long.parseLong(stats.getOrDefault("dcc_compile_timeout", "0"))
                        + Long.parseLong(stats.getOrDefault("dcc_other", "0")));
          } catch (IOException | NumberFormatException e) {
            done = "?";
          }
          if (!r.healthy()) {
            System.err.println("farm: " + v.target() + ": " + r.problem());
          }
        } else {
          allHealthy = false;
        }
        System.out.printf(
            "%-8s %-9s %-26s %-6d %-9s %-5d %-6s %-6s %s%n",
            v.target(), health, v.where(), v.port(), version, v.jobs(), done, failed, v.image());
      }
      warnVersionDrift(volunteers);
      ZeroconfReport.print(volunteers, catalog, FarmView.advertiserRunning());
      return allHealthy ? 0 : Farm.FAILURE;
    }
  }
}
