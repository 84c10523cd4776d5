package dev.crossfarm.cli;

import dev.crossfarm.cli.farm.NativeFarm;
import dev.crossfarm.cli.swarm.SwarmRegistry;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code farm down}: remove every farm volunteer, container or process, and nothing else. */
@Command(
    name = "down",
    header = "Remove the farm's volunteers, and nothing else.",
    mixinStandardHelpOptions = true,
    description = {
      "Stop and remove every volunteer of the farm: its containers, its network and dangling",
      "layers of its images (images themselves are kept for the next 'farm up'), and native",
      "volunteer processes. Nothing that crossfarm did not create is touched."
    })
final class DownCommand implements Callable<Integer> {

  @picocli.CommandLine.Option(
      names = "--swarm",
      description =
          "Also remove the farm from the swarm this engine manages: its services, node labels and"
              + " private registry (the swarm itself stays as it was).")
  boolean swarm;

  @Override
  public Integer call() throws IOException {
    try (FarmMode mode = FarmMode.detect()) {
      if (swarm) {
        var farm =
            mode.swarm()
                .orElseThrow(
                    () ->
                        new ExitException(
                            Farm.FAILURE, "--swarm: this Docker engine does not manage a swarm"));
        int services = farm.down();
        boolean registry = new SwarmRegistry(NativeFarm.defaultStateDir(), Farm::progress).stop();
        Farm.progress(
            "swarm: removed "
                + services
                + " service(s) and the node labels"
                + (registry ? ", stopped the private registry" : ""));
      } else {
        mode.swarm()
            .filter(f -> f.list().size() > 0)
            .ifPresent(
                f ->
                    Farm.progress("the swarm's volunteers stay: 'farm down --swarm' removes them"));
      }
      int containers = mode.docker().map(d -> d.down()).orElse(0);
      int processes = mode.nativeFarm.down();
      if (mode.nativeFarm.stopAdvertiser()) {
        Farm.progress("zeroconf: stopped announcing the containers ('farm advertise')");
      }
      Farm.progress(
          "removed " + containers + " container(s), stopped " + processes + " native volunteer(s)");
    }
    return 0;
  }
}
