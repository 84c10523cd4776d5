package dev.crossfarm.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;
  private final ConfigLoader loader = new ConfigLoader(ToolchainCatalog.builtIn());

  private FarmConfig load(String yaml) throws Exception {
    return loader.load(Files.writeString(dir.resolve("farm.yaml"), yaml), true);
  }

  private String error(String yaml) {
    return assertThrows(ConfigLoader.ConfigException.class, () -> load(yaml)).getMessage();
  }

  @Test
  void noFileMeansTheDefaults() {
    FarmConfig c = loader.load(dir.resolve("absent.yaml"), false);
    assertEquals(List.of("armv7h", "aarch64"), c.targets());
    assertEquals("bookworm", c.image().suite());
  }

  @Test
  void perTargetSettingsOverrideTheDefaultsFieldByField() throws Exception {
    FarmConfig c =
        load(
            "defaults: {jobs: 8, allow: [10.0.0.0/8]}\nper-target:\n  aarch64: {jobs: 3, memory: 2g}\n");
    assertEquals(3, c.target("aarch64").jobs());
    assertEquals(List.of("10.0.0.0/8"), c.target("aarch64").allow());
    assertEquals(2L << 30, c.target("aarch64").memoryBytes());
    assertEquals(8, c.target("armv7h").jobs());
  }

  @Test
  void anUnknownKeyIsNamedWithItsLine() {
    String m = error("targets: [aarch64]\ndefaults:\n  jbos: 4\n");
    assertTrue(
        m.contains("farm.yaml:3:") && m.contains("unknown key 'jbos'") && m.contains("jobs"), m);
  }

  @Test
  void aBadValueIsNamedWithItsLineAndKey() {
    String m = error("per-target:\n  aarch64:\n    port: 70000\n");
    assertTrue(m.contains("farm.yaml:3") && m.contains("port must be 1-65535"), m);
  }

  @Test
  void anUnknownTargetListsTheKnownOnes() {
    String m = error("targets: [mips]\n");
    assertTrue(m.contains("unknown target 'mips'") && m.contains("aarch64"), m);
  }

  @Test
  void brokenYamlSaysWhere() {
    assertTrue(error("targets: [aarch64\n").contains("farm.yaml:"), "a line number");
  }
}
