package dev.crossfarm.cli.place;

import dev.crossfarm.cli.farm.PlaceKind;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.farm.VolunteerSpec;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Where a farm's volunteers run: containers of this machine's Docker engine ({@link DockerPlace}),
 * global services of the swarm it manages ({@link SwarmPlace}), or processes of this machine
 * ({@link NativePlace}). Every verb talks to this interface; {@link Places} picks the place once.
 */
public interface Place extends AutoCloseable {

  /** An address that must answer a compile once a volunteer runs. */
  record Endpoint(String name, String host, int port) {}

  PlaceKind kind();

  /** Compile slots of a volunteer whose farm.yaml sets none; 0 lets each daemon choose. */
  int defaultSlots();

  /**
   * Builds and ships what the volunteers of {@code specs} need before any of them starts (images, a
   * registry); refuses what this place cannot do, with the reason.
   *
   * @throws PlaceException with a message for the user
   */
  void prepare(List<VolunteerSpec> specs, boolean rebuild);

  /**
   * Starts or updates the volunteer of {@code spec}, touching it only if it differs.
   *
   * @return what was done, for the progress line ("container crossfarm-aarch64 created")
   * @throws PlaceException when this target cannot run here
   */
  String up(VolunteerSpec spec);

  /**
   * The volunteer of {@code spec} as it runs behind its target's front (which must reach it), for
   * {@link #up} and then {@link #upFront}.
   *
   * @throws PlaceException when this place has no fronts
   */
  default VolunteerSpec behindFront(VolunteerSpec spec) {
    throw noFront();
  }

  /**
   * Starts or updates the front of {@code spec}'s target (which then names every volunteer of it),
   * after {@link #up}; only a place with several volunteers of a target has one.
   *
   * @return what was done, for the progress line
   * @throws PlaceException when this place has no fronts
   */
  default String upFront(VolunteerSpec spec) {
    throw noFront();
  }

  private static PlaceException noFront() {
    return new PlaceException(
        "--front: a front gives the volunteers of one target on several machines one address;"
            + " it runs on a swarm (--swarm). A single machine's volunteer needs none; for"
            + " volunteers you started yourself, run 'farm front --volunteer HOST:PORT ...'");
  }

  /** Where the front of {@code spec}'s target must answer once it runs. */
  default List<Endpoint> frontEndpoints(VolunteerSpec spec) {
    return List.of();
  }

  /** Where the volunteer of {@code spec} must answer once it runs. */
  List<Endpoint> endpoints(VolunteerSpec spec);

  /**
   * Announces the volunteers of {@code specs} that ask for it over mDNS, where this place needs
   * help from the host to do so; returns a progress line, or null when nothing was started.
   */
  String announce(List<VolunteerSpec> specs, List<String> addresses) throws IOException;

  /** The volunteers that run (or ran) here. */
  List<Volunteer> list(ToolchainCatalog catalog);

  /** Removes every volunteer of this place and what it made for them; returns what it did. */
  String down() throws IOException;

  /** Writes the log of {@code target}'s volunteer to {@code out}; false if it has none here. */
  boolean logs(String target, OutputStream out, boolean follow) throws IOException;

  @Override
  void close();
}
