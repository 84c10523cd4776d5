package dev.crossfarm.cli.farm;

import dev.crossfarm.cli.generate.SshCommands;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client writes to use the farm: one {@code DISTCC_HOSTS} line per target (a client builds
 * for one target, so it names that target's volunteers, the most slots first, each with its {@code
 * /N} limit), and {@code MAKEFLAGS} advice: twice the slots for makepkg, {@code -jN -lM} (N = 2 x
 * slots + 1, M = local cores) for Portage.
 */
public final class HostsAdvice {

  /** Which client the advice is for. */
  public enum Client {
    SHELL,
    MAKEPKG,
    PORTAGE
  }

  private HostsAdvice() {}

  /**
   * A volunteer's entry in a host line: {@code HOST:PORT/N} over TCP, or {@code @HOST/N:COMMAND}
   * over SSH.
   */
  public interface Entry {
    String of(Volunteer v, String host, String options);

    /** A volunteer with --auth needs ',auth' (stock's client then logs in with Kerberos). */
    Entry TCP =
        (v, host, options) ->
            host
                + ":"
                + v.port()
                + "/"
                + Math.max(1, v.jobs())
                + options
                + (v.auth() ? ",auth" : "");

    /** Over SSH, through the commands 'farm ssh-commands' installs in {@code dir}. */
    static Entry ssh(Path dir) {
      return (v, host, options) ->
          SshCommands.hostSpec(host, v.jobs(), dir.resolve("farm-" + v.target()), options);
    }

    /**
     * Over SSH's stdio channel to the volunteer's port ({@code DISTCC_SSH=farm-ssh}):
     * {@code @HOST/N:crossfarm-PORT}.
     */
    Entry SSH_CHANNEL =
        (v, host, options) ->
            "@"
                + host
                + "/"
                + Math.max(1, v.jobs())
                + ":"
                + SshCommands.fastCommand(v.port())
                + options;
  }

  /** {@code options}: "" (protocol 1), ",lzo" or ",cpp,lzo". */
  public static Map<String, String> hostsByTarget(
      List<Volunteer> volunteers, String host, String options) {
    return hostsByTarget(volunteers, host, options, Entry.TCP);
  }

  public static Map<String, String> hostsByTarget(
      List<Volunteer> volunteers, String host, String options, Entry entry) {
    Map<String, List<Volunteer>> byTarget = new LinkedHashMap<>();
    for (Volunteer v : volunteers) {
      if (v.state().equals("running")) {
        byTarget.computeIfAbsent(v.target(), t -> new ArrayList<>()).add(v);
      }
    }
    // a target with a front is named by its front alone: the front places every job
    byTarget.replaceAll(
        (target, vs) ->
            vs.stream().anyMatch(v -> v.kind() == PlaceKind.FRONT)
                ? vs.stream().filter(v -> v.kind() == PlaceKind.FRONT).toList()
                : vs);
    Map<String, String> lines = new LinkedHashMap<>();
    byTarget.forEach(
        (target, vs) -> {
          List<String> entries = new ArrayList<>();
          vs.stream()
              .sorted((a, b) -> Integer.compare(b.jobs(), a.jobs()))
              // a swarm volunteer is reached at its own node's address
              .forEach(
                  v ->
                      entries.add(
                          entry.of(
                              v,
                              host != null && v.kind().onThisMachine() ? host : v.host(),
                              options)));
          lines.put(target, String.join(" ", entries));
        });
    return lines;
  }

  public static int slots(List<Volunteer> volunteers, String target) {
    return volunteers.stream()
        .filter(
            v ->
                v.target().equals(target)
                    && v.state().equals("running")
                    && v.kind() != PlaceKind.FRONT)
        .mapToInt(v -> Math.max(1, v.jobs()))
        .sum();
  }

  /** The client lines for one target. */
  public static List<String> advice(String hostsLine, int slots, Client client, int localCores) {
    return switch (client) {
      case MAKEPKG ->
          List.of(
              "DISTCC_HOSTS=\"" + hostsLine + "\"",
              "MAKEFLAGS=\"-j" + (2 * slots) + "\"",
              "BUILDENV=(distcc color !ccache check !sign)");
      case PORTAGE ->
          List.of(
              "FEATURES=\"distcc\"",
              "MAKEOPTS=\"-j" + (2 * slots + 1) + " -l" + localCores + "\"",
              "# and: distcc-config --set-hosts \"" + hostsLine + "\"");
      case SHELL ->
          List.of(
              "export DISTCC_HOSTS='" + hostsLine + "'",
              "make -j" + (2 * slots) + " CC='distcc gcc'");
    };
  }
}
