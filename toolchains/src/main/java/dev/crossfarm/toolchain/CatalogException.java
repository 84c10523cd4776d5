package dev.crossfarm.toolchain;

/** The catalog cannot answer: an unknown target, or a catalog file that does not parse. */
public class CatalogException extends RuntimeException {
  public CatalogException(String message) {
    super(message);
  }

  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}
