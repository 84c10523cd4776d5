package dev.crossfarm.cli.generate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SshCommandsTest {

  private final SshCommands nativeCommands =
      new SshCommands(SshCommands.Engine.NATIVE, "/usr/local/bin/farm");

  @Test
  void theCommandRelaysToThePortWithBashAloneAndFallsBackWithoutSelfBuild() {
    String s =
        nativeCommands.script(
            ToolchainCatalog.builtIn().get("aarch64"),
            Path.of("/usr/local/bin/farm-aarch64"),
            3700,
            null);
    assertTrue(s.startsWith("#!/bin/bash\n"), s);
    assertTrue(s.contains("exec 3<>/dev/tcp/127.0.0.1/3700"), s);
    assertTrue(
        s.contains("FARM_NO_BUILD=1 exec /usr/local/bin/farm daemon --toolchain aarch64 \"$@\""),
        s);
    assertFalse(s.contains("java"), "no JVM on the relay's path");
  }

  @Test
  void containersAreEnteredOnlyWhenTheRelayFindsNoVolunteer() {
    String s =
        new SshCommands(SshCommands.Engine.DOCKER, "/usr/local/bin/farm")
            .script(
                ToolchainCatalog.builtIn().get("aarch64"), Path.of("/x/farm-aarch64"), 3636, null);
    assertTrue(
        s.indexOf("/dev/tcp/127.0.0.1/3636") < s.indexOf("docker exec -i crossfarm-aarch64"), s);
  }

  @Test
  void aNativeVolunteersSocketIsTriedFirstThenItsPort() {
    String s =
        nativeCommands.script(
            ToolchainCatalog.builtIn().get("aarch64"),
            Path.of("/usr/local/bin/farm-aarch64"),
            3636,
            Path.of("/home/u/.local/state/crossfarm/aarch64.sock"));
    int socket = s.indexOf("[ -S /home/u/.local/state/crossfarm/aarch64.sock ]");
    assertTrue(socket > 0 && socket < s.indexOf("/dev/tcp/127.0.0.1/3636"), s);
    assertTrue(s.contains("[ $status = 111 ] || exit $status"), "a refused socket falls through");
  }

  @Test
  void theClientWrapperOpensAStdioChannelForCrossfarmPortAndPassesAnythingElse() {
    String w = SshCommands.clientWrapper();
    assertTrue(w.contains("crossfarm-[0-9]*)"), w);
    assertTrue(w.contains("-W \"127.0.0.1:$port\" \"$host\""), w);
    assertTrue(w.contains("exec ${FARM_SSH:-ssh} $user \"$host\" \"$@\""), w);
  }
}
