package dev.crossfarm.daemon.run;

import dev.crossfarm.daemon.auth.GssAuthenticator;
import dev.crossfarm.daemon.auth.PrincipalList;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code --auth} login, set up once from the options and stock's environment: the principal
 * from {@code DISTCCD_PRINCIPAL}, the keys from the keytab, krb5.conf from {@code KRB5_CONFIG}.
 */
final class ServiceLogin {

  private ServiceLogin() {}

  /** The authenticator, or null without --auth; refuses auth options given without it. */
  static GssAuthenticator of(VolunteerOptions o) {
    if (!o.auth()) {
      if (o.whitelist() != null || o.blacklist() != null || o.keytab() != null) {
        throw new IllegalArgumentException("--whitelist, --blacklist and --keytab go with --auth");
      }
      return null;
    }
    if (o.whitelist() != null && o.blacklist() != null) {
      throw new IllegalArgumentException("give --whitelist or --blacklist, not both");
    }
    String krb5Conf = System.getenv("KRB5_CONFIG");
    if (krb5Conf != null && System.getProperty("java.security.krb5.conf") == null) {
      // MIT's variable; the JDK reads only its own property, for the whole process
      System.setProperty("java.security.krb5.conf", krb5Conf.split(":")[0]);
    }
    try {
      return GssAuthenticator.login(
          System.getenv("DISTCCD_PRINCIPAL"), keytab(o.keytab()), principals(o));
    } catch (GssAuthenticator.AuthException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static PrincipalList principals(VolunteerOptions o) {
    Path file = o.whitelist() != null ? o.whitelist() : o.blacklist();
    if (file == null) {
      return null;
    }
    try {
      return PrincipalList.read(
          o.whitelist() != null ? PrincipalList.Kind.WHITELIST : PrincipalList.Kind.BLACKLIST,
          file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the principal list " + file + ": " + e);
    }
  }

  /** The keytab given, else $KRB5_KTNAME (the JDK ignores it), else the system's. */
  private static Path keytab(Path given) {
    if (given != null) {
      return given;
    }
    String fromEnv = System.getenv("KRB5_KTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv.startsWith("FILE:") ? fromEnv.substring(5) : fromEnv);
    }
    return Path.of("/etc/krb5.keytab");
  }
}
