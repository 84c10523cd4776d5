package dev.crossfarm.cli;

import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.daemon.log.DistccdLog;
import dev.crossfarm.daemon.zeroconf.Advert;
import dev.crossfarm.daemon.zeroconf.ZeroconfPublisher;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code farm advertise}: announces the container volunteers over mDNS from the host, because
 * multicast does not leave a Docker bridge network. {@code farm up} starts it in the background
 * when farm.yaml says {@code zeroconf: true}; {@code farm down} stops it.
 */
@Command(
    name = "advertise",
    header = "Announce the farm's container volunteers over mDNS, for '+zeroconf' clients.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Publish stock distccd's zeroconf records (_distcc._tcp, with the subtype of each compiler",
      "name and version) for every running volunteer container marked 'zeroconf: true' in",
      "farm.yaml, on this host's address and the container's published port. A volunteer that",
      "stops or goes away is withdrawn within --interval; all are withdrawn when this stops.",
      "'farm up' runs it in the background for you; run it yourself to see what it does."
    })
final class AdvertiseCommand implements Callable<Integer> {

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      defaultValue = "3",
      description = "How often the volunteers are looked at (default: ${DEFAULT-VALUE}).")
  int interval;

  @Option(
      names = "--address",
      paramLabel = "IP",
      description = "Publish on this address only (repeatable; default: every interface).")
  List<String> addresses = new ArrayList<>();

  @Option(
      names = "--pid-file",
      paramLabel = "FILE",
      description = "Write this process's id here (removed at exit).")
  Path pidFile;

  @Override
  public Integer call() throws Exception {
    DistccdLog.configure(null, Level.INFO);
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    FarmView farm = FarmView.open();
    if (farm.places.stream().noneMatch(p -> p.kind().announcedByHost())) {
      farm.close();
      throw new ExitException(
          Farm.FAILURE,
          "no Docker engine answers: native volunteers announce themselves (zeroconf in farm.yaml)");
    }
    List<InetAddress> on = new ArrayList<>();
    for (String a : addresses) {
      on.add(InetAddress.getByName(a));
    }
    ZeroconfPublisher publisher =
        ZeroconfPublisher.open(
            on.isEmpty() ? ZeroconfPublisher.multicastAddresses() : on,
            ZeroconfPublisher.hostName());
    if (pidFile != null) {
      Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  publisher.close(); // goodbyes: clients drop the records at once
                  try {
                    if (pidFile != null) {
                      Files.deleteIfExists(pidFile);
                    }
                  } catch (IOException ignored) {
                    // a stale pid file names a dead process; 'farm up' checks
                  }
                },
                "withdraw"));
    int cpus = Runtime.getRuntime().availableProcessors();
    do {
      Set<Advert> wanted = new HashSet<>();
      for (Volunteer v : farm.volunteers(catalog)) {
        boolean ours = v.kind().announcedByHost() && v.zeroconf();
        if (ours && v.state().equals("running") && v.compilerVersion() != null && v.port() > 0) {
          catalog
              .find(v.target())
              .ifPresent(
                  t ->
                      wanted.add(
                          Advert.of(
                              t,
                              v.compilerVersion(),
                              v.port(),
                              v.jobs() > 0 ? v.jobs() : cpus + 2,
                              cpus)));
        }
      }
      for (Advert gone : publisher.adverts()) {
        if (!wanted.contains(gone)) {
          publisher.withdraw(gone);
        }
      }
      for (Advert a : wanted) {
        publisher.publish(a);
      }
    } while (!stop.await(Duration.ofSeconds(interval).toMillis(), TimeUnit.MILLISECONDS));
    return 0;
  }
}
