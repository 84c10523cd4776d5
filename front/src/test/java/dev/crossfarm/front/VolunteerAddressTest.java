package dev.crossfarm.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VolunteerAddressTest {

  @Test
  void theStatsPortDefaultsToThePortPlus1000() {
    assertEquals(
        new VolunteerAddress("10.0.0.5", 3636, 4636), VolunteerAddress.parse("10.0.0.5:3636"));
    assertEquals(new VolunteerAddress("b1", 3636, 9000), VolunteerAddress.parse("b1:3636/9000"));
    assertEquals(new VolunteerAddress("::1", 3632, 4632), VolunteerAddress.parse("[::1]:3632"));
    assertEquals("[::1]:3632", VolunteerAddress.parse("[::1]:3632").text());
  }

  @Test
  void badSpecsAreRefusedNamingWhatIsWrong() {
    for (String bad : new String[] {"host", ":3632", "host:x", "host:70000", "host:3632/0"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> VolunteerAddress.parse(bad));
      assertTrue(e.getMessage().startsWith("--volunteer " + bad), e.getMessage());
    }
  }
}
