package dev.crossfarm.front;

/**
 * Where a front finds one volunteer: its compile port and the stats port it reads the volunteer's
 * {@code /status.json} from ({@code --volunteer HOST:PORT[/STATSPORT]}; the stats port defaults to
 * the compile port + 1000, as a volunteer's {@code --stats} does).
 */
public record VolunteerAddress(String host, int port, int statsPort) {

  public VolunteerAddress {
    if (host.isBlank()) {
      throw new IllegalArgumentException("a volunteer needs a host");
    }
    checkPort(port, "port");
    checkPort(statsPort, "stats port");
  }

  /**
   * {@code HOST:PORT}, {@code HOST:PORT/STATSPORT}; an IPv6 host in brackets ({@code [::1]:3632}).
   *
   * @throws IllegalArgumentException saying what is wrong, for the command line's error
   */
  public static VolunteerAddress parse(String spec) {
    String rest = spec.trim();
    Integer stats = null;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      stats = number(rest.substring(slash + 1), spec);
      rest = rest.substring(0, slash);
    }
    int colon = rest.lastIndexOf(':');
    if (colon <= 0 || rest.endsWith("]")) {
      throw new IllegalArgumentException(
          "--volunteer " + spec + ": expected HOST:PORT or HOST:PORT/STATSPORT");
    }
    String host = rest.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = number(rest.substring(colon + 1), spec);
    try {
      return new VolunteerAddress(host, port, stats == null ? port + 1000 : stats);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--volunteer " + spec + ": " + e.getMessage());
    }
  }

  /** {@code host:port}, as logs, metrics and {@code farm status} name the volunteer. */
  public String text() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static int number(String text, String spec) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--volunteer " + spec + ": '" + text + "' is not a port number");
    }
  }

  private static void checkPort(int port, String what) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + " " + port + " is outside 1..65535");
    }
  }
}
