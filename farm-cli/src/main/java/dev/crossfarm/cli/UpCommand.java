package dev.crossfarm.cli;

import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.cli.farm.HealthProbe;
import dev.crossfarm.cli.farm.HostsAdvice;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.farm.VolunteerSpec;
import dev.crossfarm.cli.place.Place;
import dev.crossfarm.cli.place.PlaceException;
import dev.crossfarm.cli.place.Places;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code farm up}: start the volunteers, build what is missing, wait until each compiles. */
@Command(
    name = "up",
    header = "Start the farm: one volunteer per target, built and checked.",
    mixinStandardHelpOptions = true,
    description = {
      "Start one volunteer per target and print what clients write to use them.",
      "",
      "Where they run is chosen once: --native, --swarm or farm.yaml's 'engine:' (docker,",
      "native, swarm); else containers of this machine's Docker engine when one answers, else",
      "'farm daemon' processes for the toolchains installed here. Containers come from images",
      "built here when missing (farm image build), one per target on its port (x86_64 3632,",
      "armv7h 3635, aarch64 3636). Either way it waits until each volunteer answers a real",
      "compile. Running it again changes only what differs from farm.yaml."
    })
final class UpCommand implements Callable<Integer> {

  @Mixin ConfigMixin config;

  @Parameters(
      paramLabel = "ARCH",
      arity = "0..*",
      description = "Targets (default: farm.yaml's, else armv7h aarch64).")
  List<String> targets = new ArrayList<>();

  @Option(
      names = "--native",
      description =
          "Run volunteers as processes of this machine even when Docker runs (as 'engine: native'"
              + " in farm.yaml).")
  boolean forceNative;

  @Option(names = "--rebuild", description = "Rebuild the volunteer images.")
  boolean rebuild;

  @Option(
      names = "--swarm",
      description = {
        "Run the farm on the Docker Swarm this engine manages (as 'engine: swarm' in farm.yaml):",
        "one global service per target on the nodes labelled for it ('farm node label'),",
        "images carried to the nodes through a private registry on the manager."
      })
  boolean swarm;

  @Option(
      names = "--front",
      description = {
        "With --swarm: also run one front per target on the manager (as 'front: true' in",
        "farm.yaml), on the target's port + 10000 (aarch64 13636). Clients then name that one",
        "address; the front places each job on the best volunteer, and finds the volunteers of",
        "nodes that join or leave by itself. 'farm hosts' prints it."
      })
  boolean front;

  @Option(
      names = "--zeroconf",
      description = {
        "Announce the volunteers over mDNS for '+zeroconf' clients (as 'zeroconf: true' in",
        "farm.yaml). Containers are announced by this host ('farm advertise', in the",
        "background), since multicast does not leave a bridge network. Not with --swarm."
      })
  boolean zeroconf;

  @Option(
      names = "--zeroconf-address",
      paramLabel = "IP",
      description = "Announce containers on this host address only (repeatable; default: all).")
  List<String> zeroconfAddresses = new ArrayList<>();

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "How long to wait for each volunteer (default: ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Override
  public Integer call() throws IOException {
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    FarmConfig farm = config.load(catalog);
    List<Toolchain> wanted = ConfigMixin.targets(catalog, farm, targets);
    Map<String, String> failures = new LinkedHashMap<>();
    boolean fronted = front || Boolean.TRUE.equals(farm.front());
    try (Place place = Places.choose(forceNative, swarm, farm, Farm.version(), Farm::progress)) {
      List<VolunteerSpec> specs = new ArrayList<>();
      for (Toolchain t : wanted) {
        VolunteerSpec spec = VolunteerSpec.of(t, farm, place.defaultSlots());
        spec = zeroconf ? spec.withZeroconf() : spec;
        specs.add(fronted ? place.behindFront(spec) : spec);
      }
      place.prepare(specs, rebuild);
      for (VolunteerSpec spec : specs) {
        try {
          Farm.progress(spec.target() + ": " + place.up(spec));
        } catch (PlaceException e) {
          failures.put(spec.target(), e.getMessage());
          continue;
        }
        List<Place.Endpoint> endpoints = new ArrayList<>(place.endpoints(spec));
        if (fronted) {
          try {
            Farm.progress(spec.target() + ": " + place.upFront(spec));
          } catch (PlaceException e) {
            failures.put(spec.target() + "'s front", e.getMessage());
          }
          endpoints.addAll(place.frontEndpoints(spec));
        }
        for (Place.Endpoint at : endpoints) {
          HealthProbe.Result health =
              HealthProbe.await(
                  at.host(),
                  at.port(),
                  spec.toolchain(),
                  spec.auth() != null,
                  Duration.ofSeconds(waitSeconds));
          if (health.healthy()) {
            Farm.progress(
                at.name()
                    + (spec.auth() != null
                        ? ": answers the Kerberos login's handshake on "
                        : ": answers a real compile on ")
                    + at.host()
                    + ":"
                    + at.port());
          } else {
            failures.put(at.name(), "not healthy after " + waitSeconds + "s: " + health.problem());
          }
        }
      }
      String announced = place.announce(specs, zeroconfAddresses);
      if (announced != null) {
        Farm.progress(announced);
      }
      printAdvice(place, catalog);
    } catch (PlaceException e) {
      throw new ExitException(Farm.FAILURE, e.getMessage(), e);
    }
    failures.forEach((t, why) -> System.err.println("farm: could not start " + t + ": " + why));
    return failures.isEmpty() ? 0 : Farm.FAILURE;
  }

  private static void printAdvice(Place place, ToolchainCatalog catalog) {
    List<Volunteer> volunteers = place.list(catalog);
    Map<String, String> lines =
        HostsAdvice.hostsByTarget(volunteers, HostsCommand.thisHost(), ",lzo");
    if (lines.isEmpty()) {
      return;
    }
    System.out.println("Clients of this farm (run 'farm hosts --for makepkg|portage' for more):");
    lines.forEach(
        (target, line) -> {
          System.out.println("  " + target + ":");
          for (String l :
              HostsAdvice.advice(
                  line, HostsAdvice.slots(volunteers, target), HostsAdvice.Client.SHELL, 0)) {
            System.out.println("    " + l);
          }
        });
  }
}
