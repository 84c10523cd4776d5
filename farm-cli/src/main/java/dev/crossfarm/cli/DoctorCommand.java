package dev.crossfarm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.crossfarm.cli.doctor.ClientDoctor;
import dev.crossfarm.cli.doctor.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code farm doctor}: on a client, is it really distributing, and if not, why. */
@Command(
    name = "doctor",
    header = "On a client: check that its builds are really distributed, and say how to fix it.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run on the machine that builds (the distcc client). It reads the host list as the stock",
      "client does (DISTCC_HOSTS, else ~/.distcc/hosts or /etc/distcc/hosts) and, for each host:",
      "says what the entry means, runs a real tiny compile through it with the stock client and",
      "no fallback, names a dead or refusing host with its reason, and compares this client's gcc",
      "with the volunteer's (from its stats port, port + 1000). It also looks for -march=native",
      "and friends in CFLAGS/CXXFLAGS and in makepkg.conf / make.conf, for distcc in makepkg's",
      "BUILDENV and Portage's FEATURES, and asks mDNS for +zeroconf.",
      "",
      "Every finding comes with a fix. The exit code is 1 when a finding stops distribution;",
      "makepkg's and Portage's findings count only with --for makepkg|portage."
    })
final class DoctorCommand implements Callable<Integer> {

  @Option(
      names = "--for",
      paramLabel = "TOOL",
      description = "makepkg or portage: that tool's findings count towards the exit code.")
  String tool;

  @Option(
      names = "--stats-port",
      paramLabel = "PORT",
      description = "The volunteers' stats port (default: each one's port + 1000).")
  Integer statsPort;

  @Option(names = "--json", description = "The findings as JSON, for scripts.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    ClientDoctor.Tool counted;
    try {
      counted =
          tool == null
              ? ClientDoctor.Tool.NONE
              : ClientDoctor.Tool.valueOf(tool.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ExitException(Farm.USAGE, "--for takes makepkg or portage, not '" + tool + "'");
    }
    Path work = Files.createTempDirectory("farm-doctor");
    List<Finding> findings;
    try {
      findings =
          new ClientDoctor(System.getenv(), Path.of("/"), counted, statsPort, work).examine();
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    boolean failed = ClientDoctor.failed(findings);
    if (json) {
      System.out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(java.util.Map.of("findings", findings, "distributing", !failed)));
    } else {
      findings.forEach(f -> System.out.println(f.text()));
      System.out.println(
          failed
              ? "\nSome jobs (or all) are not distributed, or differ from a local build: see PROBLEM above."
              : "\nJobs are distributed; nothing stops them.");
    }
    return failed ? Farm.FAILURE : 0;
  }
}
