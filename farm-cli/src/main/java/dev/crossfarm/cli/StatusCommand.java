package dev.crossfarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossfarm.cli.farm.HealthProbe;
import dev.crossfarm.cli.farm.PlaceKind;
import dev.crossfarm.cli.farm.StatsPage;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code farm status}: each volunteer's health, port, toolchain, slots, jobs and cache hit rate,
 * and the clients seen with another gcc major version.
 */
@Command(
    name = "status",
    header = "Show each volunteer: health, port, compiler, slots, jobs.",
    mixinStandardHelpOptions = true,
    description = {
      "Show each volunteer: health (a real test compile), port, target and compiler version,",
      "image, slots, jobs done and failed, and the result cache's hit rate (from its stats page);",
      "then the clients each volunteer saw preprocess with another gcc major version (drift)."
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

  /** One line per client a volunteer saw preprocess with another gcc major version. */
  static List<String> driftedClients(Volunteer v, JsonNode drift) {
    List<String> lines = new ArrayList<>();
    String policy = drift.path("policy").asText("refuse");
    for (JsonNode c : drift.path("clients")) {
      lines.add(
          String.format(
              "  %-8s %-26s client %-15s gcc %d, volunteer gcc %d: %d job(s) %s",
              v.target(),
              v.where(),
              c.path("address").asText(),
              c.path("major").asInt(),
              drift.path("volunteerMajor").asInt(),
              c.path("jobs").asLong(),
              policy.equals("warn") ? "compiled anyway (--version-drift warn)" : "refused"));
    }
    return lines;
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
          "%-8s %-9s %-26s %-6s %-9s %-5s %-6s %-6s %-5s %s%n",
          "TARGET", "HEALTH", "WHERE", "PORT", "GCC", "SLOTS", "DONE", "FAILED", "HITS", "IMAGE");
      List<String> drifted = new ArrayList<>();
      List<String> placed = new ArrayList<>();
      boolean allHealthy = true;
      for (Volunteer v : volunteers) {
        String health = v.state();
        String version = v.compilerVersion() == null ? "-" : v.compilerVersion();
        String done = "-";
        String failed = "-";
        String hits = "-";
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
          JsonNode s = StatsPage.status(v);
          if (s != null) {
            hits = TopCommand.hitRate(s.path("cache"));
            drifted.addAll(driftedClients(v, s.path("drift")));
            if (v.kind() == PlaceKind.FRONT) {
              placed.addAll(frontShares(v, s));
            }
          }
        } else {
          allHealthy = false;
        }
        System.out.printf(
            "%-8s %-9s %-26s %-6d %-9s %-5d %-6s %-6s %-5s %s%n",
            v.target(),
            health,
            v.where(),
            v.port(),
            version,
            v.jobs(),
            done,
            failed,
            hits,
            v.image());
      }
      if (!placed.isEmpty()) {
        System.out.println();
        System.out.println("Where the fronts' jobs went:");
        placed.forEach(System.out::println);
      }
      warnVersionDrift(volunteers);
      if (!drifted.isEmpty()) {
        System.out.println();
        System.out.println("Clients whose gcc is another major version than the volunteer's:");
        drifted.forEach(System.out::println);
      }
      ZeroconfReport.print(volunteers, catalog, FarmView.advertiserRunning());
      return allHealthy ? 0 : Farm.FAILURE;
    }
  }

  /** One line per volunteer behind a front: its state, slots, and the front's jobs it answered. */
  static List<String> frontShares(Volunteer front, JsonNode status) {
    long total = 0;
    for (JsonNode v : status.path("volunteers")) {
      total += v.path("jobs").asLong();
    }
    List<String> lines = new ArrayList<>();
    for (JsonNode v : status.path("volunteers")) {
      long jobs = v.path("jobs").asLong();
      lines.add(
          String.format(
              Locale.ROOT,
              "  %s front %s:%d -> %-22s %-5s %2d slots %6d jobs (%d%%) %d failed",
              front.target(),
              front.host(),
              front.port(),
              v.path("address").asText(),
              v.path("alive").asBoolean() ? "up" : "down",
              v.path("slots").asInt(),
              jobs,
              total == 0 ? 0 : Math.round(100.0 * jobs / total),
              v.path("failures").asLong()));
    }
    return lines;
  }
}
