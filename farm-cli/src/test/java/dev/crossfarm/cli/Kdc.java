package dev.crossfarm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A throwaway MIT KDC (Debian's krb5-kdc) on a free loopback port, realm FARM.TEST, with the
 * service principal {@code distccd/localhost} in a keytab and users whose keys are in keytabs of
 * their own. kadmind never runs: principals are made with kadmin.local.
 */
final class Kdc implements AutoCloseable {

  static final String REALM = "FARM.TEST";

  final Path dir;
  final Path krb5Conf;
  final Path serviceKeytab;
  private final Process process;

  private Kdc(Path dir, Process process) {
    this.dir = dir;
    this.process = process;
    this.krb5Conf = dir.resolve("krb5.conf");
    this.serviceKeytab = dir.resolve("distccd.keytab");
  }

  static Kdc start(Path dir, String... users) throws Exception {
    Files.createDirectories(dir);
    int port = Cli.freeLoopbackPort();
    Files.writeString(
        dir.resolve("krb5.conf"),
        String.join(
            "\n",
            "[libdefaults]",
            "  default_realm = " + REALM,
            "  dns_lookup_kdc = false",
            "  dns_lookup_realm = false",
            "  rdns = false",
            "  udp_preference_limit = 1",
            "[realms]",
            "  " + REALM + " = {",
            "    kdc = 127.0.0.1:" + port,
            "  }",
            "[domain_realm]",
            "  localhost = " + REALM,
            ""));
    Files.writeString(
        dir.resolve("kdc.conf"),
        String.join(
            "\n",
            "[kdcdefaults]",
            "  kdc_listen = 127.0.0.1:" + port,
            "  kdc_tcp_listen = 127.0.0.1:" + port,
            "[realms]",
            "  " + REALM + " = {",
            "    database_name = " + dir.resolve("principal"),
            "    key_stash_file = " + dir.resolve("stash"),
            "    acl_file = " + dir.resolve("kadm5.acl"),
            "    max_life = 1h",
            "    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal",
            "  }",
            "[logging]",
            "  kdc = FILE:" + dir.resolve("kdc.log"),
            ""));
    Files.writeString(dir.resolve("kadm5.acl"), "");
    Map<String, String> env = env(dir);
    Cli.run(
            dir,
            env,
            60,
            List.of("kdb5_util", "create", "-s", "-r", REALM, "-P", "kdb-" + System.nanoTime()))
        .ok("kdb5_util create");
    admin(dir, "addprinc -randkey distccd/localhost");
    admin(dir, "ktadd -k " + dir.resolve("distccd.keytab") + " distccd/localhost");
    for (String user : users) {
      admin(dir, "addprinc -randkey " + user);
      admin(dir, "ktadd -k " + dir.resolve(user + ".keytab") + " " + user);
    }
    ProcessBuilder pb =
        new ProcessBuilder("krb5kdc", "-n")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("kdc.out").toFile());
    pb.environment().putAll(env);
    Kdc kdc = new Kdc(dir, pb.start());
    if (!Cli.awaitPort(port, kdc.process)) {
      kdc.close();
      throw new IllegalStateException(
          "krb5kdc did not listen: " + Files.readString(dir.resolve("kdc.out")));
    }
    return kdc;
  }

  private static Map<String, String> env(Path dir) {
    return Map.of(
        "KRB5_CONFIG", dir.resolve("krb5.conf").toString(),
        "KRB5_KDC_PROFILE", dir.resolve("kdc.conf").toString());
  }

  private static void admin(Path dir, String query) {
    Cli.run(dir, env(dir), 60, List.of("kadmin.local", "-r", REALM, "-q", query)).ok(query);
  }

  /**
   * Gets {@code user} a ticket in a cache of its own (kinit with its keytab); returns the cache.
   */
  Path ticket(String user) {
    Path cache = dir.resolve("cc-" + user);
    Cli.run(
            dir,
            Map.of("KRB5_CONFIG", krb5Conf.toString(), "KRB5CCNAME", "FILE:" + cache),
            60,
            List.of("kinit", "-k", "-t", dir.resolve(user + ".keytab").toString(), user))
        .ok("kinit " + user);
    return cache;
  }

  Path keytab(String user) {
    return dir.resolve(user + ".keytab");
  }

  /** The volunteer's environment, as stock distccd takes it. */
  Map<String, String> serviceEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("KRB5_CONFIG", krb5Conf.toString());
    env.put("DISTCCD_PRINCIPAL", "distccd@localhost");
    return env;
  }

  @Override
  public void close() {
    process.destroy();
  }
}
