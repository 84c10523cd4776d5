package dev.crossfarm.cli.place;

/** A place cannot do what was asked; the message says why and what to do. */
public final class PlaceException extends RuntimeException {

  public PlaceException(String message) {
    super(message);
  }

  public PlaceException(String message, Throwable cause) {
    super(message, cause);
  }
}
