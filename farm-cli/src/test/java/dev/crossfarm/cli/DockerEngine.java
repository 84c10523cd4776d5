package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.fail;

import dev.crossfarm.cli.docker.Engine;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine the container tests need. Missing on a developer's machine, they are skipped
 * with the reason; with {@code CI=true} a missing engine fails the run: CI must run them.
 */
final class DockerEngine {

  private DockerEngine() {}

  static Engine require() {
    Optional<Engine> engine = Engine.connect();
    if (engine.isEmpty()) {
      String why = "no Docker engine answers (start dockerd; .ci/setup does)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why + ": CI=true, so container tests may not be skipped");
      }
      Assumptions.abort(why);
    }
    return engine.get();
  }
}
