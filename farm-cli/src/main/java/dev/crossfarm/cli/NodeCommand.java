package dev.crossfarm.cli;

import com.github.dockerjava.api.model.SwarmNode;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.place.PlaceException;
import dev.crossfarm.cli.place.Places;
import dev.crossfarm.cli.swarm.NodeTargets;
import dev.crossfarm.cli.swarm.SwarmFarm;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code farm node}: which targets each swarm node serves. */
@Command(
    name = "node",
    header = "Say which targets each node of a Docker Swarm serves.",
    mixinStandardHelpOptions = true,
    subcommands = {NodeCommand.Label.class, NodeCommand.Ls.class},
    description = {
      "A node runs the volunteers of the targets its labels mark (dev.crossfarm.target.ARCH=true):",
      "'farm up --swarm' places each target's global service on those nodes only. An x86_64 node",
      "can serve every target; an ARM node only its own architecture."
    })
final class NodeCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    throw new ExitException(
        Farm.USAGE, "say 'farm node label NODE --targets ...' or 'farm node ls'");
  }

  @Command(
      name = "label",
      header = "Make a node serve exactly these targets.",
      mixinStandardHelpOptions = true,
      description = {
        "Example: farm node label pi5 --targets aarch64",
        "A volunteer starts on the node about a second later (and stops on a node that loses",
        "its label). '--targets \"\"' makes the node serve none."
      })
  static final class Label implements Callable<Integer> {
    @Parameters(paramLabel = "NODE", description = "The node's host name or id.")
    String node;

    @Option(
        names = "--targets",
        required = true,
        split = ",",
        paramLabel = "ARCH[,ARCH...]",
        description = "x86_64, armv7h, aarch64")
    List<String> targets;

    @Override
    public Integer call() {
      ToolchainCatalog catalog = ToolchainCatalog.builtIn();
      List<Toolchain> toolchains = new ArrayList<>();
      for (String t : targets) {
        if (!t.isBlank()) {
          toolchains.add(ImageCommand.toolchain(catalog, t));
        }
      }
      try (Engine engine = manager()) {
        new SwarmFarm(engine, Farm::progress).label(node, toolchains);
      } catch (IllegalArgumentException e) {
        throw new ExitException(Farm.FAILURE, e.getMessage());
      }
      Farm.progress(
          node
              + " serves "
              + (toolchains.isEmpty()
                  ? "no target"
                  : String.join(", ", toolchains.stream().map(Toolchain::name).toList())));
      return 0;
    }
  }

  @Command(
      name = "ls",
      header = "List the swarm's nodes with their targets.",
      mixinStandardHelpOptions = true)
  static final class Ls implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Engine engine = manager()) {
        System.out.printf(
            "%-20s %-15s %-8s %-5s %-7s %s%n",
            "NODE", "ADDRESS", "ARCH", "CORES", "STATE", "TARGETS");
        for (SwarmNode n : new SwarmFarm(engine, Farm::progress).nodes()) {
          var d = n.getDescription();
          System.out.printf(
              "%-20s %-15s %-8s %-5d %-7s %s%n",
              d.getHostname(),
              n.getStatus().getAddress(),
              d.getPlatform().getArchitecture(),
              d.getResources().getNanoCPUs() / 1_000_000_000L,
              n.getStatus().getState() == null
                  ? "-"
                  : n.getStatus().getState().name().toLowerCase(Locale.ROOT),
              String.join(",", NodeTargets.of(n.getSpec().getLabels())));
        }
      }
      return 0;
    }
  }

  /** The manager's engine; a clear error when there is none or it is not a manager. */
  static Engine manager() {
    try {
      return Places.swarmManager(Engine.connect());
    } catch (PlaceException e) {
      throw new ExitException(Farm.FAILURE, e.getMessage());
    }
  }
}
