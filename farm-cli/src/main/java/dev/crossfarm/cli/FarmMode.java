package dev.crossfarm.cli;

import dev.crossfarm.cli.docker.DockerFarm;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.farm.NativeFarm;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.image.AppJars;
import dev.crossfarm.cli.image.ImageRecipe;
import dev.crossfarm.cli.swarm.SwarmFarm;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the farm's volunteers live: containers of the local Docker engine when one answers, and
 * always the native processes of this machine (the fallback without an engine). Commands that look
 * at the farm ({@code status}, {@code hosts}, {@code down}) see both.
 */
final class FarmMode implements AutoCloseable {

  final Optional<Engine> engine;
  final NativeFarm nativeFarm;

  private FarmMode(Optional<Engine> engine, NativeFarm nativeFarm) {
    this.engine = engine;
    this.nativeFarm = nativeFarm;
  }

  static FarmMode detect() {
    return new FarmMode(
        Engine.connect(), new NativeFarm(NativeFarm.defaultStateDir(), selfCommand()));
  }

  /** How to run this farm command again, for native volunteers. */
  static List<String> selfCommand() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(ImageRecipe.JVM_OPTIONS);
    command.addAll(List.of("-jar", AppJars.locate().main().toString()));
    return command;
  }

  Optional<DockerFarm> docker() {
    return engine.map(e -> new DockerFarm(e, Farm::progress));
  }

  /** The farm on the swarm this engine manages, if it is a manager. */
  Optional<SwarmFarm> swarm() {
    return engine.flatMap(
        e -> {
          try {
            SwarmFarm.managerAddress(e);
            return Optional.of(new SwarmFarm(e, Farm::progress));
          } catch (IllegalStateException notAManager) {
            return Optional.empty();
          }
        });
  }

  List<Volunteer> volunteers(ToolchainCatalog catalog) {
    List<Volunteer> all = new ArrayList<>();
    docker().ifPresent(d -> all.addAll(d.list()));
    swarm().ifPresent(s -> all.addAll(s.list()));
    try {
      all.addAll(nativeFarm.list(catalog));
    } catch (IOException e) {
      Farm.progress("cannot read native volunteers: " + e.getMessage());
    }
    return all;
  }

  @Override
  public void close() {
    engine.ifPresent(Engine::close);
  }
}
