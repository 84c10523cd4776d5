package dev.crossfarm.cli.image;

/** A volunteer image could not be built; the message says which step failed and what to do. */
public class ImageBuildException extends RuntimeException {
  public ImageBuildException(String message) {
    super(message);
  }

  public ImageBuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
