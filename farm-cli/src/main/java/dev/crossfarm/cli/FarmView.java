package dev.crossfarm.cli;

import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.cli.farm.NativeFarm;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.place.Place;
import dev.crossfarm.cli.place.Places;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.util.ArrayList;
import java.util.List;

/**
 * The farm as the verbs that look at it see it (status, top, hosts, logs, down, makepkg): every
 * place that has, or may have, volunteers now, whichever place {@code farm up} chose.
 */
final class FarmView implements AutoCloseable {

  final List<Place> places;

  private FarmView(List<Place> places) {
    this.places = places;
  }

  static FarmView open() {
    return new FarmView(Places.present(FarmConfig.DEFAULT, Farm.version(), Farm::progress));
  }

  List<Volunteer> volunteers(ToolchainCatalog catalog) {
    List<Volunteer> all = new ArrayList<>();
    for (Place p : places) {
      all.addAll(p.list(catalog));
    }
    return all;
  }

  /** Whether this host announces its containers ('farm advertise' runs). */
  static boolean advertiserRunning() {
    return new NativeFarm(NativeFarm.defaultStateDir(), List.of()).advertiser().isPresent();
  }

  @Override
  public void close() {
    places.forEach(Place::close);
  }
}
