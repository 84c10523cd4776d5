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

  /** Protocol 2 compresses the source, stderr, stdout and object with LZO. */
  public boolean compressed() {
    return version >= 2;
  }
}
