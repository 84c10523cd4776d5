package dev.crossfarm.cli.place;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.crossfarm.cli.docker.DockerFarm;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.farm.ContainerPlan;
import dev.crossfarm.cli.farm.NativeFarm;
import dev.crossfarm.cli.farm.PlaceKind;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.farm.VolunteerSpec;
import dev.crossfarm.cli.image.ImageBuilder;
import dev.crossfarm.cli.image.ImageRecipe;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Volunteers as containers of this machine's engine, from images built here. mDNS does not leave
 * the bridge network, so this host announces them ({@code farm advertise}, in the background).
 */
final class DockerPlace implements Place {

  private final Engine engine;
  private final DockerFarm docker;
  private final ImageBuilder images;
  private final NativeFarm host;
  private final Consumer<String> progress;
  private final Map<String, String> imageOf = new HashMap<>();

  DockerPlace(Engine engine, ImageBuilder images, NativeFarm host, Consumer<String> progress) {
    this.engine = engine;
    this.docker = new DockerFarm(engine, progress);
    this.images = images;
    this.host = host;
    this.progress = progress;
  }

  @Override
  public PlaceKind kind() {
    return PlaceKind.DOCKER;
  }

  @Override
  public int defaultSlots() {
    return Runtime.getRuntime().availableProcessors();
  }

  @Override
  public void prepare(List<VolunteerSpec> specs, boolean rebuild) {
    imageOf.putAll(Places.buildImages(images, specs, rebuild));
  }

  @Override
  public String up(VolunteerSpec spec) {
    String image = imageOf.get(spec.target());
    if (image == null) {
      prepare(List.of(spec), false);
      image = imageOf.get(spec.target());
    }
    ContainerPlan plan = ContainerPlan.of(spec, image, ImageRecipe.bundled());
    try {
      DockerFarm.Change change = docker.up(plan);
      return "container " + plan.name() + " " + change.name().toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new PlaceException(e.getMessage(), e);
    }
  }

  @Override
  public List<Endpoint> endpoints(VolunteerSpec spec) {
    return List.of(Places.local(spec));
  }

  @Override
  public String announce(List<VolunteerSpec> specs, List<String> addresses) throws IOException {
    if (specs.stream().anyMatch(VolunteerSpec::zeroconf) && host.startAdvertiser(addresses)) {
      return "zeroconf: announcing the containers from this host ('farm advertise', log "
          + host.logFile("advertise")
          + ")";
    }
    return null;
  }

  @Override
  public List<Volunteer> list(ToolchainCatalog catalog) {
    return docker.list();
  }

  @Override
  public String down() {
    int containers = docker.down();
    boolean advertiser = host.stopAdvertiser();
    return "removed "
        + containers
        + " container(s)"
        + (advertiser ? "; stopped announcing them ('farm advertise')" : "");
  }

  @Override
  public boolean logs(String target, OutputStream out, boolean follow) {
    try {
      docker.logs(target, out, follow);
      return true;
    } catch (NotFoundException noContainer) {
      return false;
    }
  }

  @Override
  public void close() {
    engine.close();
  }
}
