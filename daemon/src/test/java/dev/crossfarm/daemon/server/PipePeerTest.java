package dev.crossfarm.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.log.JobSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipePeerTest {

  @ParameterizedTest(name = "SSH_CONNECTION=''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "192.168.1.20 51234 192.168.1.5 22 | 192.168.1.20:51234",
        "fd00::7 40000 fd00::1 22 | fd00:0:0:0:0:0:0:7:40000",
        "'' | pipe",
        "not an address | pipe",
        "evil.example.org 1 2 3 | pipe",
        "10.0.0.1 99999999 10.0.0.2 22 | pipe"
      })
  void namesTheClientFromSshConnectionOrAsAPipe(String sshConnection, String shown) {
    assertEquals(shown, JobSummary.describe(PipePeer.clientOf(sshConnection)));
  }

  @Test
  void withoutSshConnectionTheClientIsAPipe() {
    assertTrue(PipePeer.clientOf(null).isUnresolved());
  }
}
