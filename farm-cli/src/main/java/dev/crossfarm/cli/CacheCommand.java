package dev.crossfarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossfarm.cli.farm.StatsPage;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code farm cache stats|clear [ARCH...]}: the running volunteers' result caches. */
@Command(
    name = "cache",
    header = "Show or clear the running volunteers' result caches.",
    mixinStandardHelpOptions = true,
    description = {
      "Every volunteer keeps the results of successful plain jobs and answers the same job again",
      "from them, without compiling (farm daemon --cache-dir, --cache-size, --no-cache).",
      "",
      "  farm cache stats [ARCH...]   hits, misses, hit rate, size and bound, evictions, errors",
      "  farm cache clear [ARCH...]   empty the caches (the volunteers keep running)",
      "",
      "Without ARCH, every volunteer of the farm. Containers of one host share one cache volume,",
      "so clearing one clears it for all of them."
    },
    subcommands = {CacheCommand.Stats.class, CacheCommand.Clear.class})
final class CacheCommand {

  /**
   * A cache verb: runs {@link #each} for every running volunteer of the ARCH arguments (all when
   * none), and fails when one of them failed.
   */
  abstract static class PerVolunteer implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "ARCH", description = "x86_64, armv7h, aarch64")
    List<String> targets = new ArrayList<>();

    /** Printed before the first volunteer. */
    void header() {}

    /** Does the verb's work for {@code v}; false when it failed there. */
    abstract boolean each(Volunteer v);

    @Override
    public Integer call() {
      ToolchainCatalog catalog = ToolchainCatalog.builtIn();
      List<String> names = new ArrayList<>();
      for (String t : targets) {
        names.add(catalog.get(t).name()); // refuses an unknown target by name
      }
      boolean all = true;
      try (FarmView farm = FarmView.open()) {
        List<Volunteer> found =
            farm.volunteers(catalog).stream()
                .filter(v -> v.state().equals("running"))
                .filter(v -> names.isEmpty() || names.contains(v.target()))
                .toList();
        if (found.isEmpty()) {
          throw new ExitException(
              Farm.FAILURE,
              "no running volunteer"
                  + (names.isEmpty() ? "" : " of " + String.join(", ", names))
                  + " (start them with 'farm up')");
        }
        header();
        for (Volunteer v : found) {
          all &= each(v);
        }
      }
      return all ? 0 : Farm.FAILURE;
    }
  }

  @Command(
      name = "stats",
      header = "Each volunteer's cache: hits, misses, size, evictions.",
      mixinStandardHelpOptions = true)
  static final class Stats extends PerVolunteer {

    @Override
    void header() {
      System.out.printf(
          "%-8s %-26s %-8s %-8s %-5s %-19s %-9s %-6s %s%n",
          "TARGET", "WHERE", "HITS", "MISSES", "RATE", "SIZE", "EVICTED", "ERRORS", "DIRECTORY");
    }

    @Override
    boolean each(Volunteer v) {
      JsonNode s = StatsPage.status(v);
      if (s == null) {
        System.out.printf(
            "%-8s %-26s does not answer on %d%n", v.target(), v.where(), v.statsPort());
        return false;
      }
      JsonNode c = s.path("cache");
      if (!c.path("enabled").asBoolean()) {
        System.out.printf("%-8s %-26s off (--no-cache)%n", v.target(), v.where());
        return true;
      }
      System.out.printf(
          "%-8s %-26s %-8d %-8d %-5s %-19s %-9d %-6d %s%n",
          v.target(),
          v.where(),
          c.path("hits").asLong(),
          c.path("misses").asLong(),
          TopCommand.hitRate(c),
          bytes(c.path("bytes").asLong()) + " / " + bytes(c.path("maxBytes").asLong()),
          c.path("evictions").asLong(),
          c.path("errors").asLong(),
          c.path("directory").asText());
      return true;
    }
  }

  @Command(
      name = "clear",
      header = "Empty the volunteers' caches.",
      mixinStandardHelpOptions = true)
  static final class Clear extends PerVolunteer {

    @Override
    boolean each(Volunteer v) {
      try {
        StatsPage.Response r = StatsPage.post(v.host(), v.statsPort(), "/cache/clear", 120_000);
        System.out.println(v.target() + " (" + v.where() + "): " + r.body().trim());
        return r.status() == 200;
      } catch (IOException e) {
        System.out.println(
            v.target()
                + " ("
                + v.where()
                + "): not cleared, its stats port "
                + v.statsPort()
                + " does not answer ("
                + e.getMessage()
                + ")");
        return false;
      }
    }
  }

  /** 1536 -> "1.5 KiB". */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
