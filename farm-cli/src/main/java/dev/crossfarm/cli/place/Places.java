package dev.crossfarm.cli.place;

import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.farm.NativeFarm;
import dev.crossfarm.cli.farm.PlaceKind;
import dev.crossfarm.cli.farm.VolunteerSpec;
import dev.crossfarm.cli.image.AppJars;
import dev.crossfarm.cli.image.ImageBuildException;
import dev.crossfarm.cli.image.ImageBuilder;
import dev.crossfarm.cli.image.ImageRecipe;
import dev.crossfarm.cli.image.ToolchainSource;
import dev.crossfarm.cli.image.VolunteerImage;
import dev.crossfarm.cli.swarm.SwarmFarm;
import dev.crossfarm.cli.swarm.SwarmRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one place where farm decides where volunteers run: from {@code --native}, {@code --swarm} and
 * farm.yaml's {@code engine:}, else Docker when an engine answers, else this machine's processes.
 * Contradictions are refused with the reason, never resolved silently.
 */
public final class Places {

  private Places() {}

  /**
   * Where {@code farm up} starts volunteers.
   *
   * @throws PlaceException for contradicting choices, or a chosen place that is not there
   */
  public static Place choose(
      boolean nativeFlag,
      boolean swarmFlag,
      FarmConfig farm,
      String version,
      Consumer<String> progress) {
    PlaceKind kind = kind(nativeFlag, swarmFlag, farm.engine());
    if (kind == PlaceKind.NATIVE) {
      if (nativeFlag) {
        progress.accept("starting volunteers as processes of this machine (--native)");
      } else if (farm.engine() != null) {
        progress.accept("starting volunteers as processes of this machine (engine: native)");
      }
      return nativePlace(progress);
    }
    Optional<Engine> engine = Engine.connect();
    if (kind == PlaceKind.SWARM) {
      return swarm(engine, farm, version, progress);
    }
    if (engine.isEmpty()) {
      if (kind == PlaceKind.DOCKER && farm.engine() != null) {
        throw new PlaceException(
            "farm.yaml says engine: docker, but no Docker engine answers (DOCKER_HOST, or"
                + " /var/run/docker.sock): start one (apt-get install docker.io; dockerd &), or"
                + " say engine: native");
      }
      progress.accept(
          "no Docker engine answers: starting volunteers as processes of this machine instead");
      return nativePlace(progress);
    }
    return new DockerPlace(
        engine.get(), images(engine.get(), farm, version, progress), farmOfThisHost(), progress);
  }

  /**
   * Which kind of place the choices name; null means Docker if an engine answers, else native.
   *
   * @throws PlaceException when they contradict each other
   */
  static PlaceKind kind(boolean nativeFlag, boolean swarmFlag, String engine) {
    if (nativeFlag && swarmFlag) {
      throw new PlaceException(
          "--swarm and --native contradict each other: --swarm runs volunteers as services on"
              + " the swarm's nodes, --native as processes of this machine; choose one");
    }
    PlaceKind configured =
        engine == null ? null : PlaceKind.valueOf(engine.toUpperCase(Locale.ROOT));
    PlaceKind flag = nativeFlag ? PlaceKind.NATIVE : swarmFlag ? PlaceKind.SWARM : null;
    if (flag != null && configured != null && flag != configured) {
      throw new PlaceException(
          "--"
              + flag.label()
              + " contradicts farm.yaml's engine: "
              + configured.label()
              + "; change one of them (or use another --config)");
    }
    if (flag != null) {
      return flag;
    }
    return configured == null ? PlaceKind.DOCKER : configured;
  }

  /**
   * Every place that has, or may have, volunteers now: this machine's processes always, the
   * engine's containers when one answers, and the swarm's services when it manages a swarm. The
   * verbs that look at the farm (status, top, hosts, logs, down) see them all.
   */
  public static List<Place> present(FarmConfig farm, String version, Consumer<String> progress) {
    List<Place> places = new ArrayList<>();
    Optional<Engine> engine = Engine.connect();
    if (engine.isPresent()) {
      places.add(
          new DockerPlace(
              engine.get(),
              images(engine.get(), farm, version, progress),
              farmOfThisHost(),
              progress));
      if (isManager(engine.get())) {
        places.add(swarm(Engine.connect(), farm, version, progress));
      }
    }
    places.add(nativePlace(progress));
    return places;
  }

  /**
   * The engine of the swarm's manager (DOCKER_HOST's engine, which must manage a swarm).
   *
   * @throws PlaceException saying why there is none
   */
  public static Engine swarmManager(Optional<Engine> engine) {
    Engine e =
        engine.orElseThrow(
            () ->
                new PlaceException(
                    "no Docker engine answers (DOCKER_HOST, or /var/run/docker.sock): the swarm's"
                        + " manager must"));
    try {
      SwarmFarm.managerAddress(e);
    } catch (IllegalStateException notAManager) {
      e.close();
      throw new PlaceException(notAManager.getMessage());
    }
    return e;
  }

  private static Place swarm(
      Optional<Engine> engine, FarmConfig farm, String version, Consumer<String> progress) {
    Engine e = swarmManager(engine);
    return new SwarmPlace(
        e,
        new SwarmRegistry(NativeFarm.defaultStateDir(), progress),
        images(e, farm, version, progress),
        progress);
  }

  private static boolean isManager(Engine engine) {
    try {
      SwarmFarm.managerAddress(engine);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static NativePlace nativePlace(Consumer<String> progress) {
    return new NativePlace(farmOfThisHost(), progress);
  }

  /** This machine's processes: native volunteers, and the announcer of containers. */
  private static NativeFarm farmOfThisHost() {
    return new NativeFarm(NativeFarm.defaultStateDir(), selfCommand());
  }

  /** How to run this farm command again, for processes it starts. */
  static List<String> selfCommand() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(ImageRecipe.bundled().jvmOptions());
    command.addAll(List.of("-jar", AppJars.locate().main().toString()));
    return command;
  }

  private static ImageBuilder images(
      Engine engine, FarmConfig farm, String version, Consumer<String> progress) {
    return ImageBuilder.of(engine, farm.image(), version, progress);
  }

  /** The images of {@code specs}' targets, built together: target -> image reference. */
  static Map<String, String> buildImages(
      ImageBuilder images, List<VolunteerSpec> specs, boolean rebuild) {
    List<ToolchainSource> sources =
        specs.stream().map(s -> new ToolchainSource(s.toolchain(), null)).toList();
    Map<String, String> references = new LinkedHashMap<>();
    try {
      List<VolunteerImage> built = images.ensure(sources, rebuild);
      for (int i = 0; i < specs.size(); i++) {
        references.put(specs.get(i).target(), built.get(i).reference());
      }
    } catch (ImageBuildException e) {
      throw new PlaceException(e.getMessage(), e);
    }
    return references;
  }

  /** A volunteer of this machine answers on its listen address, else on loopback. */
  static Place.Endpoint local(VolunteerSpec spec) {
    String host =
        spec.listen() != null && !spec.listen().equals("0.0.0.0") ? spec.listen() : "127.0.0.1";
    return new Place.Endpoint(spec.target(), host, spec.port());
  }
}
