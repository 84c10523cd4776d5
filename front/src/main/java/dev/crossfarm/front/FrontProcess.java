package dev.crossfarm.front;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.run.StartupException;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A front as a process: started, announced in the log, and stopped on SIGTERM after the jobs in
 * flight are answered (exit 0, as a volunteer's clean stop). Logging is the caller's, as for {@code
 * farm daemon}.
 */
public final class FrontProcess {

  private static final Logger log = LoggerFactory.getLogger("dcc_front");

  private final FrontConfig config;

  public FrontProcess(FrontConfig config) {
    this.config = config;
  }

  /**
   * Serves until stopped.
   *
   * @throws StartupException with stock's exit code when the port is taken
   */
  public int run() throws IOException, InterruptedException {
    FrontServer front = new FrontServer(config, ToolchainCatalog.builtIn(), summary -> {});
    try {
      front.start();
    } catch (BindException e) {
      throw new StartupException(
          ExitCode.BIND_FAILED,
          "cannot listen on port "
              + config.port()
              + ": "
              + e.getMessage()
              + " (is a volunteer or another front running there?)");
    }
    List<String> named = new ArrayList<>();
    config.volunteers().forEach(v -> named.add(v.text()));
    config.volunteerNames().forEach(v -> named.add("every address of " + v.text()));
    log.info(
        "crossfarm front for {} listening on {}:{}, volunteers: {}",
        config.toolchain().name(),
        config.listen() == null ? "*" : config.listen().getHostAddress(),
        front.port(),
        String.join(", ", named));
    if (front.statsPort() > 0) {
      log.info("statistics on port {}", front.statsPort());
    }
    log.info("allowing {}", config.allow());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping: refusing new connections, answering the jobs in flight");
                  front.shutdown(config.volunteerTimeout().plus(Duration.ofSeconds(5)));
                  stopped.countDown();
                  Runtime.getRuntime().halt(ExitCode.OK);
                },
                "shutdown"));
    stopped.await();
    return ExitCode.OK;
  }
}
