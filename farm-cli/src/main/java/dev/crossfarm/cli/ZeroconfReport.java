package dev.crossfarm.cli;

import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.daemon.zeroconf.Advert;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The zeroconf part of {@code farm status}: which clients find each announced volunteer. A stock
 * client browses only the subtype of the {@code cc} on its PATH, so a volunteer whose compiler
 * version differs from a client's is not offered to it: the report says so for this machine's own
 * {@code cc}.
 */
final class ZeroconfReport {

  private ZeroconfReport() {}

  static void print(List<Volunteer> volunteers, ToolchainCatalog catalog, boolean advertiser) {
    List<Volunteer> announced =
        volunteers.stream().filter(v -> v.zeroconf() && v.compilerVersion() != null).toList();
    if (announced.isEmpty()) {
      return;
    }
    String machine = cc("-dumpmachine");
    String version = cc("-dumpversion");
    System.out.println();
    for (Volunteer v : announced) {
      Advert advert = Advert.of(catalog.get(v.target()), v.compilerVersion(), v.port(), 0, 0);
      String subtypes =
          String.join(" ", advert.compilers().stream().map(c -> "_" + c.subtype()).toList());
      boolean found =
          advert.compilers().stream()
              .anyMatch(c -> c.machine().equals(machine) && c.version().equals(version));
      boolean sameMachine = advert.compilers().stream().anyMatch(c -> c.machine().equals(machine));
      String note =
          v.kind().announcedByHost() && !advertiser
              ? " (NOT announced: 'farm advertise' is not running; 'farm up' starts it)"
              : "";
      System.out.println("zeroconf: " + v.target() + " announced as " + subtypes + note);
      if (sameMachine && !found) {
        System.out.println(
            "zeroconf: this machine's cc ("
                + machine
                + " "
                + version
                + ") does not find "
                + v.target()
                + ": its gcc is "
                + v.compilerVersion()
                + " (version drift)");
      }
    }
  }

  private static String cc(String option) {
    try {
      Process p = new ProcessBuilder("cc", option).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return p.exitValue() == 0 ? out : "";
    } catch (IOException | InterruptedException | IllegalThreadStateException e) {
      return "";
    }
  }
}
