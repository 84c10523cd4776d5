package dev.crossfarm.cli.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostsAdviceTest {

  private static Volunteer v(String target, int port, int jobs, String state) {
    return new Volunteer(
        target,
        PlaceKind.DOCKER,
        "c",
        "i",
        "12.2.0",
        "127.0.0.1",
        port,
        port + 1000,
        jobs,
        state,
        false,
        false);
  }

  @Test
  void oneLinePerTargetMostSlotsFirstWithLimits() {
    Map<String, String> lines =
        HostsAdvice.hostsByTarget(
            List.of(
                v("aarch64", 3636, 4, "running"),
                v("armv7h", 3635, 2, "running"),
                v("aarch64", 13636, 8, "running"),
                v("aarch64", 23636, 16, "exited")),
            "builder",
            ",lzo");
    assertEquals("builder:13636/8,lzo builder:3636/4,lzo", lines.get("aarch64"));
    assertEquals("builder:3635/2,lzo", lines.get("armv7h"));
  }

  @Test
  void aTargetWithAFrontIsNamedByItsFrontAlone() {
    Volunteer front =
        new Volunteer(
            "aarch64",
            PlaceKind.FRONT,
            "m",
            "i",
            "12.2.0",
            "10.0.0.1",
            13636,
            14636,
            12,
            "running",
            false,
            false);
    Volunteer node =
        new Volunteer(
            "aarch64",
            PlaceKind.SWARM,
            "n",
            "i",
            "12.2.0",
            "10.0.0.2",
            3636,
            4636,
            12,
            "running",
            false,
            false);
    Map<String, String> lines =
        HostsAdvice.hostsByTarget(
            List.of(node, front, v("armv7h", 3635, 2, "running")), null, ",lzo");
    assertEquals("10.0.0.1:13636/12,lzo", lines.get("aarch64"));
    assertEquals("127.0.0.1:3635/2,lzo", lines.get("armv7h"));
    assertEquals(12, HostsAdvice.slots(List.of(node, front), "aarch64"), "the front adds none");
  }

  @Test
  void makeflagsAdviceFollowsArchAndGentooConventions() {
    assertEquals(
        "MAKEFLAGS=\"-j24\"", HostsAdvice.advice("h", 12, HostsAdvice.Client.MAKEPKG, 4).get(1));
    assertEquals(
        "MAKEOPTS=\"-j25 -l4\"", HostsAdvice.advice("h", 12, HostsAdvice.Client.PORTAGE, 4).get(1));
  }
}
