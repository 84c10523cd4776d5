package dev.crossfarm.cli.farm;

import dev.crossfarm.cli.docker.Labels;
import dev.crossfarm.cli.image.ImageRecipe;
import dev.crossfarm.toolchain.Toolchain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One volunteer container, described once: what docker-java ({@code farm up}), the Swarm service
 * spec ({@code farm up --swarm}) and the compose file ({@code farm compose}) each render. Every
 * container also runs with the engine's init as PID 1, a read-only root, no capabilities and no new
 * privileges, restarted unless stopped; where an engine API cannot say one of these, its renderer
 * says so.
 *
 * @param entrypoint the daemon's command in the image (the engine's init runs it)
 * @param arguments the daemon's options after it
 * @param environment the daemon's environment, sorted
 * @param files host files mounted read-only (the Kerberos login's)
 * @param volumes named volumes mounted read-write (the result cache's)
 * @param jobs the tmpfs for job directories
 * @param memoryBytes memory limit, or null
 * @param cpus CPU limit, or null
 * @param health the health check's command inside the container, and its timings
 * @param ports compile port, then stats port
 * @param labels what farm finds its containers by (renderers add whose farm it is)
 */
public record ContainerPlan(
    String name,
    String image,
    List<String> entrypoint,
    List<String> arguments,
    Map<String, String> environment,
    List<FileMount> files,
    List<VolumeMount> volumes,
    ImageRecipe.Tmpfs jobs,
    Long memoryBytes,
    Double cpus,
    List<String> health,
    ImageRecipe.Health healthTimings,
    List<PortBinding> ports,
    Map<String, String> labels) {

  /** A host file, read-only at {@code target} in the container. */
  public record FileMount(String source, String target) {}

  /**
   * A named volume of the engine, read-write at {@code target}: created on first use, seeded from
   * the image's directory there, kept by {@code farm down}.
   */
  public record VolumeMount(String volume, String target) {}

  /**
   * A published port.
   *
   * @param listen the host address, or null for every address
   */
  public record PortBinding(int containerPort, int hostPort, String listen) {}

  /** Mount options of the job tmpfs besides its size and mode. */
  public static final String TMPFS_OPTIONS = "rw,nosuid,nodev";

  /** The plan of {@code spec}'s volunteer running {@code image}. */
  public static ContainerPlan of(VolunteerSpec spec, String image, ImageRecipe recipe) {
    int port = spec.toolchain().port();
    List<FileMount> files = new ArrayList<>();
    if (spec.auth() != null) {
      // the login's files, read-only: the keytab never enters an image
      files.add(new FileMount(spec.auth().keytab(), VolunteerSpec.KEYTAB_IN_CONTAINER));
      files.add(new FileMount(spec.auth().krb5Conf(), VolunteerSpec.KRB5_CONF_IN_CONTAINER));
      String list =
          spec.auth().whitelist() != null ? spec.auth().whitelist() : spec.auth().blacklist();
      if (list != null) {
        files.add(new FileMount(list, VolunteerSpec.PRINCIPALS_IN_CONTAINER));
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.TARGET, spec.target());
    labels.put(Labels.SPEC, spec.digest(image));
    labels.put(Labels.AUTH, Boolean.toString(spec.auth() != null));
    labels.put(Labels.ZEROCONF, Boolean.toString(spec.zeroconf()));
    return new ContainerPlan(
        containerName(spec.target()),
        image,
        recipe.farmInImage("daemon", "--toolchain", spec.target()),
        spec.containerArguments(port, recipe.jobsTmpfs().path()),
        new TreeMap<>(spec.environment(VolunteerSpec.KRB5_CONF_IN_CONTAINER)),
        List.copyOf(files),
        spec.cache()
            ? List.of(new VolumeMount(VolunteerSpec.CACHE_VOLUME, VolunteerSpec.CACHE_IN_CONTAINER))
            : List.of(),
        recipe.jobsTmpfs(),
        spec.memoryBytes(),
        spec.cpus(),
        recipe.healthInImage(spec.toolchain(), spec.auth() != null),
        recipe.health(),
        List.of(
            new PortBinding(port, spec.port(), spec.listen()),
            new PortBinding(spec.toolchain().statsPort(), spec.statsPort(), spec.listen())),
        new TreeMap<>(labels));
  }

  /**
   * The plan of {@code spec}'s front: the volunteer image (it carries the farm command) running
   * {@code farm front}, on the target's port inside, published on {@link VolunteerSpec#frontPort}
   * and its stats port; it finds the volunteers by {@code volunteersByName}.
   */
  public static ContainerPlan front(
      VolunteerSpec spec, String image, ImageRecipe recipe, String volunteersByName) {
    int port = spec.toolchain().port();
    List<String> arguments = spec.frontArguments(volunteersByName, recipe.jobsTmpfs().path());
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.TARGET, spec.target());
    labels.put(Labels.ROLE, "front");
    labels.put(Labels.SPEC, Integer.toHexString((image + " " + arguments).hashCode()));
    return new ContainerPlan(
        frontName(spec.target()),
        image,
        recipe.farmInImage("front", "--toolchain", spec.target()),
        arguments,
        new TreeMap<>(),
        List.of(),
        List.of(),
        recipe.jobsTmpfs(),
        null,
        null,
        List.of(),
        recipe.health(),
        List.of(
            new PortBinding(port, spec.frontPort(), null),
            new PortBinding(
                spec.toolchain().statsPort(), Toolchain.statsPortOf(spec.frontPort()), null)),
        new TreeMap<>(labels));
  }

  /** The service of {@code target}'s front. */
  public static String frontName(String target) {
    return "crossfarm-front-" + target;
  }

  /** The container (or service) of {@code target}'s volunteer. */
  public static String containerName(String target) {
    return "crossfarm-" + target;
  }

  /** The environment as {@code NAME=value} lines. */
  public List<String> environmentLines() {
    return environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
  }

  /** The tmpfs options as docker's {@code --tmpfs} writes them. */
  public String tmpfsOptions() {
    return TMPFS_OPTIONS + ",size=" + jobs.size() + ",mode=" + jobs.mode();
  }
}
