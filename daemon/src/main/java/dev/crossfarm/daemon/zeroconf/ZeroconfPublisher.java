package dev.crossfarm.daemon.zeroconf;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes volunteers' {@link Advert}s over multicast DNS with JmDNS, on each given IPv4 address
 * (one responder per address: mDNS answers on the link it was asked on). Withdrawing an advert, or
 * closing, sends mDNS goodbyes, so browsers drop the records at once instead of when they expire.
 */
public final class ZeroconfPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("dcc_zeroconf");

  private final List<JmDNS> responders;
  private final String host;
  private final Map<Advert, List<ServiceInfo>> published = new ConcurrentHashMap<>();

  private ZeroconfPublisher(List<JmDNS> responders, String host) {
    this.responders = responders;
    this.host = host;
  }

  /**
   * Starts a responder on each address.
   *
   * @param host the name in the records' instance names (this machine's host name)
   * @throws IOException when no responder could start
   */
  public static ZeroconfPublisher open(List<InetAddress> addresses, String host)
      throws IOException {
    if (addresses.isEmpty()) {
      throw new IOException(
          "--zeroconf: no network interface with IPv4 multicast to publish on"
              + " (give the address with --listen)");
    }
    List<JmDNS> responders = new ArrayList<>();
    for (InetAddress address : addresses) {
      // a host name of its own per responder: the A record it publishes for this address
      String name =
          (host + "-crossfarm-" + address.getHostAddress()).replaceAll("[^A-Za-z0-9-]", "-");
      responders.add(JmDNS.create(address, name));
    }
    return new ZeroconfPublisher(responders, host);
  }

  /** This machine's host name, the instance name of its records ("volunteer" if unknown). */
  public static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (IOException e) {
      return "volunteer";
    }
  }

  /** Every address of an interface that is up, not loopback, and does multicast (IPv4). */
  public static List<InetAddress> multicastAddresses() throws SocketException {
    List<InetAddress> found = new ArrayList<>();
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nif.isUp() && !nif.isLoopback() && nif.supportsMulticast()) {
        nif.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(found::add);
      }
    }
    return found;
  }

  /** Publishes one record per compiler of {@code advert}; publishing it again changes nothing. */
  public void publish(Advert advert) throws IOException {
    if (published.containsKey(advert)) {
      return;
    }
    List<ServiceInfo> infos = new ArrayList<>();
    for (JmDNS responder : responders) {
      for (Advert.Compiler compiler : advert.compilers()) {
        ServiceInfo info =
            ServiceInfo.create(
                Advert.TYPE,
                advert.instance(compiler, host),
                compiler.subtype(),
                advert.port(),
                0,
                0,
                advert.txt(compiler));
        responder.registerService(info);
        infos.add(info);
      }
    }
    published.put(advert, infos);
    log.info(
        "published {} on port {} for {}",
        advert.target(),
        advert.port(),
        advert.compilers().stream().map(c -> "_" + c.subtype()).toList());
  }

  /** Withdraws what {@link #publish} announced for {@code advert} (goodbye packets). */
  public void withdraw(Advert advert) {
    List<ServiceInfo> infos = published.remove(advert);
    if (infos == null) {
      return;
    }
    for (JmDNS responder : responders) {
      for (ServiceInfo info : infos) {
        responder.unregisterService(info);
      }
    }
    log.info("withdrew {} on port {}", advert.target(), advert.port());
  }

  /** The adverts published now. */
  public List<Advert> adverts() {
    return List.copyOf(published.keySet());
  }

  @Override
  public void close() {
    for (JmDNS responder : responders) {
      responder.unregisterAllServices();
      try {
        responder.close();
      } catch (IOException e) {
        log.debug("closing the mDNS responder: {}", e.getMessage());
      }
    }
    published.clear();
  }
}
