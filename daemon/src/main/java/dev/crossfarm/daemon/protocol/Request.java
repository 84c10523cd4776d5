package dev.crossfarm.daemon.protocol;

import java.util.List;

/**
 * The header of a compile request: the protocol version and the client's argv (argv[0] is the
 * compiler name). The source body follows on the wire and is read separately, after the argument
 * policy has had its say.
 */
public record Request(int version, List<String> argv) {

  public Request {
    argv = List.copyOf(argv);
  }

  /**
   * The source name before the argument policy has read the request, for logs: the first word that
   * is not an option or the value of {@code -o}; null when there is none.
   */
  public String sourceGuess() {
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.equals("-o")) {
        i++;
      } else if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
  }

  /** Protocol 2 compresses the source, stderr, stdout and object with LZO. */
  public boolean compressed() {
    return version >= 2;
  }
}
