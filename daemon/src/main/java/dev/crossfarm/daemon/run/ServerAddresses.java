package dev.crossfarm.daemon.run;

import dev.crossfarm.daemon.server.AccessList;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** --listen and --allow as a volunteer and a front take them. */
public final class ServerAddresses {

  private ServerAddresses() {}

  /** --allow and --allow-private; loopback alone when neither is given. */
  public static List<String> clients(List<String> allow, boolean allowPrivate) {
    List<String> networks = new ArrayList<>(allow);
    if (allowPrivate) {
      networks.addAll(AccessList.PRIVATE);
    }
    if (networks.isEmpty()) {
      networks.addAll(AccessList.LOOPBACK);
    }
    return networks;
  }

  /**
   * --listen: an IP address (a name would make the bound address depend on the resolver), or null
   * for every address.
   */
  public static InetAddress listen(String listen) {
    if (listen == null) {
      return null;
    }
    if (!listen.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("--listen takes an IP address, not '" + listen + "'");
    }
    try {
      return InetAddress.getByName(listen);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--listen: '" + listen + "' is not an IP address");
    }
  }
}
