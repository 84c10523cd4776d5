package dev.crossfarm.daemon.protocol;

import java.io.IOException;

/**
 * The peer broke the distcc wire contract: an unexpected token, a malformed parameter, a body over
 * a limit, corrupt LZO. Stock distcc calls this a "protocol derailment" and drops the connection.
 */
public class ProtocolException extends IOException {
  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
