package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code farm up} with {@code auth} in farm.yaml: the container gets the keytab, krb5.conf and
 * whitelist mounted read-only, farm up waits for its login handshake, farm hosts adds ',auth', and
 * with a throwaway MIT KDC alice gets an aarch64 object identical to a local cross compile while
 * bob is denied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KerberosContainerIT {

  private Engine engine;
  private Path work;
  private Kdc kdc;

  @BeforeAll
  void kdcAndFarm(@TempDir Path work) throws Exception {
    this.work = work;
    engine = DockerEngine.require();
    kdc = Kdc.start(work.resolve("kdc"), "alice", "bob");
    // the container's user (uid 3632) reads these
    Path keytab = work.resolve("volunteer.keytab");
    Files.copy(kdc.serviceKeytab, keytab);
    Cli.run(work, "chown", "3632", keytab.toString()).ok("chown the keytab");
    Path whitelist = Files.writeString(work.resolve("principals"), "alice\n");
    Files.writeString(
        work.resolve("farm.yaml"),
        String.join(
            "\n",
            "targets: [aarch64]",
            "per-target:",
            "  aarch64:",
            "    auth:",
            "      principal: distccd@localhost",
            "      keytab: " + keytab,
            "      whitelist: " + whitelist,
            "      krb5-conf: " + kdc.krb5Conf,
            ""));
    Cli.farm(work, Map.of(), "down").ok("farm down before the test");
    Peers.Run up = Cli.farm(work, Map.of(), "up").ok("farm up with auth");
    assertTrue(
        up.err().contains("answers the Kerberos login's handshake on 127.0.0.1:3636"), up.err());
  }

  @AfterAll
  void down() {
    if (engine != null) {
      Cli.farm(work, Map.of(), "down");
      engine.close();
    }
    if (kdc != null) {
      kdc.close();
    }
  }

  private Peers.Run job(String user, Path dir) throws Exception {
    Map<String, String> env =
        new HashMap<>(
            Cli.distcc("127.0.0.1:3636/2,lzo,auth=localhost", work.resolve("dcc-" + user), false));
    env.remove("DISTCC_BACKOFF_PERIOD");
    env.put("KRB5_CONFIG", kdc.krb5Conf.toString());
    env.put("KRB5CCNAME", "FILE:" + kdc.ticket(user));
    env.put("DISTCC_PRINCIPAL", "distccd");
    return Cli.run(
        dir,
        env,
        60,
        List.of("distcc", "aarch64-linux-gnu-gcc", "-O2", "-c", "k.c", "-o", user + ".o"));
  }

  @Test
  void aliceCompilesInTheContainerAndBobIsDenied() throws Exception {
    Path dir = Files.createDirectories(work.resolve("k"));
    Files.writeString(dir.resolve("k.c"), "int k(int x){return x*x+3;}\n");
    Cli.run(dir, "aarch64-linux-gnu-gcc", "-O2", "-c", "k.c", "-o", "local.o").ok("local");
    job("alice", dir).ok("alice's job");
    assertEquals(-1, Files.mismatch(dir.resolve("local.o"), dir.resolve("alice.o")));
    Peers.Run bob = job("bob", dir);
    assertNotEquals(0, bob.exit());
    assertTrue(bob.err().contains("Access denied by server"), bob.err());
    Peers.Run hosts = Cli.farm(work, Map.of(), "hosts").ok("farm hosts");
    assertTrue(hosts.out().contains(":3636/") && hosts.out().contains(",lzo,auth'"), hosts.out());
  }
}
