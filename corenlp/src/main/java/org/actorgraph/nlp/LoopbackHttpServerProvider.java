package org.actorgraph.nlp;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.spi.HttpServerProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Makes every HTTP server of this JVM listen on the loopback interface only. CoreNLP's server binds all
 * interfaces and has no option to choose one; the JDK picks its HTTP server provider from the system property
 * {@code com.sun.net.httpserver.HttpServerProvider}, which {@link FrenchNlpServer} sets to this class.
 */
public final class LoopbackHttpServerProvider extends HttpServerProvider {
  /** The JDK's own provider (module jdk.httpserver, exported to us by the JVM's --add-exports flag). */
  private final HttpServerProvider jdk;

  public LoopbackHttpServerProvider() throws ReflectiveOperationException {
    jdk =
        (HttpServerProvider)
            Class.forName("sun.net.httpserver.DefaultHttpServerProvider").getDeclaredConstructor().newInstance();
  }

  private static InetSocketAddress loopback(InetSocketAddress address) {
    return address == null ? null : new InetSocketAddress(InetAddress.getLoopbackAddress(), address.getPort());
  }

  @Override
  public HttpServer createHttpServer(InetSocketAddress address, int backlog) throws IOException {
    return jdk.createHttpServer(loopback(address), backlog);
  }

  @Override
  public HttpsServer createHttpsServer(InetSocketAddress address, int backlog) throws IOException {
    return jdk.createHttpsServer(loopback(address), backlog);
  }
}
