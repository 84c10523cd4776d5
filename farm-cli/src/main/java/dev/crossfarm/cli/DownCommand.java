package dev.crossfarm.cli;

import dev.crossfarm.cli.farm.PlaceKind;
import dev.crossfarm.cli.place.Place;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code farm down}: remove every farm volunteer, container or process, and nothing else. */
@Command(
    name = "down",
    header = "Remove the farm's volunteers, and nothing else.",
    mixinStandardHelpOptions = true,
    description = {
      "Stop and remove every volunteer of the farm: its containers, its network and dangling",
      "layers of its images (images themselves are kept for the next 'farm up'), and native",
      "volunteer processes. Nothing that crossfarm did not create is touched. A swarm's",
      "services stay unless --swarm is given."
    })
final class DownCommand implements Callable<Integer> {

  @Option(
      names = "--swarm",
      description =
          "Also remove the farm from the swarm this engine manages: its services, node labels and"
              + " private registry (the swarm itself stays as it was).")
  boolean swarm;

  @Override
  public Integer call() throws IOException {
    try (FarmView farm = FarmView.open()) {
      boolean sawSwarm = false;
      for (Place place : farm.places) {
        if (place.kind() == PlaceKind.SWARM && !swarm) {
          if (!place.list(ToolchainCatalog.builtIn()).isEmpty()) {
            Farm.progress("the swarm's volunteers stay: 'farm down --swarm' removes them");
          }
          sawSwarm = true;
          continue;
        }
        sawSwarm |= place.kind() == PlaceKind.SWARM;
        Farm.progress(place.down());
      }
      if (swarm && !sawSwarm) {
        throw new ExitException(
            Farm.FAILURE, "--swarm: this Docker engine does not manage a swarm");
      }
    }
    return 0;
  }
}
