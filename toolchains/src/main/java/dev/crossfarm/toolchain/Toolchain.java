package dev.crossfarm.toolchain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One target of the farm, as its YAML file in the catalog describes it: which compiler names a
 * client may send for it, which executable each runs, the ELF machine its objects must have and the
 * port its volunteers listen on.
 *
 * @param name the canonical target name ({@code x86_64}, {@code armv7h}, {@code aarch64})
 * @param aliases other names users know the target by ({@code armv8})
 * @param port the distcc port that target's clients expect
 * @param triples every triple a client may put before a tool name, the Debian one first
 * @param tools tool name a client sends -> tool of the installed toolchain ({@code cc -> gcc})
 * @param installations where the toolchain may be installed, tried in order
 */
public record Toolchain(
    String name,
    List<String> aliases,
    String description,
    int port,
    ElfTarget elf,
    List<String> triples,
    Map<String, String> tools,
    List<Installation> installations) {

  public Toolchain {
    require(name != null && name.matches("[a-z0-9_]+"), "name must be a simple word, not " + name);
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
    description = description == null ? name : description;
    require(port > 0 && port < 65536, "port must be 1-65535, not " + port);
    require(elf != null, "elf is missing");
    require(triples != null && !triples.isEmpty(), "triples must list at least one triple");
    triples = List.copyOf(triples);
    require(tools != null && tools.containsKey("gcc"), "tools must map at least gcc");
    tools = Collections.unmodifiableMap(new LinkedHashMap<>(tools));
    require(
        installations != null && !installations.isEmpty(),
        "installations must list at least one place the toolchain lives");
    installations = List.copyOf(installations);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** True when {@code word} is this target's name or one of its aliases. */
  public boolean isCalled(String word) {
    return name.equals(word) || aliases.contains(word);
  }

  /**
   * The compiler name if a client may send it to this target: a plain tool name ({@code gcc}) or a
   * tool prefixed by one of this target's triples, optionally versioned.
   */
  public Optional<CompilerName> accept(String sent) {
    return CompilerName.parse(sent, triples).filter(c -> tools.containsKey(c.tool()));
  }

  /** The tool of the installed toolchain that runs for {@code compiler} ({@code c++ -> g++}). */
  public String driverTool(CompilerName compiler) {
    String tool = tools.get(compiler.tool());
    if (tool == null) {
      throw new IllegalArgumentException(compiler.sent() + " is not a compiler of " + name);
    }
    return tool;
  }

  /** Every compiler name this target accepts without a version: plain, then per triple. */
  public List<String> clientNames() {
    List<String> names = new ArrayList<>(tools.keySet());
    for (String triple : triples) {
      for (String tool : tools.keySet()) {
        names.add(triple + "-" + tool);
      }
    }
    return names;
  }

  /** The first installation whose gcc exists on this machine. */
  public Optional<Installation> findInstalled() {
    return findInstalled(Files::isExecutable);
  }

  /** The first installation whose gcc passes {@code present}: a parameter so tests can decide. */
  public Optional<Installation> findInstalled(Predicate<Path> present) {
    return installations.stream().filter(i -> present.test(i.executable("gcc"))).findFirst();
  }

  /** The installation an official tarball provides, if the catalog knows one for this target. */
  public Optional<Installation> archiveInstallation() {
    return installations.stream().filter(i -> i.archive() != null).findFirst();
  }

  /** The Debian packages that install this toolchain where the catalog looks first. */
  public List<String> debianPackages() {
    return installations.stream()
        .map(Installation::packages)
        .filter(p -> !p.isEmpty())
        .findFirst()
        .orElse(List.of());
  }

  /** Stock distccd's rule for the statistics page: the compile port + 1000 (3636 -> 4636). */
  public static int statsPortOf(int port) {
    return port + 1000;
  }

  /** The statistics port of this target's volunteers on their default port. */
  public int statsPort() {
    return statsPortOf(port);
  }
}
