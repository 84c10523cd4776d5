package dev.crossfarm.cli.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a stock client's host list ({@code DISTCC_HOSTS}, {@code ~/.distcc/hosts}), read as
 * distcc 3.4's {@code hosts.c} reads it: {@code HOST[:PORT][/LIMIT][,OPTIONS]},
 * {@code @HOST[/LIMIT][:COMMAND][,OPTIONS]} over SSH, {@code localhost}, {@code +zeroconf}, and the
 * {@code --randomize} / {@code --localslots=N} options.
 *
 * @param port the TCP port (3632 unless given), 0 for SSH and local entries
 * @param command SSH: the command run on the volunteer host ({@code distccd} unless given)
 */
public record HostSpec(
    String text,
    Kind kind,
    String host,
    int port,
    int limit,
    String command,
    boolean lzo,
    boolean pump,
    boolean auth) {

  /** What an entry stands for. */
  public enum Kind {
    TCP,
    SSH,
    LOCAL,
    ZEROCONF,
    OPTION
  }

  public static final int DEFAULT_PORT = 3632;

  /** Every entry of a host line; comments ({@code #} to the end of a line) are left out. */
  public static List<HostSpec> parse(String hosts) {
    List<HostSpec> specs = new ArrayList<>();
    for (String line : hosts.split("\n")) {
      int hash = line.indexOf('#');
      String text = hash >= 0 ? line.substring(0, hash) : line;
      for (String word : text.trim().split("\\s+")) {
        if (!word.isEmpty()) {
          specs.add(parseOne(word));
        }
      }
    }
    return specs;
  }

  static HostSpec parseOne(String word) {
    if (word.startsWith("--")) {
      return new HostSpec(word, Kind.OPTION, null, 0, 0, null, false, false, false);
    }
    if (word.equals("+zeroconf")) {
      return new HostSpec(word, Kind.ZEROCONF, null, 0, 0, null, false, false, false);
    }
    String[] parts = word.split(",");
    boolean lzo = false;
    boolean pump = false;
    boolean auth = false;
    for (int i = 1; i < parts.length; i++) {
      switch (parts[i]) {
        case "lzo" -> lzo = true;
        case "cpp" -> pump = true;
        case "auth" -> auth = true;
        default ->
            throw new IllegalArgumentException(
                "'" + word + "': unknown option ," + parts[i] + " (distcc knows lzo, cpp, auth)");
      }
    }
    String main = parts[0];
    int limit = 0;
    if (main.startsWith("@")) {
      String rest = main.substring(1);
      String command = "distccd";
      int colon = rest.indexOf(':');
      if (colon >= 0) {
        command = rest.substring(colon + 1);
        rest = rest.substring(0, colon);
      }
      int slash = rest.indexOf('/');
      if (slash >= 0) {
        limit = number(rest.substring(slash + 1), word);
        rest = rest.substring(0, slash);
      }
      return new HostSpec(word, Kind.SSH, rest, 0, limit, command, lzo, pump, auth);
    }
    int slash = main.indexOf('/');
    if (slash >= 0) {
      limit = number(main.substring(slash + 1), word);
      main = main.substring(0, slash);
    }
    if (main.equals("localhost")) {
      return new HostSpec(word, Kind.LOCAL, main, 0, limit, null, lzo, pump, auth);
    }
    int port = DEFAULT_PORT;
    int colon = main.lastIndexOf(':');
    if (colon >= 0 && !main.startsWith("[")) {
      port = number(main.substring(colon + 1), word);
      main = main.substring(0, colon);
    }
    if (main.isEmpty()) {
      throw new IllegalArgumentException("'" + word + "': no host name");
    }
    return new HostSpec(word, Kind.TCP, main, port, limit, null, lzo, pump, auth);
  }

  private static int number(String text, String word) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + word + "': '" + text + "' is not a number");
    }
  }

  /** What the entry means, for people. */
  public String describe() {
    String how =
        (pump
                ? "pump (the client sends headers; protocol 3)"
                : lzo ? "LZO-compressed (protocol 2)" : "plain (protocol 1)")
            + (auth ? ", Kerberos login" : "");
    return switch (kind) {
      case TCP ->
          "TCP to "
              + host
              + " port "
              + port
              + (limit > 0 ? ", up to " + limit + " jobs" : "")
              + ", "
              + how;
      case SSH ->
          "SSH to "
              + host
              + ", running '"
              + command
              + "' there"
              + (limit > 0 ? ", up to " + limit + " jobs" : "")
              + ", "
              + how;
      case LOCAL -> "this machine" + (limit > 0 ? ", up to " + limit + " jobs" : "");
      case ZEROCONF -> "volunteers found over mDNS (avahi) for this client's compiler";
      case OPTION -> "an option of the host list";
    };
  }
}
