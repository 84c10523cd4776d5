package dev.crossfarm.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A volunteer's Kerberos login (stock distcc's {@code ,auth}), as {@code farm.yaml} gives it. Paths
 * are on the volunteer host; a container gets each file mounted read-only.
 *
 * <pre>
 * defaults:
 *   auth: {principal: distccd@builder.example.org, keytab: /etc/distcc/krb5.keytab,
 *          whitelist: /etc/distcc/principals}
 * </pre>
 *
 * @param principal the service principal, as stock's {@code DISTCCD_PRINCIPAL}
 * @param keytab the service's keytab
 * @param whitelist principals (without realm) that may compile, or null
 * @param blacklist principals that may not, or null
 * @param krb5Conf the Kerberos configuration (default: {@code /etc/krb5.conf})
 */
public record AuthConfig(
    String principal,
    String keytab,
    String whitelist,
    String blacklist,
    @JsonProperty("krb5-conf") String krb5Conf) {

  public AuthConfig {
    if (principal == null || principal.isBlank()) {
      throw new IllegalArgumentException(
          "auth needs principal, the volunteer's service principal (e.g. distccd@host.example.org)");
    }
    if (keytab == null || keytab.isBlank()) {
      throw new IllegalArgumentException("auth needs keytab, the service's keytab file");
    }
    if (whitelist != null && blacklist != null) {
      throw new IllegalArgumentException("auth takes whitelist or blacklist, not both");
    }
    krb5Conf = krb5Conf == null ? "/etc/krb5.conf" : krb5Conf;
  }
}
