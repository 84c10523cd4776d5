package dev.crossfarm.cli.swarm;

import dev.crossfarm.toolchain.Toolchain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which targets a swarm node serves, as node labels ({@code dev.crossfarm.target.aarch64=true}):
 * the global services' placement constraints select on them, so labelling a node is all it takes
 * for it to run those volunteers. An x86_64 node can host every target (the images carry cross
 * compilers); an ARM node serves only its own architecture.
 */
public final class NodeTargets {

  /** The label prefix; the target's name follows. */
  public static final String PREFIX = "dev.crossfarm.target.";

  private NodeTargets() {}

  /** The constraint of {@code target}'s service. */
  public static String constraint(String target) {
    return "node.labels." + PREFIX + target + "==true";
  }

  /**
   * Why {@code toolchain} cannot run on a node of {@code architecture} (as {@code uname -m} names
   * it, which swarm reports), or null when it can.
   */
  public static String refusal(Toolchain toolchain, String architecture) {
    String arch = architecture == null ? "" : architecture;
    return switch (arch) {
      case "x86_64", "amd64" -> null;
      case "aarch64", "arm64" ->
          toolchain.name().equals("aarch64")
              ? null
              : "an aarch64 node serves only aarch64 (its own architecture), not "
                  + toolchain.name();
      case "armv7l", "armhf", "arm" ->
          toolchain.name().equals("armv7h")
              ? null
              : "an "
                  + arch
                  + " node serves only armv7h (its own architecture), not "
                  + toolchain.name();
      default -> "a node of architecture '" + arch + "' cannot run the volunteer images";
    };
  }

  /** {@code labels} with exactly {@code targets} marked, other labels untouched. */
  public static Map<String, String> relabel(Map<String, String> labels, List<String> targets) {
    Map<String, String> next = new HashMap<>(labels == null ? Map.of() : labels);
    next.keySet().removeIf(k -> k.startsWith(PREFIX));
    for (String t : targets) {
      next.put(PREFIX + t, "true");
    }
    return next;
  }

  /** The targets a node's labels mark. */
  public static List<String> of(Map<String, String> labels) {
    return labels == null
        ? List.of()
        : labels.entrySet().stream()
            .filter(e -> e.getKey().startsWith(PREFIX) && "true".equals(e.getValue()))
            .map(e -> e.getKey().substring(PREFIX.length()))
            .sorted()
            .toList();
  }
}
