package dev.crossfarm.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ToolchainCatalogTest {

  private final ToolchainCatalog catalog = ToolchainCatalog.builtIn();
  private final Toolchain aarch64 = catalog.get("aarch64");

  @Test
  void knowsTheThreeTargetsWithTheirArchLinuxArmPorts() {
    assertEquals(3632, catalog.get("x86_64").port());
    assertEquals(3635, catalog.get("armv7h").port());
    assertEquals(3636, aarch64.port());
  }

  @Test
  void findsAarch64ByItsArmv8Alias() {
    assertEquals("aarch64", catalog.get("armv8").name());
  }

  @Test
  void unknownTargetNamesTheKnownOnes() {
    CatalogException e = assertThrows(CatalogException.class, () -> catalog.get("mips"));
    assertTrue(e.getMessage().contains("aarch64 (alias armv8, arm64)"), e.getMessage());
  }

  @Test
  void elfMachinesMatchTheElfSpecification() {
    assertEquals(62, catalog.get("x86_64").elf().machine());
    assertEquals(40, catalog.get("armv7h").elf().machine());
    assertEquals(32, catalog.get("armv7h").elf().elfClass());
    assertEquals(183, aarch64.elf().machine());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gcc",
        "cc",
        "g++",
        "c++",
        "cpp",
        "aarch64-linux-gnu-gcc",
        "aarch64-unknown-linux-gnu-gcc",
        "aarch64-unknown-linux-gnu-g++",
        "aarch64-linux-gnu-gcc-12",
        "gcc-12",
        "/usr/bin/aarch64-linux-gnu-gcc",
        "/bin/cc"
      })
  void aarch64AcceptsPlainDebianArchAndVersionedNames(String name) {
    assertTrue(aarch64.accept(name).isPresent(), name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "x86_64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "sh",
        "/bin/sh",
        "env",
        "../gcc",
        "/opt/evil/gcc",
        "/usr/local/bin/gcc",
        "/usr/bin/../bin/gcc",
        "aarch64-linux-gnu-ld",
        "aarch64-linux-gnu-gcc-12; rm",
        "gcc-",
        "",
        "clang"
      })
  void aarch64RefusesOtherTargetsAndNonCompilers(String name) {
    assertTrue(aarch64.accept(name).isEmpty(), name);
  }

  @Test
  void splitsTripleToolAndVersion() {
    CompilerName c = aarch64.accept("aarch64-linux-gnu-g++-12.2").orElseThrow();
    assertEquals(Optional.of("aarch64-linux-gnu"), c.triple());
    assertEquals("g++", c.tool());
    assertEquals(Optional.of("12.2"), c.version());
  }

  @Test
  void mapsCcToGccAndCxxToGxx() {
    assertEquals("gcc", aarch64.driverTool(aarch64.accept("cc").orElseThrow()));
    assertEquals(
        "g++",
        aarch64.driverTool(
            aarch64.accept("armv8-ignored-c++").orElse(aarch64.accept("c++").orElseThrow())));
  }

  @Test
  void namesTheTargetAnotherTriplesCompilerBelongsTo() {
    assertEquals("x86_64", catalog.ownerOfTriplet("x86_64-linux-gnu-gcc").orElseThrow().name());
    assertEquals(
        "armv7h",
        catalog.ownerOfTriplet("armv7l-unknown-linux-gnueabihf-gcc").orElseThrow().name());
    assertTrue(catalog.ownerOfTriplet("gcc").isEmpty(), "plain gcc belongs to every target");
  }

  @Test
  void clientNamesCoverEveryArchLinuxArmTripleTool() {
    assertTrue(catalog.get("armv7h").clientNames().contains("armv7l-unknown-linux-gnueabihf-c++"));
    assertFalse(aarch64.clientNames().contains("x86_64-linux-gnu-gcc"));
  }

  @Test
  void picksTheFirstInstallationWhoseGccExists() {
    Path xtools =
        Path.of("/opt/x-tools8/aarch64-unknown-linux-gnu/bin/aarch64-unknown-linux-gnu-gcc");
    Installation found = aarch64.findInstalled(xtools::equals).orElseThrow();
    assertEquals(xtools, found.executable("gcc"));
    assertTrue(aarch64.findInstalled(p -> false).isEmpty());
    assertEquals("x-tools8", found.archive().directory());
  }
}
