package dev.crossfarm.cli.place;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.farm.PlaceKind;
import org.junit.jupiter.api.Test;

class PlacesTest {

  @Test
  void refusesSwarmAndNativeTogetherWithTheReason() {
    PlaceException e = assertThrows(PlaceException.class, () -> Places.kind(true, true, null));
    assertTrue(e.getMessage().contains("--swarm and --native"), e.getMessage());
  }

  @Test
  void refusesNativeAgainstEngineSwarm() {
    PlaceException e = assertThrows(PlaceException.class, () -> Places.kind(true, false, "swarm"));
    assertTrue(e.getMessage().contains("engine: swarm"), e.getMessage());
  }

  @Test
  void obeysEngineNativeAndDockerFromFarmYaml() {
    assertEquals(PlaceKind.NATIVE, Places.kind(false, false, "native"));
    assertEquals(PlaceKind.DOCKER, Places.kind(false, false, "docker"));
    assertEquals(PlaceKind.SWARM, Places.kind(false, false, "swarm"));
  }

  @Test
  void aFlagThatAgreesWithFarmYamlIsAccepted() {
    assertEquals(PlaceKind.SWARM, Places.kind(false, true, "swarm"));
    assertEquals(PlaceKind.NATIVE, Places.kind(true, false, null));
  }
}
