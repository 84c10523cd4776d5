package dev.crossfarm.daemon.auth;

import dev.crossfarm.daemon.protocol.ProtocolException;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.ProtocolWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

/**
 * The {@code --auth} login of stock distcc's GSS-API build, through the JDK's own JGSS. On the
 * wire, before the request: the client sends {@code *} and the server echoes it; the client sends
 * {@code TLEN} and a raw Kerberos token (AP-REQ); the server answers {@code TLEN} and its token
 * (AP-REP, for mutual authentication), then one byte, {@code y} (access) or {@code n} (denied, then
 * close). As in stock, only this login is protected: the job stream that follows is not.
 */
public final class GssAuthenticator {

  /** Kerberos V5, the mechanism stock's client asks for (not SPNEGO). */
  private static final Oid KRB5 = oid("1.2.840.113554.1.2.2");

  /** An AP-REQ with a large PAC is a few KB; anything near this is not a Kerberos token. */
  static final int MAX_TOKEN = 64 * 1024;

  private static final int HANDSHAKE = '*';
  private static final byte[] ACCESS = {'y'};
  private static final byte[] NO_ACCESS = {'n'};

  private final GSSCredential credential;
  private final PrincipalList list;
  private final String serverName;

  private GssAuthenticator(GSSCredential credential, PrincipalList list, String serverName) {
    this.credential = credential;
    this.list = list;
    this.serverName = serverName;
  }

  /**
   * Reads the service's keys from the keytab, once, as stock does at start.
   *
   * @param principal stock's {@code DISTCCD_PRINCIPAL}: host-based ({@code service@host}) when it
   *     contains {@code @}, else a Kerberos principal name
   * @param keytab the service's keytab (the JDK ignores {@code KRB5_KTNAME})
   * @param list the whitelist or blacklist, or null to admit every authenticated principal
   * @throws AuthException naming what is missing or wrong
   */
  public static GssAuthenticator login(String principal, Path keytab, PrincipalList list)
      throws AuthException {
    // the keytab first: a file the user names, so the message does not depend on the environment
    if (!Files.isReadable(keytab)) {
      throw new AuthException(
          "--auth: cannot read the keytab "
              + keytab
              + " (give it with --keytab or KRB5_KTNAME; the volunteer's user must be able to"
              + " read it)");
    }
    if (principal == null || principal.isBlank()) {
      throw new AuthException(
          "--auth needs the service principal in DISTCCD_PRINCIPAL (as stock distccd),"
              + " e.g. DISTCCD_PRINCIPAL=distccd@$(hostname -f)");
    }
    // replays: the JDK's default replay cache (sun.security.krb5.rcache unset) is in memory, which
    // suits one long-lived process that sees every login (stock forks per connection and needs a
    // file); nothing is written, so a read-only root is fine
    Subject subject;
    try {
      LoginContext login =
          new LoginContext("crossfarm-volunteer", new Subject(), null, keytabOnly(keytab));
      login.login();
      subject = login.getSubject();
    } catch (LoginException e) {
      throw new AuthException("--auth: cannot read keys from " + keytab + ": " + e.getMessage());
    }
    GSSManager manager = GSSManager.getInstance();
    try {
      GSSName name =
          manager.createName(
              principal,
              principal.contains("@") ? GSSName.NT_HOSTBASED_SERVICE : GSSName.NT_USER_NAME);
      GSSCredential credential =
          Subject.doAs(
              subject,
              (PrivilegedExceptionAction<GSSCredential>)
                  () ->
                      manager.createCredential(
                          name,
                          GSSCredential.INDEFINITE_LIFETIME,
                          KRB5,
                          GSSCredential.ACCEPT_ONLY));
      return new GssAuthenticator(credential, list, principal);
    } catch (GSSException | PrivilegedActionException e) {
      Throwable cause = e instanceof PrivilegedActionException p ? p.getException() : e;
      throw new AuthException(
          "--auth: no key for "
              + principal
              + " in "
              + keytab
              + " ("
              + cause.getMessage()
              + "); check DISTCCD_PRINCIPAL against 'klist -k "
              + keytab
              + "'");
    }
  }

  /** The outcome of one login: who, and whether the job may follow. */
  public record Outcome(boolean admitted, String principal, String reason) {}

  /**
   * Runs the login with one client. A refused client gets what stock sends it: nothing after a
   * missing handshake or a bad token, {@code n} when the list denies it.
   */
  public Outcome authenticate(ProtocolReader in, ProtocolWriter out) throws IOException {
    int first = in.readByte();
    if (first != HANDSHAKE) {
      return new Outcome(
          false, null, "no client handshake - did the client require authentication (,auth)?");
    }
    out.writeRaw(new byte[] {HANDSHAKE});
    out.flush();
    GSSContext context;
    try {
      context = GSSManager.getInstance().createContext(credential);
    } catch (GSSException e) {
      return new Outcome(false, null, "cannot accept a context: " + e.getMessage());
    }
    try {
      while (!context.isEstablished()) {
        byte[] token = readToken(in);
        byte[] reply;
        try {
          reply = context.acceptSecContext(token, 0, token.length);
        } catch (GSSException e) {
          return new Outcome(false, null, "failed to accept the client's token: " + e.getMessage());
        }
        if (reply != null && reply.length > 0) {
          out.writeToken("TLEN", reply.length);
          out.writeRaw(reply);
          out.flush();
        }
      }
      String principal = context.getSrcName().toString();
      if (!context.getMutualAuthState()
          || !context.getReplayDetState()
          || !context.getSequenceDetState()) {
        return new Outcome(
            false,
            principal,
            "the client did not ask for mutual authentication, replay and sequence detection");
      }
      if (list != null && !list.admits(principal)) {
        out.writeRaw(NO_ACCESS);
        out.flush();
        return new Outcome(
            false,
            principal,
            "access denied - "
                + principal
                + (list.kind() == PrincipalList.Kind.WHITELIST
                    ? " is not on the whitelist "
                    : " is on the blacklist ")
                + list.file());
      }
      out.writeRaw(ACCESS);
      out.flush();
      return new Outcome(true, principal, null);
    } catch (GSSException e) {
      return new Outcome(false, null, "authentication failed: " + e.getMessage());
    } finally {
      dispose(context);
    }
  }

  /** The principal this volunteer authenticates as, for the log. */
  public String serverName() {
    return serverName;
  }

  private static byte[] readToken(ProtocolReader in) throws IOException {
    long length = in.readParameter("TLEN");
    if (length == 0 || length > MAX_TOKEN) {
      throw new ProtocolException(
          "a login token of " + length + " bytes (1 to " + MAX_TOKEN + " accepted)");
    }
    return in.readBody((int) length);
  }

  private static void dispose(GSSContext context) {
    try {
      context.dispose();
    } catch (GSSException ignored) {
      // the context holds nothing that outlives the connection
    }
  }

  private static Configuration keytabOnly(Path keytab) {
    Map<String, String> options =
        Map.of(
            "useKeyTab", "true",
            "keyTab", keytab.toString(),
            "storeKey", "true",
            "isInitiator", "false",
            "doNotPrompt", "true",
            "principal", "*",
            "refreshKrb5Config", "true");
    return new Configuration() {
      @Override
      public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        return new AppConfigurationEntry[] {
          new AppConfigurationEntry(
              "com.sun.security.auth.module.Krb5LoginModule",
              AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
              options)
        };
      }
    };
  }

  private static Oid oid(String dotted) {
    try {
      return new Oid(dotted);
    } catch (GSSException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The login cannot be set up: the volunteer does not start. */
  public static final class AuthException extends Exception {
    public AuthException(String message) {
      super(message);
    }
  }
}
