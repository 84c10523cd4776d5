package dev.crossfarm.cli;

import com.github.dockerjava.api.model.SwarmNode;
import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.cli.docker.DockerFarm;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.farm.HealthProbe;
import dev.crossfarm.cli.farm.HostsAdvice;
import dev.crossfarm.cli.farm.NativeFarm;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.farm.VolunteerSpec;
import dev.crossfarm.cli.image.ImageBuildException;
import dev.crossfarm.cli.image.ImageBuilder;
import dev.crossfarm.cli.image.VolunteerImage;
import dev.crossfarm.cli.swarm.SwarmFarm;
import dev.crossfarm.cli.swarm.SwarmRegistry;
import dev.crossfarm.daemon.job.InstalledToolchain;
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
      "With a Docker engine: builds any missing volunteer image (farm image build), then runs",
      "one container per target on its port (x86_64 3632, armv7h 3635, aarch64 3636). Without",
      "one: runs 'farm daemon' processes for the toolchains installed on this machine.",
      "Either way it waits until each volunteer answers a real compile. Running it again changes",
      "only what differs from farm.yaml."
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
      description = "Run volunteers as processes of this machine even when Docker runs.")
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
      names = "--zeroconf",
      description = {
        "Announce the volunteers over mDNS for '+zeroconf' clients (as 'zeroconf: true' in",
        "farm.yaml). Containers are announced by this host ('farm advertise', in the",
        "background), since multicast does not leave a bridge network."
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
    if (swarm || "swarm".equals(farm.engine())) {
      return upSwarm(catalog, farm, wanted);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    Map<String, String> failures = new LinkedHashMap<>();
    try (FarmMode mode = FarmMode.detect()) {
      boolean useDocker = mode.engine.isPresent() && !forceNative;
      if (!useDocker) {
        Farm.progress(
            forceNative
                ? "starting volunteers as processes of this machine (--native)"
                : "no Docker engine answers: starting volunteers as processes of this machine instead");
      }
      for (Toolchain t : wanted) {
        VolunteerSpec spec = spec(t, farm, cores);
        try {
          if (useDocker) {
            ImageBuilder images = ImageCommand.builder(mode.engine.get(), farm);
            VolunteerImage image = images.ensure(t, rebuild);
            DockerFarm.Change change = mode.docker().orElseThrow().up(spec, image.reference());
            Farm.progress(
                t.name() + ": container crossfarm-" + t.name() + " " + change.name().toLowerCase());
          } else {
            InstalledToolchain.detect(t); // a clear reason when it cannot run here
            boolean started = mode.nativeFarm.up(spec);
            Farm.progress(
                t.name()
                    + ": "
                    + (started ? "started" : "unchanged")
                    + ", log "
                    + mode.nativeFarm.logFile(t.name()));
          }
        } catch (InstalledToolchain.ToolchainMissingException | ImageBuildException e) {
          failures.put(t.name(), e.getMessage());
          continue;
        }
        String host =
            spec.listen() != null && !spec.listen().equals("0.0.0.0") ? spec.listen() : "127.0.0.1";
        HealthProbe.Result health =
            HealthProbe.await(
                host, spec.port(), t, spec.auth() != null, Duration.ofSeconds(waitSeconds));
        if (health.healthy()) {
          Farm.progress(
              t.name()
                  + (spec.auth() != null
                      ? ": answers the Kerberos login's handshake on "
                      : ": answers a real compile on ")
                  + host
                  + ":"
                  + spec.port());
        } else {
          failures.put(t.name(), "not healthy after " + waitSeconds + "s: " + health.problem());
        }
      }
      boolean announce = wanted.stream().anyMatch(t -> spec(t, farm, cores).zeroconf());
      if (useDocker && announce && mode.nativeFarm.startAdvertiser(zeroconfAddresses)) {
        Farm.progress(
            "zeroconf: announcing the containers from this host ('farm advertise', log "
                + mode.nativeFarm.logFile("advertise")
                + ")");
      }
      printAdvice(mode, catalog);
    }
    failures.forEach((t, why) -> System.err.println("farm: could not start " + t + ": " + why));
    return failures.isEmpty() ? 0 : Farm.FAILURE;
  }

  /**
   * The farm on a swarm: the manager builds each image, ships it to its private registry, and
   * creates or updates the target's global service; then every labelled node must answer.
   */
  private int upSwarm(ToolchainCatalog catalog, FarmConfig farm, List<Toolchain> wanted) {
    Map<String, String> failures = new LinkedHashMap<>();
    try (Engine engine = SwarmMode.manager()) {
      SwarmFarm swarmFarm = new SwarmFarm(engine, Farm::progress);
      SwarmRegistry registry = new SwarmRegistry(NativeFarm.defaultStateDir(), Farm::progress);
      String registryAddress;
      try {
        registryAddress = registry.ensure(SwarmFarm.managerAddress(engine));
      } catch (IOException e) {
        throw new ExitException(Farm.FAILURE, e.getMessage());
      }
      for (Toolchain t : wanted) {
        // no --jobs unless farm.yaml sets it: each node's daemon takes its own cores + 2
        VolunteerSpec spec = spec(t, farm, 0);
        try {
          VolunteerImage image = ImageCommand.builder(engine, farm).ensure(t, rebuild);
          String shipped = registry.ship(engine, image.reference(), registryAddress);
          SwarmFarm.Change change = swarmFarm.up(spec, shipped);
          Farm.progress(
              t.name() + ": service crossfarm-" + t.name() + " " + change.name().toLowerCase());
        } catch (ImageBuildException | IOException e) {
          failures.put(t.name(), e.getMessage());
          continue;
        }
        List<SwarmNode> nodes = swarmFarm.nodesFor(t.name());
        if (nodes.isEmpty()) {
          Farm.progress(
              t.name()
                  + ": no node serves it yet; a node gets it when labelled: farm node label NODE"
                  + " --targets "
                  + t.name());
        }
        for (SwarmNode node : nodes) {
          String address = node.getStatus().getAddress();
          String name = node.getDescription().getHostname();
          HealthProbe.Result health =
              HealthProbe.await(
                  address, spec.port(), t, spec.auth() != null, Duration.ofSeconds(waitSeconds));
          if (health.healthy()) {
            Farm.progress(t.name() + " on " + name + ": answers on " + address + ":" + spec.port());
          } else {
            failures.put(
                t.name() + " on " + name,
                "not healthy after " + waitSeconds + "s: " + health.problem());
          }
        }
      }
      List<Volunteer> volunteers = swarmFarm.list();
      Map<String, String> lines = HostsAdvice.hostsByTarget(volunteers, null, ",lzo");
      if (!lines.isEmpty()) {
        System.out.println("Clients of this farm:");
        lines.forEach(
            (target, line) ->
                System.out.println("  " + target + ": export DISTCC_HOSTS='" + line + "'"));
      }
    }
    failures.forEach((t, why) -> System.err.println("farm: could not start " + t + ": " + why));
    return failures.isEmpty() ? 0 : Farm.FAILURE;
  }

  private VolunteerSpec spec(Toolchain t, FarmConfig farm, int cores) {
    VolunteerSpec spec = VolunteerSpec.of(t, farm, cores);
    return zeroconf ? spec.withZeroconf() : spec;
  }

  private static void printAdvice(FarmMode mode, ToolchainCatalog catalog) {
    var volunteers = mode.volunteers(catalog);
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
