package dev.crossfarm.cli;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.swarm.SwarmFarm;

/** The swarm manager farm talks to: the engine of DOCKER_HOST, which must manage a swarm. */
final class SwarmMode {

  private SwarmMode() {}

  /** The manager's engine; a clear error when there is none or it is not a manager. */
  static Engine manager() {
    Engine engine =
        Engine.connect()
            .orElseThrow(
                () ->
                    new ExitException(
                        Farm.FAILURE,
                        "no Docker engine answers (DOCKER_HOST, or /var/run/docker.sock): the"
                            + " swarm's manager must"));
    try {
      SwarmFarm.managerAddress(engine);
    } catch (IllegalStateException e) {
      engine.close();
      throw new ExitException(Farm.FAILURE, e.getMessage());
    }
    return engine;
  }
}
