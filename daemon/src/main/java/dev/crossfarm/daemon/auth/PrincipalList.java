package dev.crossfarm.daemon.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Stock distccd's {@code --whitelist FILE} or {@code --blacklist FILE}: client principals without
 * their realm, one a line, read once at start. Blank lines and {@code #} comments are skipped and
 * names are trimmed (stock takes every line as it is, so a stray space would lock a user out).
 */
public record PrincipalList(Kind kind, Path file, Set<String> names) {

  public enum Kind {
    WHITELIST,
    BLACKLIST
  }

  public static PrincipalList read(Kind kind, Path file) throws IOException {
    Set<String> names =
        Files.readAllLines(file).stream()
            .map(String::trim)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .collect(Collectors.toUnmodifiableSet());
    return new PrincipalList(kind, file, names);
  }

  /** Whether {@code principal} (with or without its realm) may log in. */
  public boolean admits(String principal) {
    int at = principal.indexOf('@');
    boolean listed = names.contains(at < 0 ? principal : principal.substring(0, at));
    return kind == Kind.WHITELIST ? listed : !listed;
  }
}
