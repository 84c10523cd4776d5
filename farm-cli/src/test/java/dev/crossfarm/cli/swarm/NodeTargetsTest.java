package dev.crossfarm.cli.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.crossfarm.toolchain.ToolchainCatalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeTargetsTest {

  private static final ToolchainCatalog CATALOG = ToolchainCatalog.builtIn();

  @ParameterizedTest(name = "{0} node, {1}: allowed={2}")
  @CsvSource({
    "x86_64, aarch64, true",
    "x86_64, armv7h, true",
    "x86_64, x86_64, true",
    "aarch64, aarch64, true",
    "aarch64, armv7h, false",
    "aarch64, x86_64, false",
    "armv7l, armv7h, true",
    "armv7l, aarch64, false",
    "riscv64, x86_64, false"
  })
  void aNodeServesWhatItsArchitectureCanRun(String arch, String target, boolean allowed) {
    String refusal = NodeTargets.refusal(CATALOG.get(target), arch);
    if (allowed) {
      assertNull(refusal);
    } else {
      assertNotNull(refusal);
    }
  }

  @Test
  void relabellingSetsExactlyTheTargetsAndKeepsOtherLabels() {
    Map<String, String> before = Map.of("zone", "lab", NodeTargets.PREFIX + "armv7h", "true");
    Map<String, String> after = NodeTargets.relabel(before, List.of("aarch64"));
    assertEquals(Map.of("zone", "lab", NodeTargets.PREFIX + "aarch64", "true"), after);
    assertEquals(List.of("aarch64"), NodeTargets.of(after));
    assertEquals(Map.of("zone", "lab"), NodeTargets.relabel(after, List.of()));
    assertEquals(
        "node.labels.dev.crossfarm.target.aarch64==true", NodeTargets.constraint("aarch64"));
  }
}
