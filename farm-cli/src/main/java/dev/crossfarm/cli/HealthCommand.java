package dev.crossfarm.cli;

import dev.crossfarm.cli.farm.HealthProbe;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code farm health}: does a volunteer answer a real compile for its target? */
@Command(
    name = "health",
    header = "Check that a volunteer answers a real compile.",
    mixinStandardHelpOptions = true,
    description = {
      "Send a volunteer a real test compile and check the object is for its target.",
      "Exit 0 when healthy: the containers' health check runs this."
    })
final class HealthCommand implements Callable<Integer> {
  @Option(names = "--toolchain", required = true, paramLabel = "ARCH")
  String toolchain;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "Default: the target's port.")
  Integer port;

  @Option(
      names = "--auth",
      description = "The volunteer runs with --auth: check its login handshake, not a compile.")
  boolean auth;

  @Override
  public Integer call() {
    Toolchain t = ImageCommand.toolchain(ToolchainCatalog.builtIn(), toolchain);
    int p = port != null ? port : t.port();
    HealthProbe.Result r =
        auth
            ? HealthProbe.probeLogin(host, p, Duration.ofSeconds(20))
            : HealthProbe.probe(host, p, t, Duration.ofSeconds(20));
    System.out.println(
        r.healthy() ? "healthy (" + r.millis() + " ms)" : "unhealthy: " + r.problem());
    return r.healthy() ? 0 : Farm.FAILURE;
  }
}
