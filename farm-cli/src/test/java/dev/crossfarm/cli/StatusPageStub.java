package dev.crossfarm.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The stats page of a volunteer that a test plays: the two fields a front reads. */
final class StatusPageStub {

  private StatusPageStub() {}

  /** Reads the start of the HTTP request and answers {@code /status.json} with {@code slots}. */
  static void answer(Socket s, int slots) throws IOException {
    s.getInputStream().readNBytes(16);
    byte[] body =
        ("{\"slots\":" + slots + ",\"compilerVersion\":\"12.2.0\"}")
            .getBytes(StandardCharsets.US_ASCII);
    OutputStream out = s.getOutputStream();
    out.write(
        ("HTTP/1.0 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
  }
}
