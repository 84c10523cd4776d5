package dev.crossfarm.daemon.protocol;

/**
 * The four-letter tokens of the distcc protocol (see shared/reference/distcc-protocol.md). Each
 * packet is the token, its parameter as 8 hex digits, and for some tokens a body of that length.
 */
public final class Token {
  /** Request: protocol version (1 plain, 2 lzo, 3 pump). */
  public static final String DIST = "DIST";

  public static final String ARGC = "ARGC";
  public static final String ARGV = "ARGV";

  /** Request: the preprocessed source (LZO in protocol 2). */
  public static final String DOTI = "DOTI";

  /** Reply: the client's protocol version, echoed. */
  public static final String DONE = "DONE";

  /** Reply: the compiler's wait status, {@code exit << 8 | signal}. */
  public static final String STAT = "STAT";

  public static final String SERR = "SERR";
  public static final String SOUT = "SOUT";

  /** Reply: the object file (length 0 on failure). */
  public static final String DOTO = "DOTO";

  /** Pump request: the client's working directory. */
  public static final String CDIR = "CDIR";

  /** Pump request: how many files follow. */
  public static final String NFIL = "NFIL";

  /** Pump request: a file's absolute path on the client. */
  public static final String NAME = "NAME";

  /** Pump request: a file's contents (LZO). */
  public static final String FILE = "FILE";

  /** Pump request: a symbolic link's target. */
  public static final String LINK = "LINK";

  /** Pump reply: the dependency file (LZO), after DOTO, only when STAT is 0. */
  public static final String DOTD = "DOTD";

  private Token() {}
}
