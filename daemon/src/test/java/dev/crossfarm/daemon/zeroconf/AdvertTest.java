package dev.crossfarm.daemon.zeroconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.job.InstalledToolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdvertTest {

  private static Advert aarch64(String version) {
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    var toolchain = catalog.get("aarch64");
    return Advert.of(
        new InstalledToolchain(toolchain, toolchain.installations().get(0), version), 3636, 4, 8);
  }

  @Test
  void subtypesAreStocksForEveryTripleAtMajorAndFullVersion() {
    assertEquals(
        List.of(
            "aarch64-linux-gnu--12",
            "aarch64-linux-gnu--12-2-0",
            "aarch64-unknown-linux-gnu--12",
            "aarch64-unknown-linux-gnu--12-2-0"),
        aarch64("12.2.0").compilers().stream().map(Advert.Compiler::subtype).toList());
  }

  @Test
  void stocksLabelRule() {
    // x86_64-linux-gnu + 12 -> _x86-64-linux-gnu--12 (measured against stock distccd)
    assertEquals("x86-64-linux-gnu--12", new Advert.Compiler("x86_64-linux-gnu", "12").subtype());
    assertEquals(
        "arm-linux-gnueabihf--14-2-1",
        new Advert.Compiler("ARM-Linux-GNUeabihf", "14.2.1").subtype());
  }

  @Test
  void theTxtRecordHasStocksKeysInStocksOrder() {
    Advert advert = aarch64("12.2.0");
    Advert.Compiler arch = advert.compilers().get(2);
    assertEquals(
        List.of("txtvers", "cpus", "jobs", "distcc", "gnuhost", "cc_version", "cc_machine"),
        List.copyOf(advert.txt(arch).keySet()));
    assertEquals("8", advert.txt(arch).get("cpus"));
    assertEquals("4", advert.txt(arch).get("jobs"));
    assertEquals("12", advert.txt(arch).get("cc_version"));
    assertEquals("aarch64-unknown-linux-gnu", advert.txt(arch).get("cc_machine"));
  }

  @Test
  void instanceNamesAreDistinctAndFitADnsLabel() {
    Advert advert = aarch64("12.2.0");
    String host = "a-very-long-host-name-of-a-build-machine-in-a-big-lab.example.org";
    List<String> names = advert.compilers().stream().map(c -> advert.instance(c, host)).toList();
    assertEquals(names.size(), names.stream().distinct().count(), names.toString());
    for (String n : names) {
      assertTrue(n.getBytes(StandardCharsets.UTF_8).length <= 63, n);
      assertTrue(n.startsWith("distcc@a-very-long"), n);
    }
  }
}
