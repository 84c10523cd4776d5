package dev.crossfarm.cli.place;

import com.github.dockerjava.api.model.SwarmNode;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.farm.ContainerPlan;
import dev.crossfarm.cli.farm.PlaceKind;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.farm.VolunteerSpec;
import dev.crossfarm.cli.image.ImageBuilder;
import dev.crossfarm.cli.image.ImageRecipe;
import dev.crossfarm.cli.swarm.SwarmFarm;
import dev.crossfarm.cli.swarm.SwarmRegistry;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Volunteers as global services of the swarm this engine manages: the manager builds each image,
 * ships it to its private registry, and every node labelled for a target runs its volunteer.
 */
final class SwarmPlace implements Place {

  private final Engine engine;
  private final SwarmFarm swarm;
  private final SwarmRegistry registry;
  private final ImageBuilder images;
  private final Map<String, String> imageOf = new HashMap<>();

  SwarmPlace(
      Engine engine, SwarmRegistry registry, ImageBuilder images, Consumer<String> progress) {
    this.engine = engine;
    this.swarm = new SwarmFarm(engine, progress);
    this.registry = registry;
    this.images = images;
  }

  @Override
  public PlaceKind kind() {
    return PlaceKind.SWARM;
  }

  /** Each node's daemon takes its own cores unless farm.yaml sets the slots. */
  @Override
  public int defaultSlots() {
    return 0;
  }

  @Override
  public void prepare(List<VolunteerSpec> specs, boolean rebuild) {
    if (specs.stream().anyMatch(VolunteerSpec::zeroconf)) {
      throw new PlaceException(
          "--zeroconf: a swarm's volunteers are not announced over mDNS (the announcer runs on"
              + " one machine, and multicast does not cross the nodes' networks); clients name"
              + " the nodes 'farm hosts' prints instead. Leave out --zeroconf (or zeroconf: in"
              + " farm.yaml) with --swarm");
    }
    String address;
    try {
      address = registry.ensure(SwarmFarm.managerAddress(engine));
    } catch (IOException e) {
      throw new PlaceException(e.getMessage(), e);
    }
    Map<String, String> built = Places.buildImages(images, specs, rebuild);
    for (Map.Entry<String, String> e : built.entrySet()) {
      try {
        imageOf.put(e.getKey(), registry.ship(engine, e.getValue(), address));
      } catch (IOException failed) {
        throw new PlaceException(e.getKey() + ": " + failed.getMessage(), failed);
      }
    }
  }

  @Override
  public String up(VolunteerSpec spec) {
    if (!imageOf.containsKey(spec.target())) {
      prepare(List.of(spec), false);
    }
    ContainerPlan plan = ContainerPlan.of(spec, imageOf.get(spec.target()), ImageRecipe.bundled());
    SwarmFarm.Change change = fronted ? swarm.upBehindFront(plan) : swarm.up(plan);
    String done = "service " + plan.name() + " " + change.name().toLowerCase(Locale.ROOT);
    return swarm.nodesFor(spec.target()).isEmpty()
        ? done
            + "; no node serves it yet: a node gets it when labelled (farm node label NODE"
            + " --targets "
            + spec.target()
            + ")"
        : done;
  }

  /** Whether the volunteers started so far stand behind a front (on the farm's network). */
  private boolean fronted;

  /** From now on, volunteers join the farm's network, where their front finds them. */
  @Override
  public VolunteerSpec behindFront(VolunteerSpec spec) {
    fronted = true;
    return spec.behindFront(SwarmFarm.NETWORK_SUBNET);
  }

  @Override
  public String upFront(VolunteerSpec spec) {
    if (!imageOf.containsKey(spec.target())) {
      prepare(List.of(spec), false);
    }
    ContainerPlan plan =
        ContainerPlan.front(
            spec,
            imageOf.get(spec.target()),
            ImageRecipe.bundled(),
            "tasks." + ContainerPlan.containerName(spec.target()) + ":" + spec.toolchain().port());
    SwarmFarm.Change change = swarm.upFront(plan);
    return "service "
        + plan.name()
        + " "
        + change.name().toLowerCase(Locale.ROOT)
        + ": clients name the manager's port "
        + spec.frontPort();
  }

  @Override
  public List<Endpoint> frontEndpoints(VolunteerSpec spec) {
    return List.of(
        new Endpoint(
            spec.target() + "'s front", SwarmFarm.managerAddress(engine), spec.frontPort()));
  }

  @Override
  public List<Endpoint> endpoints(VolunteerSpec spec) {
    return swarm.nodesFor(spec.target()).stream()
        .map(
            (SwarmNode n) ->
                new Endpoint(
                    spec.target() + " on " + n.getDescription().getHostname(),
                    n.getStatus().getAddress(),
                    spec.port()))
        .toList();
  }

  @Override
  public String announce(List<VolunteerSpec> specs, List<String> addresses) {
    return null; // refused in prepare
  }

  @Override
  public List<Volunteer> list(ToolchainCatalog catalog) {
    return swarm.list();
  }

  @Override
  public String down() throws IOException {
    int services = swarm.down();
    boolean stopped = registry.stop();
    return "swarm: removed "
        + services
        + " service(s) and the node labels"
        + (stopped ? ", stopped the private registry" : "");
  }

  @Override
  public boolean logs(String target, OutputStream out, boolean follow) {
    return swarm.logs(target, out, follow);
  }

  @Override
  public void close() {
    engine.close();
  }
}
