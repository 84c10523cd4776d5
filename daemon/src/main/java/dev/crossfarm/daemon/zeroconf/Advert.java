package dev.crossfarm.daemon.zeroconf;

import dev.crossfarm.daemon.job.InstalledToolchain;
import dev.crossfarm.toolchain.Toolchain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one volunteer announces over zeroconf, in stock distccd's terms: a {@code _distcc._tcp}
 * service with a subtype {@code _MACHINE--VERSION} and stock's TXT record. The stock client browses
 * only the subtype of its own compiler ({@code cc -dumpmachine}, {@code cc -dumpversion}), so a
 * volunteer publishes one record for every compiler it can stand in for: each triple its catalog
 * accepts (Debian's and Arch Linux ARM's), with its gcc's version both as a major number (what
 * Debian's gcc says) and in full (what Arch's says). A client whose compiler has another version
 * does not find it: zeroconf's protection against version drift.
 *
 * @param target the toolchain's name, for the instance names
 * @param port the volunteer's TCP port as clients reach it
 * @param jobs its compile slots
 * @param cpus the cores of the machine it runs on
 * @param compilers the (machine, version) pairs it answers for, each one record
 */
public record Advert(String target, int port, int jobs, int cpus, List<Compiler> compilers) {

  /** The service type every distcc volunteer is published under. */
  public static final String TYPE = "_distcc._tcp.local.";

  /** What stock's TXT record calls {@code distcc=}: the protocol version this volunteer speaks. */
  static final String DISTCC_VERSION = "3.4";

  /** A compiler the volunteer stands in for: a client's {@code -dumpmachine} and version. */
  public record Compiler(String machine, String version) {

    /** Stock's subtype label, without the leading underscore JmDNS adds. */
    public String subtype() {
      return label(machine) + "--" + label(version);
    }

    /** Lower-cased, every character outside [a-z0-9] turned into '-' (stock's zeroconf.c). */
    static String label(String s) {
      return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "-");
    }
  }

  public Advert {
    compilers = List.copyOf(compilers);
  }

  /** The advert of a volunteer of {@code toolchain}: every triple, at major and full version. */
  public static Advert of(InstalledToolchain toolchain, int port, int jobs, int cpus) {
    return of(toolchain.toolchain(), toolchain.version(), port, jobs, cpus);
  }

  /**
   * The advert of a volunteer of {@code toolchain} whose gcc has version {@code full} (e.g.
   * "12.2.0"): a container's, announced by its host.
   */
  public static Advert of(Toolchain toolchain, String full, int port, int jobs, int cpus) {
    Set<String> versions = new LinkedHashSet<>();
    versions.add(full.split("\\.")[0]);
    versions.add(full);
    List<Compiler> compilers = new ArrayList<>();
    for (String triple : toolchain.triples()) {
      for (String version : versions) {
        compilers.add(new Compiler(triple, version));
      }
    }
    return new Advert(toolchain.name(), port, jobs, cpus, compilers);
  }

  /** The TXT record of one compiler's service, in stock's order. */
  public Map<String, String> txt(Compiler compiler) {
    Map<String, String> txt = new LinkedHashMap<>();
    txt.put("txtvers", "1");
    txt.put("cpus", Integer.toString(cpus));
    txt.put("jobs", Integer.toString(jobs));
    txt.put("distcc", DISTCC_VERSION);
    txt.put("gnuhost", gnuHost());
    txt.put("cc_version", compiler.version());
    txt.put("cc_machine", compiler.machine());
    return txt;
  }

  /**
   * A distinct instance name per record ({@code distcc@HOST MACHINE VERSION}), shortened to the 63
   * bytes a DNS label holds by cutting the host name.
   */
  public String instance(Compiler compiler, String host) {
    String tail = " " + compiler.machine() + " " + compiler.version();
    int room = 63 - "distcc@".length() - tail.length();
    String h = host.length() > room ? host.substring(0, Math.max(0, room)) : host;
    return "distcc@" + h + tail;
  }

  /** This machine's GNU triple, as stock's TXT gives its own build host. */
  static String gnuHost() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "x86_64-pc-linux-gnu";
      case "aarch64" -> "aarch64-unknown-linux-gnu";
      case "arm" -> "arm-unknown-linux-gnueabihf";
      default -> arch + "-unknown-linux-gnu";
    };
  }
}
